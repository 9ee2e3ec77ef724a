"""One forged xAPI statement can no longer complete a course or issue a certificate.

Each case below completed the course and issued a certificate before the h5p app checked scores and packages.
"""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.models import Certificate
from courses.h5p_activities import context_key, holds_package
from courses.models import CourseCompletion
from courses.services import enrolment_create
from h5p.models import H5PAttempt, XAPIStatement
from h5p.services import activity_iri, package_upload
from tests.courses.factories import course_create, lesson_create
from tests.h5p.builders import fixture_path

pytestmark = pytest.mark.django_db


def _package(title: str):
    upload = SimpleUploadedFile("true-false.h5p", fixture_path().read_bytes(), content_type="application/zip")
    return package_upload(uploaded_file=upload, title=title, uploaded_by=None)


def _other_package():
    """A second package (same libraries, other content) that is placed in no lesson."""
    import io
    import zipfile

    source = zipfile.ZipFile(fixture_path())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content/content.json":
                data = data.replace(b"Is this false?", b"Is the sky blue?")
            archive.writestr(info, data)
    upload = SimpleUploadedFile("other.h5p", buffer.getvalue(), content_type="application/zip")
    return package_upload(uploaded_file=upload, title="Easy", uploaded_by=None)


@pytest.fixture
def h5p_course(association, learner):
    """An enrolled learner and a course whose only lesson holds one graded H5P activity (pass mark 100 %)."""
    package = _package("Is this false?")
    course = course_create(issuer=association)
    block_id = str(uuid.uuid4())
    value = {"package": package.pk, "title": "Is this false?", "graded": True, "pass_mark": 100}
    lesson = lesson_create(course, body=[{"type": "h5p", "value": value, "id": block_id}])
    enrolment_create(learner=learner, course=course)
    return package, course, context_key(lesson_id=lesson.pk, block_id=block_id)


def _post(client, package, key, score):
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": activity_iri(package_id=package.pk, context_key=key), "objectType": "Activity"},
        "result": {"score": score, "completion": True, "success": True},
    }
    body = json.dumps({"package": package.pk, "context": key, "statement": statement})
    return client.post(reverse("h5p:xapi"), body, content_type="application/json")


def _nothing_recorded(learner, course):
    return (
        not XAPIStatement.objects.exists()
        and not H5PAttempt.objects.exists()
        and not CourseCompletion.objects.filter(learner=learner, course=course).exists()
        and not Certificate.objects.filter(recipient=learner).exists()
    )


@pytest.mark.parametrize(
    "score",
    [{"raw": 999, "max": 1}, {"raw": 1, "max": 0, "scaled": 1}, {"raw": 0, "max": 1, "scaled": 1}],
    ids=["raw-above-max", "max-zero-scaled-one", "scaled-contradicts-raw"],
)
def test_one_forged_score_neither_completes_the_course_nor_issues_a_certificate(
    client, learner, h5p_course, score, django_capture_on_commit_callbacks
):
    package, course, key = h5p_course
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, package, key, score)
    assert response.status_code == 400
    assert _nothing_recorded(learner, course)


def test_a_statement_for_another_package_in_the_lessons_context_completes_nothing(
    client, learner, h5p_course, django_capture_on_commit_callbacks
):
    """A learner cannot score the lesson's block with an easier package played elsewhere."""
    _package_placed, course, key = h5p_course
    easy = _other_package()
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, easy, key, {"raw": 1, "max": 1})
    assert response.status_code == 403
    assert _nothing_recorded(learner, course)


def test_the_lesson_block_holds_only_the_package_placed_in_it(h5p_course):
    package, _course, key = h5p_course
    easy = _other_package()
    assert holds_package(key, package.pk) is True
    assert holds_package(key, easy.pk) is False
    assert holds_package(key.rsplit(":", 1)[0] + ":missing-block", package.pk) is False


def test_an_honest_answer_still_completes_the_course(client, learner, h5p_course, django_capture_on_commit_callbacks):
    package, course, key = h5p_course
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, package, key, {"min": 0, "raw": 1, "max": 1, "scaled": 1})
    assert response.status_code == 200
    assert CourseCompletion.objects.filter(learner=learner, course=course).count() == 1
    assert Certificate.objects.filter(recipient=learner).count() == 1
