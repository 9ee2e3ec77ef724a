"""The roster: who may see it, what it shows, and enrolling people by e-mail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrolment
from courses.services import enrolment_create, lesson_complete
from tests.courses.factories import course_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster_url(course):
    return reverse("courses:roster", args=[course.pk])


def test_anonymous_visitors_are_sent_to_log_in(client, roster_url):
    response = client.get(roster_url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_learner_cannot_see_the_roster(client, enrolled, roster_url):
    client.force_login(enrolled)
    assert client.get(roster_url).status_code == 403


def test_a_trainer_of_another_course_cannot_see_the_roster(client, association, roster_url):
    other_trainer = UserFactory()
    course_create(issuer=association, trainers=[other_trainer])
    client.force_login(other_trainer)
    assert client.get(roster_url).status_code == 403


def test_an_admin_of_another_association_cannot_see_the_roster(client, other_admin, roster_url):
    client.force_login(other_admin)
    assert client.get(roster_url).status_code == 403


def test_an_ordinary_member_of_the_association_cannot_see_the_roster(client, member, roster_url):
    client.force_login(member)
    assert client.get(roster_url).status_code == 403


def test_the_association_admin_sees_the_roster_with_progress(
    client, association_admin, enrolled, reading_lesson, roster_url
):
    lesson_complete(learner=enrolled, lesson=reading_lesson)
    client.force_login(association_admin)
    response = client.get(roster_url)
    assert response.status_code == 200
    content = response.content.decode()
    assert enrolled.email in content
    assert "1 / 2" in content
    assert 'value="50"' in content


def test_the_trainer_of_the_course_sees_the_roster(client, trainer, enrolled, roster_url):
    client.force_login(trainer)
    assert enrolled.email in client.get(roster_url).content.decode()


def test_the_trainer_enrols_someone_by_email(client, trainer, course, outsider, roster_url):
    client.force_login(trainer)
    response = client.post(roster_url, {"email": outsider.email.upper()})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(learner=outsider, course=course)
    assert enrolment.enrolled_by == trainer


def test_enrolling_an_unknown_email_explains_and_changes_nothing(client, trainer, roster_url):
    client.force_login(trainer)
    response = client.post(roster_url, {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "No account uses this e-mail address." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_learner_cannot_enrol_others_through_the_roster(client, enrolled, outsider, course, roster_url):
    client.force_login(enrolled)
    assert client.post(roster_url, {"email": outsider.email}).status_code == 403
    assert not Enrolment.objects.filter(learner=outsider).exists()


def test_the_roster_query_count_does_not_grow_with_enrolments(client, trainer, course, roster_url):
    """Reading the roster of 60 participants costs as many queries as reading it with 3."""

    def measure(n):
        for _ in range(n):
            enrolment_create(learner=UserFactory(), course=course)
        client.force_login(trainer)
        client.get(roster_url)  # warm the site, content type and session caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(roster_url).status_code == 200
        return len(queries)

    small = measure(3)
    large = measure(57)
    assert small == large
