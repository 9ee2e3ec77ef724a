"""The trainer's course dashboard: roster with last activity, one learner's attempts, un-enrol with confirmation,
the gradebook and the CSV exports: who may see them, what they show, and what they cost in queries."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.h5p_activities import context_key
from courses.models import Enrolment, QuizAttempt
from courses.quizzes import quiz_token_make
from courses.services import enrolment_create, enrolment_remove, quiz_attempt_submit
from h5p.services import package_upload, xapi_statement_record
from tests.courses.factories import course_create, h5p_answered, lesson_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

H5P_FIXTURE = Path(settings.BASE_DIR) / "lms/demo/h5p/true-false.h5p"
H5P_BLOCK = "h5p-1"


@pytest.fixture
def h5p_lesson(course):
    """A third lesson of ``course``: a graded H5P activity (pass mark 100)."""
    upload = SimpleUploadedFile("true-false.h5p", H5P_FIXTURE.read_bytes(), content_type="application/zip")
    package = package_upload(uploaded_file=upload, title="Is this false?")
    value = {"package": package.pk, "title": "", "graded": True, "pass_mark": 100}
    lesson = lesson_create(course, title="Play it", body=[{"type": "h5p", "value": value, "id": H5P_BLOCK}])
    return lesson, package


def quiz_answer(learner, lesson, *, right: bool):
    """Submit the fixture quiz: both questions right, or the first one wrong (50%: passes the 50% mark)."""
    token = quiz_token_make(learner_id=learner.pk, lesson_id=lesson.pk, block_id="quiz-1", number=1)
    data = {"q0": ["0" if right else "1"], "q1": ["0"]}
    return quiz_attempt_submit(learner=learner, lesson_id=lesson.pk, block_id="quiz-1", token=token, data=data)


def h5p_score(learner, lesson, package, raw):
    key = context_key(lesson_id=lesson.pk, block_id=H5P_BLOCK)
    statement = h5p_answered(package_id=package.pk, context_key=key, raw=raw)
    return xapi_statement_record(user=learner, package=package, context_key=key, statement=statement)


def urls(course, learner):
    return {
        "roster": reverse("courses:roster", args=[course.pk]),
        "roster_export": reverse("courses:roster_export", args=[course.pk]),
        "participant": reverse("courses:participant", args=[course.pk, learner.pk]),
        "participant_remove": reverse("courses:participant_remove", args=[course.pk, learner.pk]),
        "gradebook": reverse("courses:gradebook", args=[course.pk]),
        "gradebook_export": reverse("courses:gradebook_export", args=[course.pk]),
    }


PAGES = ["roster_export", "participant", "participant_remove", "gradebook", "gradebook_export"]


# ------------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, course, enrolled, name):
    response = client.get(urls(course, enrolled)[name])
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_a_learner_is_refused(client, course, enrolled, name):
    client.force_login(enrolled)
    assert client.get(urls(course, enrolled)[name]).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_a_trainer_of_another_course_is_refused(client, association, course, enrolled, name):
    other_trainer = UserFactory()
    course_create(issuer=association, trainers=[other_trainer])
    client.force_login(other_trainer)
    assert client.get(urls(course, enrolled)[name]).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_the_trainer_of_the_course_is_let_in(client, trainer, course, enrolled, name):
    client.force_login(trainer)
    assert client.get(urls(course, enrolled)[name]).status_code == 200


def test_someone_never_enrolled_has_no_page(client, trainer, course, outsider):
    client.force_login(trainer)
    assert client.get(urls(course, outsider)["participant"]).status_code == 404
    assert client.get(urls(course, outsider)["participant_remove"]).status_code == 404


def test_a_learner_cannot_un_enrol_another(client, course, enrolled, member):
    enrolment_create(learner=member, course=course)
    client.force_login(enrolled)
    assert client.post(urls(course, member)["participant_remove"]).status_code == 403
    assert Enrolment.objects.get(learner=member, course=course).is_active


# ------------------------------------------------------------------------------------------------ un-enrol


def test_the_confirmation_page_says_what_will_happen_and_changes_nothing(client, trainer, course, enrolled):
    client.force_login(trainer)
    content = client.get(urls(course, enrolled)["participant_remove"]).content.decode()
    assert "can no longer open the course" in content
    assert "nothing is deleted" in content
    assert Enrolment.objects.get(learner=enrolled, course=course).is_active


def test_the_trainer_un_enrols_a_learner_whose_records_are_kept(client, trainer, course, enrolled, quiz_lesson):
    quiz_answer(enrolled, quiz_lesson, right=True)
    client.force_login(trainer)
    response = client.post(urls(course, enrolled)["participant_remove"], follow=True)
    assert "is no longer enrolled" in response.content.decode()
    enrolment = Enrolment.objects.get(learner=enrolled, course=course)
    assert enrolment.status == Enrolment.Status.LEFT
    assert enrolment.left_by == trainer
    assert QuizAttempt.objects.filter(learner=enrolled).count() == 1
    # Enrolled again: the record of who ended it goes, the attempts stay.
    enrolment_create(learner=enrolled, course=course, actor=trainer)
    enrolment.refresh_from_db()
    assert enrolment.is_active and enrolment.left_by is None


def test_un_enrolling_someone_not_enrolled_explains_and_changes_nothing(client, trainer, course, enrolled):
    enrolment_remove(actor=trainer, course=course, learner=enrolled)
    left_at = Enrolment.objects.get(learner=enrolled).left_at
    client.force_login(trainer)
    response = client.post(urls(course, enrolled)["participant_remove"], follow=True)
    assert "is not enrolled in this course" in response.content.decode()
    assert Enrolment.objects.get(learner=enrolled).left_at == left_at


def test_the_service_refuses_someone_who_does_not_run_the_course(course, enrolled, member):
    from accounts.refusals import Refusal

    with pytest.raises(Refusal):
        enrolment_remove(actor=member, course=course, learner=enrolled)
    assert Enrolment.objects.get(learner=enrolled).is_active


# ------------------------------------------------------------------------------------------------ what they show


def test_the_roster_shows_last_activity_and_links_to_attempts_and_un_enrol(client, trainer, course, enrolled):
    client.force_login(trainer)
    content = client.get(urls(course, enrolled)["roster"]).content.decode()
    assert "Last activity" in content and "None yet" in content
    assert urls(course, enrolled)["participant"] in content
    assert urls(course, enrolled)["participant_remove"] in content
    assert urls(course, enrolled)["roster_export"] in content


def test_the_participant_page_shows_quiz_answers_and_h5p_scores(
    client, trainer, course, enrolled, quiz_lesson, h5p_lesson
):
    lesson, package = h5p_lesson
    quiz_answer(enrolled, quiz_lesson, right=False)
    h5p_score(enrolled, lesson, package, 0)
    client.force_login(trainer)
    content = client.get(urls(course, enrolled)["participant"]).content.decode()
    assert "Which source is primary?" in content
    assert "A blog summary" in content and "wrong" in content
    assert "Is this false?" in content  # the untitled H5P block is named after its package
    assert "0%" in content and "Not passed" in content


def test_the_gradebook_shows_best_scores_and_pass_fail_and_leaves_out_who_left(
    client, trainer, course, enrolled, quiz_lesson, h5p_lesson, member
):
    lesson, package = h5p_lesson
    quiz_answer(enrolled, quiz_lesson, right=True)
    h5p_score(enrolled, lesson, package, 0)
    h5p_score(enrolled, lesson, package, 1)
    enrolment_create(learner=member, course=course)
    enrolment_remove(actor=trainer, course=course, learner=member)
    client.force_login(trainer)
    response = client.get(urls(course, enrolled)["gradebook"])
    rows = response.context["rows"]
    assert [row["learner"] for row in rows] == [enrolled]
    quiz_cell, h5p_cell = rows[0]["cells"]
    assert (quiz_cell.best, quiz_cell.passed, quiz_cell.attempts) == (100, True, 1)
    assert (h5p_cell.best, h5p_cell.passed, h5p_cell.attempts) == (100, True, 2)
    assert "2 attempts" in response.content.decode()


def test_the_gradebook_csv_has_scores_and_results(client, trainer, course, enrolled, quiz_lesson, h5p_lesson):
    quiz_answer(enrolled, quiz_lesson, right=False)
    client.force_login(trainer)
    response = client.get(urls(course, enrolled)["gradebook_export"])
    assert response["Content-Type"].startswith("text/csv")
    header, line = list(csv.reader(io.StringIO(response.content.decode())))
    assert header[:2] == ["Name", "E-mail"]
    assert "Quiz time: Check your understanding: best score (%)" in header
    assert line[1] == enrolled.email
    assert line[2:6] == ["50", "yes", "", ""]  # the quiz: 50%, passed; the H5P activity: not attempted
    assert line[-1] == "1"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+SUM(1;2)", "-2+3", "@cmd"])
def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(client, trainer, course, name):
    learner = UserFactory()
    learner.display_name = name
    learner.save(update_fields=["display_name"])  # as if saved before names were validated
    enrolment_create(learner=learner, course=course)
    lesson_create(course, title=name)
    client.force_login(trainer)
    for export in ("roster_export", "gradebook_export"):
        content = client.get(urls(course, learner)[export]).content.decode()
        cells = [cell for line in csv.reader(io.StringIO(content)) for cell in line]
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), export
    assert f"'{name}" in cells


# ------------------------------------------------------------------------------------------------ query counts


def _populate(course, quiz_lesson, h5p_lesson, n):
    lesson, package = h5p_lesson
    for index in range(n):
        learner = UserFactory()
        enrolment_create(learner=learner, course=course)
        quiz_answer(learner, quiz_lesson, right=index % 2 == 0)
        h5p_score(learner, lesson, package, index % 2)
    return learner


# Pinned as measured (the site's pages spend 15 on the session, the user, the header (open polls, membership), menus
# and settings; the exports none), one of them on course.canonical() (records live on the course's original).
@pytest.mark.parametrize(
    ("name", "most"),
    [("roster", 27), ("roster_export", 12), ("participant", 28), ("gradebook", 25), ("gradebook_export", 10)],
)
def test_query_counts_are_pinned_and_equal_at_3_and_60_learners(
    client, trainer, course, quiz_lesson, h5p_lesson, django_assert_max_num_queries, name, most
):
    client.force_login(trainer)
    counts = []
    for n in (3, 57):
        learner = _populate(course, quiz_lesson, h5p_lesson, n)
        url = urls(course, learner)[name]
        client.get(url)  # warm the site, content type and session caches
        with django_assert_max_num_queries(most), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert Enrolment.objects.filter(course=course).count() == 60
    assert counts[0] == counts[1], counts


# ------------------------------------------------------------------------------------------------ where it is found


def test_the_course_page_links_its_trainer_to_the_roster_and_gradebook(client, trainer, course, enrolled):
    client.force_login(trainer)
    content = client.get(course.url).content.decode()
    assert urls(course, enrolled)["roster"] in content
    assert urls(course, enrolled)["gradebook"] in content
    client.force_login(enrolled)
    assert urls(course, enrolled)["gradebook"] not in client.get(course.url).content.decode()


def test_the_course_in_the_wagtail_admin_links_to_the_dashboard(client, trainer, course, enrolled):
    from cms.services import trainers_grant_section
    from tests.courses.factories import catalogue

    trainers_grant_section(page=catalogue())
    client.force_login(trainer)
    for view in ("wagtailadmin_pages:edit", "wagtailadmin_explore"):
        content = client.get(reverse(view, args=[course.pk])).content.decode()
        assert urls(course, enrolled)["roster"] in content, view
        assert urls(course, enrolled)["gradebook"] in content, view
