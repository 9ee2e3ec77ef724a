"""Scheduled publishing happens: beat runs it every minute, and `make run` runs the same schedule in process."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.tasks import pages_publish_scheduled
from courses.models import LessonPage
from lms.celery import app
from tests.courses.factories import course_create, lesson_create


@pytest.fixture
def scheduled_lesson(association):
    """A lesson saved as a draft whose publication was approved for a minute ago (the beat has not run yet)."""
    course = course_create(issuer=association, title="Open data")
    lesson = lesson_create(course, title="Licences")
    lesson.unpublish()
    lesson.refresh_from_db()
    lesson.title = "Licences, scheduled"
    lesson.go_live_at = timezone.now() - timedelta(minutes=1)
    lesson.save_revision(approved_go_live_at=lesson.go_live_at)
    return lesson


def test_the_beat_schedule_publishes_scheduled_pages_every_minute():
    entry = app.conf.beat_schedule["publish-scheduled-pages"]
    assert entry["task"] == "cms.publish_scheduled"
    assert entry["schedule"] == 60.0
    assert "cms.publish_scheduled" in app.tasks


@pytest.mark.django_db
def test_a_lesson_scheduled_in_the_past_goes_live_when_the_task_runs(scheduled_lesson):
    assert not LessonPage.objects.get(pk=scheduled_lesson.pk).live
    pages_publish_scheduled.delay()
    lesson = LessonPage.objects.get(pk=scheduled_lesson.pk)
    assert lesson.live
    assert lesson.title == "Licences, scheduled"


@pytest.mark.django_db
def test_running_the_task_twice_publishes_once(scheduled_lesson):
    pages_publish_scheduled.delay()
    pages_publish_scheduled.delay()
    lesson = LessonPage.objects.get(pk=scheduled_lesson.pk)
    assert lesson.live
    assert lesson.revisions.count() == 1


@pytest.mark.django_db
def test_a_lesson_scheduled_for_later_stays_unpublished(association):
    course = course_create(issuer=association, title="Metadata")
    lesson = lesson_create(course, title="Schemas")
    lesson.unpublish()
    later = timezone.now() + timedelta(hours=1)
    lesson.go_live_at = later
    lesson.save_revision(approved_go_live_at=later)
    pages_publish_scheduled.delay()
    assert not LessonPage.objects.get(pk=lesson.pk).live


@pytest.mark.django_db
def test_run_periodic_runs_the_beat_schedule_in_process_for_the_demo(scheduled_lesson):
    call_command("run_periodic", "--once")
    assert LessonPage.objects.get(pk=scheduled_lesson.pk).live


def test_run_periodic_finds_every_scheduled_task_in_a_fresh_process():
    """As `make run` starts it: a new process where nothing has imported the apps' tasks modules yet."""
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import django; django.setup();"
        "from lms.celery import app; app.loader.import_default_modules();"
        "names = {e['task'] for e in app.conf.beat_schedule.values()};"
        "print(sorted(names - set(app.tasks)))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
