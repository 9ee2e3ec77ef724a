"""The README's "Who may do what" table, row by row: every persona tries every action through the real pages (or the
one function the pages ask), and exactly the personas the row names succeed.

X is the association ``matrix-x``; course C is a course of X taught by ``course_trainer`` (no membership); course M
is a members-only course of X; ``learner`` is enrolled in C. The rows on changing a course's issuer and CPD hours
post Wagtail's own form and are walked in ``tests/courses/test_course_issuer.py``.
"""

import re
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from accounts import roles
from accounts.models import Membership, User
from certificates.models import Certificate
from cms.models import TrackPage
from cms.services import trainers_grant_section
from courses.h5p_activities import context_key
from courses.models import CoursePage, Enrolment, EnrolmentMode
from courses.services import enrolment_create
from h5p.access import context_can_play
from tests.certificates.factories import issue
from tests.courses.admin_posts import add_url, edit_url
from tests.courses.factories import catalogue, course_create, home_page, lesson_create
from tests.factories import AssociationFactory, MembershipFactory, UserFactory
from tests.voting.factories import open_poll
from tests.webinars.factories import WebinarFactory
from voting.models import CastRecord

PERSONAS = (
    "anonymous",
    "outsider",
    "learner",
    "member",
    "lapsed_member",
    "x_trainer",
    "board",
    "admin",
    "y_admin",
    "course_trainer",
    "site_admin",
)

# row -> the personas allowed (everyone else is refused). Keep in step with README.md "Who may do what".
ALLOWED = {
    "manage the members of X": {"admin", "site_admin"},
    "manage all certificates issued in X's name": {"board", "admin", "site_admin"},
    "open the officer's dashboard of X": {"board", "admin", "site_admin"},
    "issue and revoke certificates of course C": {"course_trainer", "board", "admin", "site_admin"},
    "see course C's participants and progress": {"course_trainer", "board", "admin", "site_admin"},
    "enrol in a members-only course of X": {"member", "x_trainer", "board", "admin"},
    "create a course in the Wagtail admin": {"x_trainer", "site_admin"},
    "edit course C in the Wagtail admin": {"course_trainer", "site_admin"},
    "name X as the issuer of a course": {"x_trainer", "site_admin"},
    "delete a page that holds learners' progress": set(),
    "edit a track page": {"site_admin"},
    "upload H5P content packages": {"x_trainer", "course_trainer", "site_admin"},
    "install or change H5P library code": {"site_admin"},
    "play an H5P activity of course C": {"learner", "course_trainer", "board", "admin", "site_admin"},
    "verify a certificate by its code": set(PERSONAS),
    "chair the polls and meetings of X": {"board", "admin", "site_admin"},
    "vote in an open poll of X": {"member", "x_trainer", "board", "admin"},
    "author a webinar of X in the Wagtail admin": {"x_trainer", "board", "admin", "site_admin"},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Every persona and object, built once for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        x = AssociationFactory(name="Matrix Librarians Association", slug="matrix-x")
        y = AssociationFactory(name="Other Library Association", slug="matrix-y")
        trainers = Group.objects.get_or_create(name=roles.TRAINERS_GROUP)[0]
        people = {"anonymous": None, "outsider": UserFactory(email="matrix-outsider@example.org")}
        people["learner"] = UserFactory(email="matrix-learner@example.org")
        for persona, role, status in [
            ("member", Membership.Role.MEMBER, Membership.Status.ACTIVE),
            ("lapsed_member", Membership.Role.MEMBER, Membership.Status.LAPSED),
            ("x_trainer", Membership.Role.TRAINER, Membership.Status.ACTIVE),
            ("board", Membership.Role.BOARD, Membership.Status.ACTIVE),
            ("admin", Membership.Role.ADMIN, Membership.Status.ACTIVE),
        ]:
            people[persona] = MembershipFactory(
                association=x, role=role, status=status, user__email=f"matrix-{persona}@example.org"
            ).user
        people["y_admin"] = MembershipFactory(
            association=y, role=Membership.Role.ADMIN, user__email="matrix-y-admin@example.org"
        ).user
        people["course_trainer"] = UserFactory(email="matrix-course-trainer@example.org")
        for persona in ("x_trainer", "course_trainer"):
            people[persona].groups.add(trainers)
        people["site_admin"] = UserFactory(email="matrix-root@example.org")
        User.objects.filter(pk=people["site_admin"].pk).update(is_superuser=True, is_staff=True)
        people["site_admin"].refresh_from_db()

        trainers_grant_section(page=catalogue())
        track = home_page().add_child(
            instance=TrackPage(title="Media literacy", slug="matrix-track", track="media-literacy", intro="Read well.")
        )
        course = course_create(issuer=x, title="Matrix course", trainers=[people["course_trainer"]])
        members_only = course_create(issuer=x, title="Members only", enrolment_mode=EnrolmentMode.MEMBERS)
        from django.core.files.uploadedfile import SimpleUploadedFile

        from h5p.services import package_upload
        from tests.h5p.builders import fixture_path

        upload = SimpleUploadedFile("true-false.h5p", fixture_path().read_bytes(), content_type="application/zip")
        package = package_upload(uploaded_file=upload, title="Is this false?")
        block_id = str(uuid.uuid4())
        lesson = lesson_create(
            course,
            title="Interactive check",
            body=[{"type": "h5p", "value": {"package": package.pk, "title": "Check", "graded": True}, "id": block_id}],
        )
        enrolment_create(learner=people["learner"], course=course)
        event_certificate = issue(recipient=people["learner"], issuer=x)
        course_certificate = issue(recipient=people["learner"], source=course, issuer=x, kind=Certificate.Kind.COURSE)
        poll = open_poll(x, title="Adopt the matrix")  # its roll: X's current members when it opened
        webinar = WebinarFactory(association=x, title="Matrix webinar")
        yield {
            "x": x,
            "people": people,
            "track": track,
            "course": course,
            "members_only": members_only,
            "h5p_key": context_key(lesson_id=lesson.pk, block_id=block_id),
            "event_certificate": event_certificate,
            "course_certificate": course_certificate,
            "poll": poll,
            "webinar": webinar,
        }
        transaction.set_rollback(True)


def _ok(response) -> bool:
    return response.status_code == 200


def _issuer_offered(client, world) -> bool:
    response = client.get(add_url(CoursePage, catalogue()))
    if response.status_code != 200:
        return False
    select = re.search(r'<select name="issuer".*?</select>', response.content.decode(), re.S)
    return bool(select) and f'value="{world["x"].pk}"' in select.group(0)


def _delete(client, world) -> bool:
    course = world["course"]
    client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]))
    return not CoursePage.objects.filter(pk=course.pk).exists()


