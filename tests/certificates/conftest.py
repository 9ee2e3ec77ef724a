import pytest

from lms.celery import app as celery_app
from tests.certificates.factories import ManualAwardFactory, issue
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _celery_in_process():
    """These tests run the certificate tasks in process (as `make test` without a broker does), also in the CI
    run that has a broker and a worker: they check what the tasks do, not the transport."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def russian_learner(db):
    return UserFactory(email="irina@example.org", display_name="Ирина Сергеевна Петрова", preferred_language="ru")


@pytest.fixture
def award(association):
    return ManualAwardFactory(association=association, title="Цифровая грамотность для библиотекарей")


@pytest.fixture
def certificate(learner, award, django_capture_on_commit_callbacks):
    """A certificate of ``association`` for ``learner``, with its PDF rendered and e-mail sent."""
    with django_capture_on_commit_callbacks(execute=True):
        return issue(recipient=learner, source=award)
