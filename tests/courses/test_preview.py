"""Editors preview a course (and a lesson) from its latest revision: the page renders, prerequisites included."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from courses.selectors import course_overview
from courses.services import enrolment_create
from tests.courses.factories import course_create, lesson_create


@pytest.fixture
def previewed(association, trainer):
    """A course with a prerequisite, as Wagtail's preview builds it: from a revision, relations in memory."""
    before = course_create(issuer=association, title="Evaluating sources")
    course = course_create(issuer=association, title="Fact-checking in depth", trainers=[trainer])
    lesson_create(course, title="Claims and evidence")
    course.prerequisites.set([before])
    course.save_revision()
    return course.get_latest_revision().as_object()


def _preview(page, user):
    request = RequestFactory().get("/admin/pages/preview/")
    request.user = user
    return page.make_preview_request(original_request=request)


@pytest.mark.django_db
def test_a_course_with_prerequisites_previews_for_its_trainer(previewed, trainer):
    response = _preview(previewed, trainer)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fact-checking in depth" in html
    assert "Evaluating sources" in html


@pytest.mark.django_db
def test_the_previewed_course_tells_a_learner_which_prerequisites_are_missing(previewed, learner):
    """What the page shows a signed-in visitor, built from the in-memory revision the preview uses."""
    overview = course_overview(course=previewed, user=learner)
    assert [page.title for page in overview["prerequisites"]] == ["Evaluating sources"]
    assert overview["enrol_refusal"] == "Complete the prerequisite courses first: Evaluating sources."


@pytest.mark.django_db
def test_a_course_previews_for_an_anonymous_request_too(previewed):
    assert _preview(previewed, AnonymousUser()).status_code == 200


@pytest.mark.django_db
def test_an_enrolled_learner_previewing_sees_the_outline(previewed, learner):
    enrolment_create(learner=learner, course=previewed.specific_class.objects.get(pk=previewed.pk))
    assert "Claims and evidence" in _preview(previewed, learner).content.decode()
