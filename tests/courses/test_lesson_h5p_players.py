"""The lesson page builds the players of all its H5P blocks at once: each block plays under its own context key for
whoever ``can_play`` lets play it, and the page costs the same queries with one block or several."""

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.h5p_activities import can_play, context_key, lesson_playable_keys
from courses.services import enrolment_create, enrolment_leave
from tests.courses.factories import course_create, lesson_create, paragraph

pytestmark = pytest.mark.django_db

H5P_FIXTURE = Path(settings.BASE_DIR) / "lms/demo/h5p/true-false.h5p"


@pytest.fixture
def package():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from h5p.services import package_upload

    upload = SimpleUploadedFile("true-false.h5p", H5P_FIXTURE.read_bytes(), content_type="application/zip")
    return package_upload(uploaded_file=upload, title="Is this false?")


def _h5p(package, block_id=None) -> dict:
    value = {"package": package.pk, "title": "Is this false?", "graded": True, "pass_mark": 100}
    return {"type": "h5p", "value": value, "id": block_id or str(uuid.uuid4())}


@pytest.fixture
def course(association, trainer):
    return course_create(issuer=association, trainers=[trainer])


def _lesson(course, package, blocks: int):
    return lesson_create(course, body=[paragraph(), *(_h5p(package) for _ in range(blocks))])


def _keys(lesson) -> list[str]:
    return [
        context_key(lesson_id=lesson.pk, block_id=item["id"]) for item in lesson.body.raw_data if item["type"] == "h5p"
    ]


def _played_contexts(html: str) -> list[str]:
    return re.findall(r'data-h5p-context="([^"]+)"', html)


def test_an_enrolled_learner_gets_a_player_for_every_block(client, learner, course, package):
    lesson = _lesson(course, package, 3)
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert _played_contexts(html) == _keys(lesson)
    assert html.count('sandbox="allow-scripts"') == 3
    assert "cannot play this interactive activity" not in html


def test_the_courses_trainer_gets_every_player_without_enrolling(client, trainer, course, package):
    lesson = _lesson(course, package, 2)
    client.force_login(trainer)
    html = client.get(lesson.url).content.decode()
    assert _played_contexts(html) == _keys(lesson)


def test_the_lesson_costs_the_same_queries_with_one_and_with_four_h5p_blocks(client, learner, course, package):
    one, four = _lesson(course, package, 1), _lesson(course, package, 4)
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(four.url) == queries(one.url)


def test_the_page_decides_as_can_play_does_for_every_block(learner, outsider, trainer, course, package):
    lesson = _lesson(course, package, 2)
    enrolment_create(learner=learner, course=course)
    for user, enrolled in ((learner, True), (trainer, False), (outsider, False)):
        expected = {key for key in _keys(lesson) if can_play(user, key)}
        assert lesson_playable_keys(user=user, lesson=lesson, enrolled=enrolled) == expected, user
    assert lesson_playable_keys(user=learner, lesson=lesson, enrolled=True) == set(_keys(lesson))
    assert lesson_playable_keys(user=outsider, lesson=lesson, enrolled=False) == set()
    enrolment_leave(learner=learner, course=course)
    assert lesson_playable_keys(user=learner, lesson=lesson, enrolled=False) == set()


def test_a_previewed_draft_block_plays_for_the_staff_only(learner, trainer, course, package):
    """A draft adds a block: the preview plays it for the trainer; an enrolled learner plays only what is live."""
    lesson = _lesson(course, package, 1)
    enrolment_create(learner=learner, course=course)
    live_key = _keys(lesson)[0]
    lesson.body = [*lesson.body.raw_data, _h5p(package, "added-in-the-draft")]
    draft = lesson.save_revision(user=trainer).as_object()
    draft_key = context_key(lesson_id=lesson.pk, block_id="added-in-the-draft")
    assert lesson_playable_keys(user=trainer, lesson=draft, enrolled=False, preview=True) == {live_key, draft_key}
    assert lesson_playable_keys(user=learner, lesson=draft, enrolled=True, preview=True) == {live_key}
    assert not can_play(learner, draft_key)


def test_nothing_plays_in_a_lesson_never_saved(trainer, course, package):
    from courses.models import LessonPage

    unsaved = LessonPage(
        title="New", slug="new", body=[_h5p(package)], path=course.path + "ZZZZ", depth=course.depth + 1
    )
    assert lesson_playable_keys(user=trainer, lesson=unsaved, enrolled=False, preview=True) == set()
