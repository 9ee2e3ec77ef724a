"""My learning: courses in progress, completed courses, certificates to come and skills earned."""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from courses.models import Skill
from courses.selectors import skills_earned
from courses.services import enrolment_create, lesson_complete
from tests.courses.factories import course_create, lesson_create

pytestmark = pytest.mark.django_db


def test_the_skills_framework_is_seeded():
    """The data migration seeds a real starting set of LIS skills."""
    names = set(Skill.objects.filter(locale=Locale.get_default()).values_list("name", flat=True))
    assert {"Media and information literacy", "Fact-checking and verification", "Copyright and open licences"} <= names
    assert len(names) >= 15


def test_my_learning_requires_login(client):
    response = client.get(reverse("courses:learning"))
    assert "/accounts/login/" in response["Location"]


def test_my_learning_shows_courses_in_progress_and_completed(client, learner, association):
    skill = Skill.objects.get(name="Digital preservation", locale=Locale.get_default())
    done = course_create(issuer=association, title="Preserving files", skills=[skill])
    done_lesson = lesson_create(done)
    going = course_create(issuer=association, title="Open licences", cpd_hours=2)
    lesson_create(going, title="What a licence is")
    enrolment_create(learner=learner, course=done)
    enrolment_create(learner=learner, course=going)
    lesson_complete(learner=learner, lesson=done_lesson)

    client.force_login(learner)
    content = client.get(reverse("courses:learning")).content.decode()
    in_progress, completed = content.split('id="completed-heading"')
    assert "Open licences" in in_progress
    assert "Start the course" in in_progress
    assert "Certificate to come: 2 CPD hours" in in_progress
    assert "Preserving files" in completed
    assert "/certificates/mine/" in completed
    assert "Digital preservation" in completed  # skills earned


def test_skills_are_earned_only_from_completed_courses(learner, association):
    skill = Skill.objects.get(name="AI literacy", locale=Locale.get_default())
    course = course_create(issuer=association, skills=[skill])
    lesson = lesson_create(course)
    enrolment_create(learner=learner, course=course)
    assert skills_earned(learner=learner) == []
    lesson_complete(learner=learner, lesson=lesson)
    assert skills_earned(learner=learner) == [skill]


def test_skills_earned_are_shown_in_the_active_language(learner, association):
    russian = Locale.objects.create(language_code="ru")
    skill = Skill.objects.get(name="AI literacy", locale=Locale.get_default())
    translated = skill.copy_for_translation(russian)
    translated.name = "Грамотность в области ИИ"
    translated.save()
    course = course_create(issuer=association, skills=[skill])
    lesson = lesson_create(course)
    enrolment_create(learner=learner, course=course)
    lesson_complete(learner=learner, lesson=lesson)
    from django.utils import translation

    with translation.override("ru"):
        assert [s.name for s in skills_earned(learner=learner)] == ["Грамотность в области ИИ"]
    with translation.override("en"):
        assert [s.name for s in skills_earned(learner=learner)] == ["AI literacy"]


def test_my_learning_speaks_russian(client, learner):
    """Russian is complete: /ru/ pages of courses are in Russian (make test compiles the catalogues)."""
    client.force_login(learner)
    content = client.get("/ru/courses/learning/").content.decode()
    assert "Моё обучение" in content
    assert "Полученные навыки" in content
