import pytest

from tests.certificates.factories import ManualAwardFactory, issue
from tests.factories import UserFactory


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