def _enrol(client, world, user) -> bool:
    course = world["members_only"]
    client.post(reverse("courses:enrol", args=[course.pk]))
    return user is not None and Enrolment.objects.filter(learner=user, course=course, status="active").exists()


def _vote(client, world, user) -> bool:
    poll = world["poll"]
    client.post(reverse("voting:poll_vote", args=[poll.pk]), {"choice": "yes"})
    return user is not None and CastRecord.objects.filter(roll_entry__poll=poll, roll_entry__member=user).exists()


ACTIONS = {
    "manage the members of X": lambda c, w, u: _ok(c.get(reverse("accounts:member_list", args=["matrix-x"]))),
    "manage all certificates issued in X's name": lambda c, w, u: _ok(
        c.get(reverse("certificates:revoke", args=[w["event_certificate"].verification_code]))
    ),
    "open the officer's dashboard of X": lambda c, w, u: _ok(
        c.get(reverse("accounts:association_dashboard", args=["matrix-x"]))
    ),
    "issue and revoke certificates of course C": lambda c, w, u: _ok(
        c.get(reverse("certificates:revoke", args=[w["course_certificate"].verification_code]))
    ),
    "see course C's participants and progress": lambda c, w, u: _ok(
        c.get(reverse("courses:roster", args=[w["course"].pk]))
    ),
    "enrol in a members-only course of X": lambda c, w, u: _enrol(c, w, u),
    "create a course in the Wagtail admin": lambda c, w, u: _ok(c.get(add_url(CoursePage, catalogue()))),
    "edit course C in the Wagtail admin": lambda c, w, u: _ok(c.get(edit_url(w["course"]))),
    "name X as the issuer of a course": lambda c, w, u: _issuer_offered(c, w),
    "delete a page that holds learners' progress": lambda c, w, u: _delete(c, w),
    "edit a track page": lambda c, w, u: _ok(c.get(edit_url(w["track"]))),
    "upload H5P content packages": lambda c, w, u: _ok(c.get(reverse("wagtailsnippets_h5p_h5ppackage:add"))),
    "install or change H5P library code": lambda c, w, u: u is not None and u.has_perm("h5p.install_library"),
    "play an H5P activity of course C": lambda c, w, u: (
        u is not None and context_can_play(user=u, context_key=w["h5p_key"])
    ),
    "verify a certificate by its code": lambda c, w, u: _ok(
        c.get(reverse("certificates:verify", args=[w["event_certificate"].verification_code]))
    ),
    "chair the polls and meetings of X": lambda c, w, u: _ok(c.get(reverse("voting:poll_new", args=["matrix-x"]))),
    "vote in an open poll of X": lambda c, w, u: _vote(c, w, u),
    "author a webinar of X in the Wagtail admin": lambda c, w, u: _ok(
        c.get(reverse("wagtailsnippets_webinars_webinar:edit", args=[w["webinar"].pk]))
    ),
}


def test_every_row_of_the_table_has_an_action():
    assert set(ALLOWED) == set(ACTIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_each_action_succeeds_for_exactly_the_personas_the_table_names(client, world, action, persona):
    user = world["people"][persona]
    if user is not None:
        client.force_login(user)
    assert ACTIONS[action](client, world, user) is (persona in ALLOWED[action])
