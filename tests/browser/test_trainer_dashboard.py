"""In Chromium, a trainer's first day, in steps that fail on their own: upload an H5P package in the Wagtail admin;
start a course in the admin, preview it and schedule a lesson; see a learner's attempts in the gradebook and the
learner's page, and find the un-enrol confirmation (axe-core on each dashboard page).

The lessons' StreamField content (the H5P block, the quiz) is built with the test factories: drawing StreamField
blocks by hand in the browser is Wagtail's own tested ground; the posts of the admin forms are tested in
tests/courses.
"""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytest.importorskip("playwright")

from playwright.sync_api import expect

from accounts.models import Membership
from cms.services import trainers_grant_section
from courses.models import CoursePage
from courses.quizzes import quiz_token_make
from courses.services import enrolment_create, quiz_attempt_submit
from h5p.models import H5PPackage
from h5p.services import package_upload, xapi_statement_record
from tests.courses.factories import catalogue, course_create, h5p_answered, home_page, lesson_create, quiz_block
from tests.factories import AssociationFactory, MembershipFactory, UserFactory
from tests.h5p.builders import build_zip, fixture_members

H5P_FIXTURE = Path(settings.BASE_DIR) / "lms/demo/h5p/true-false.h5p"

# serialized_rollback: each step starts from the migrated data (the Trainers group and its rights), not the flushed
# database a previous step leaves.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _assert_accessible(page, axe):
    violations = axe(page)
    assert not violations, str(violations)


@pytest.fixture
def world():
    """A catalogue Trainers may author in, the H5P libraries installed by an administrator, and Tom: a platform
    trainer who is a trainer of the Baltic Library Association."""
    home_page()
    trainers_grant_section(page=catalogue())
    admin = UserFactory(email="root@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save(update_fields=["is_superuser", "is_staff"])
    upload = SimpleUploadedFile("true-false.h5p", H5P_FIXTURE.read_bytes(), content_type="application/zip")
    installed = package_upload(uploaded_file=upload, title="Installed by the administrator", uploaded_by=admin)
    association = AssociationFactory(name="Baltic Library Association", slug="bla")
    trainer = UserFactory(email="tom@example.org", display_name="Tom Trainer")
    trainer.groups.add(Group.objects.get_or_create(name="Trainers")[0])
    MembershipFactory(user=trainer, association=association, role=Membership.Role.TRAINER)
    return {"association": association, "trainer": trainer, "installed": installed}


def test_step_1_a_trainer_uploads_an_h5p_package_in_the_admin(live_server, page, world, tmp_path):
    members = fixture_members()
    metadata = json.loads(members["h5p.json"])
    metadata["title"] = "Tom's true or false"
    members["h5p.json"] = json.dumps(metadata).encode()
    package_file = tmp_path / "toms.h5p"
    package_file.write_bytes(build_zip(members))
    _log_in(page, live_server, world["trainer"])

    page.goto(f"{live_server.url}{reverse('wagtailsnippets_h5p_h5ppackage:add')}")
    page.locator("input[type=file][name=upload]").set_input_files(str(package_file))
    page.locator("input[name=title]").fill("Is this false?")
    page.get_by_role("button", name="Save").first.click()

    expect(page.get_by_text("Is this false?").first).to_be_visible()
    assert H5PPackage.objects.get(title="Is this false?").uploaded_by == world["trainer"]


def test_step_2_a_trainer_starts_a_course_previews_it_and_schedules_a_lesson(live_server, page, world):
    trainer = world["trainer"]
    _log_in(page, live_server, trainer)
    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:add', args=['courses', 'coursepage', catalogue().pk])}")
    title = page.get_by_placeholder("Page title*")
    title.press_sequentially("Verifying information")  # by keys: the slug follows the title as it is typed
    title.blur()
    page.locator("#id_summary").fill("Check a claim before you share it.")
    page.locator("#id_track").select_option(index=1)
    page.locator("#id_issuer").select_option(label="Baltic Library Association")
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    course = CoursePage.objects.get(title="Verifying information")
    assert list(course.trainers.all()) == [trainer]

    h5p = {"package": world["installed"].pk, "title": "A quick check", "graded": True, "pass_mark": 100}
    lesson = lesson_create(course, title="Interactive check", body=[{"type": "h5p", "value": h5p, "id": "h5p-1"}])
    lesson_create(course, title="Quiz", body=[quiz_block(block_id="final")])

    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:view_draft', args=[course.pk])}")
    expect(page.get_by_role("heading", name="Verifying information")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:view_draft', args=[lesson.pk])}")
    expect(page.locator("iframe.h5p-activity__frame")).to_be_attached()

    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:edit', args=[lesson.pk])}")
    go_live = timezone.localtime() + timedelta(days=2)
    page.locator("[data-side-panel-toggle='status']").click()
    page.get_by_role("button", name="Set schedule").click()
    dialog = page.locator("#schedule-publishing-dialog")
    expect(dialog.get_by_text("Times are in UTC (UTC+00:00).").first).to_be_visible()
    dialog.locator("input[name=go_live_at]").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    # By keyboard: the date picker stays open over the button.
    dialog.get_by_role("button", name="Save schedule").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("has been updated").first).to_be_visible()
    expect(page.get_by_text("Scheduled for").first).to_be_attached()  # the dialog's note: when, in which zone

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Schedule to publish").click()
    expect(page.get_by_text("has been scheduled for publishing").first).to_be_visible()
    lesson.refresh_from_db()
    revision = lesson.revisions.filter(approved_go_live_at__isnull=False).get()
    assert abs(revision.approved_go_live_at - go_live) < timedelta(minutes=1)
    assert not lesson.live


def test_step_3_the_trainer_sees_a_learners_attempts_in_the_gradebook(live_server, page, axe, world):
    trainer = world["trainer"]
    course = course_create(issuer=world["association"], title="Verifying information", trainers=[trainer])
    package = world["installed"]
    h5p = {"package": package.pk, "title": "A quick check", "graded": True, "pass_mark": 100}
    h5p_lesson = lesson_create(course, title="Interactive check", body=[{"type": "h5p", "value": h5p, "id": "h5p-1"}])
    quiz_lesson = lesson_create(course, title="Quiz", body=[quiz_block(block_id="final")])
    learner = UserFactory(email="lena@example.org", display_name="Lena Learner")
    enrolment_create(learner=learner, course=course)
    token = quiz_token_make(learner_id=learner.pk, lesson_id=quiz_lesson.pk, block_id="final", number=1)
    quiz_attempt_submit(
        learner=learner, lesson_id=quiz_lesson.pk, block_id="final", token=token, data={"q0": ["0"], "q1": ["1"]}
    )
    key = f"courses.lesson:{h5p_lesson.pk}:h5p-1"
    statement = h5p_answered(package_id=package.pk, context_key=key, raw=1)
    xapi_statement_record(user=learner, package=package, context_key=key, statement=statement)
    _log_in(page, live_server, trainer)

    page.goto(f"{live_server.url}{course.url}")
    page.get_by_role("link", name="Gradebook").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("Lena Learner"))).to_contain_text("100% — passed")
    expect(table.get_by_role("row", name=re.compile("Lena Learner"))).to_contain_text("50% — passed")
    _assert_accessible(page, axe)

    page.get_by_role("link", name="Lena Learner").click()
    expect(page.get_by_role("heading", name="Lena Learner")).to_be_visible()
    expect(page.get_by_text("A blog summary").or_(page.get_by_text("The original dataset")).first).to_be_visible()
    _assert_accessible(page, axe)

    page.get_by_role("link", name="Participants and progress").click()
    _assert_accessible(page, axe)
    page.get_by_role("link", name="Un-enrol Lena Learner").click()
    expect(page.get_by_text("nothing is deleted")).to_be_visible()
    _assert_accessible(page, axe)
    page.get_by_role("button", name="Un-enrol").click()
    expect(page.get_by_text("is no longer enrolled")).to_be_visible()
