"""Benchmark data at a named size, built with the project's own services and factories.

``world_build(size)`` runs the demo (``seed_demo``: site, navigation, tracks, catalogue, the three demo courses
with the H5P package, people, webinars, polls), adds a bench learner whose pages are measured, then grows every
table to the size. ``world_grow(world, size)`` adds more of everything to an existing world, so the query
budget tests measure a page, grow the data and measure it again.

What is not a service call, and why the rows are the same:
- learners: ``bulk_create`` of User (unusable password, as ``user_create(password=None)``), Profile (empty, as
  ``user_create``), a verified primary EmailAddress (as ``tests.factories.UserFactory``) and, for the voters, an
  active Membership (as ``tests.factories.MembershipFactory``, which creates it directly too);
- enrolments: ``bulk_create`` of active Enrolment rows (learner, course, ``enrolled_at`` now, no
  ``enrolled_by``), the row ``courses.services.enrolment_create`` creates for a learner enrolling themself.
Webinars are created by ``tests.webinars.factories.WebinarFactory`` (there is no webinar-creating service; the
demo creates them directly as well). Everything else goes through services: courses and lessons through
Wagtail's ``add_child`` (``tests.courses.factories``), registrations through ``webinar_register`` (its
confirmation e-mail is not sent during the build: see ``_no_confirmation_mail``), polls through ``poll_create``
and ``poll_open``, ballots through ``vote_cast``, certificates through ``certificate_issue``.
"""

import datetime
import io
import itertools
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Association, Membership, Profile, User
from accounts.roles import TRAINERS_GROUP
from accounts.services import user_create
from cms.models import HomePage, TrackPage
from courses.models import CourseIndexPage, CoursePage, Enrolment, LessonPage, Skill
from courses.services import enrolment_create, lesson_complete, lesson_visit_record
from voting import services as voting
from webinars.models import Registration, Webinar
from webinars.services import webinar_register


@dataclass(frozen=True)
class Size:
    courses: int
    lessons: int  # per course
    learners: int
    enrolments: int
    webinars: int
    registrations: int
    polls: int
    ballots: int


SIZES = {
    "small": Size(courses=3, lessons=3, learners=3, enrolments=3, webinars=3, registrations=3, polls=3, ballots=3),
    "middle": Size(
        courses=12, lessons=4, learners=30, enrolments=60, webinars=6, registrations=30, polls=4, ballots=24
    ),
    "large": Size(
        courses=200,
        lessons=10,
        learners=5000,
        enrolments=20000,
        webinars=100,
        registrations=5000,
        polls=50,
        ballots=20000,
    ),
}
STORM_SHARE = 0.1  # the first webinar (the join storm's) gets this share of the registrations (500 of 5,000)
BENCH_PASSWORD = "bench-learner-password"  # noqa: S105 -- a throw-away database's only login


@dataclass
class World:
    """What the benchmark measures, by name; the lists grow with ``world_grow``."""

    association: Association
    voters_association: Association
    trainer: User
    learner: User  # the logged-in reader of every measured page
    lesson: LessonPage  # the demo lesson with one H5P block and a quiz, where the learner has progress
    course: CoursePage
    catalogue: CourseIndexPage
    home: HomePage
    track: TrackPage
    storm_webinar: Webinar
    poll_id: int
    courses: list = field(default_factory=list)
    learners: list = field(default_factory=list)
    webinars: list = field(default_factory=list)
    polls: list = field(default_factory=list)
    voters: list = field(default_factory=list)
    counts: dict = field(default_factory=lambda: dict.fromkeys(Size.__dataclass_fields__, 0))
    timings: dict = field(default_factory=dict)  # seconds per build step (of the last growth)

    def urls(self) -> dict[str, tuple[str, bool]]:
        """Measured pages: name -> (URL, logged in)."""
        return {
            "home": (self.home.url, False),
            "track": (self.track.url, False),
            "catalogue": (self.catalogue.url, False),
            "course": (self.course.url, False),
            "lesson": (self.lesson.url, True),
            "my_learning": ("/courses/learning/", True),
            "my_certificates": ("/certificates/mine/", True),
            "webinar": (f"/webinars/{self.storm_webinar.pk}/", True),
            "poll": (f"/voting/polls/{self.poll_id}/", True),
        }


@contextmanager
def _no_confirmation_mail():
    """Registrations made by the build do not render and send 5,000 confirmation e-mails (with .ics): the rows
    are the service's own, only the e-mail task queued on commit is skipped."""
    with mock.patch("webinars.services._queue_confirmation"):
        yield


def world_build(size: str = "small", *, lesson_h5p_blocks: int = 1) -> World:
    """The demo plus the bench's learner and data of ``size``. Call inside a transaction you may roll back."""
    call_command("seed_demo", stdout=io.StringIO())
    association = Association.objects.order_by("pk").first()
    trainer = User.objects.filter(groups__in=Group.objects.filter(name=TRAINERS_GROUP)).order_by("pk").first()
    lesson = LessonPage.objects.get(slug="check-your-understanding", locale__language_code="en")
    if lesson_h5p_blocks != 1:
        lesson_h5p_blocks_set(lesson, lesson_h5p_blocks)
    course = lesson.get_parent().specific
    learner = user_create(email="lena.bench@example.org", password=BENCH_PASSWORD, display_name="Lena Bench")
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
    voters_association = Association.objects.create(name="Bench Assembly", slug="bench-assembly", country="EE")
    Membership.objects.create(user=learner, association=association, status=Membership.Status.ACTIVE)
    Membership.objects.create(user=learner, association=voters_association, status=Membership.Status.ACTIVE)
    world = World(
        association=association,
        voters_association=voters_association,
        trainer=trainer,
        learner=learner,
        lesson=lesson,
        course=course,
        catalogue=CourseIndexPage.objects.get(locale__language_code="en"),
        home=HomePage.objects.get(depth=2, locale__language_code="en"),
        track=TrackPage.objects.filter(locale__language_code="en").order_by("path").first(),
        storm_webinar=None,
        poll_id=0,
    )
    _learner_progress(world)
    world_grow(world, SIZES[size])
    return world


def lesson_h5p_blocks_set(lesson: LessonPage, blocks: int) -> None:
    """Give ``lesson`` ``blocks`` H5P blocks (copies of its first one), each with its own block id."""
    body = list(lesson.body.raw_data)
    h5p = next(block for block in body if block["type"] == "h5p")
    others = [block for block in body if block["type"] != "h5p"]
    copies = [{**h5p, "id": f"{h5p['id']}-{i}" if i else h5p["id"]} for i in range(blocks)]
    lesson.body = [others[0], *copies, *others[1:]]
    lesson.save_revision().publish()


def _learner_progress(world: World) -> None:
    """The measured learner: enrolled in the demo course with two lessons done and the H5P lesson opened, in the
    other demo courses too, and holding three certificates (PDFs rendered)."""
    from certificates.models import ManualAward
    from certificates.services import certificate_issue

    for course in CoursePage.objects.filter(locale__language_code="en").order_by("path"):
        enrolment_create(learner=world.learner, course=course)
    lessons = list(LessonPage.objects.child_of(world.course).order_by("path"))
    for done in lessons[:2]:
        lesson_complete(learner=world.learner, lesson=done)
    lesson_visit_record(learner=world.learner, lesson=world.lesson)
    for i in range(3):
        award = ManualAward.objects.create(
            association=world.association, title=f"Bench award {i}", date="2026-11-27", cpd_hours=Decimal("2")
        )
        certificate_issue(
            recipient=world.learner,
            achievement_title=award.title,
            kind="event",
            cpd_hours=2,
            issuer=world.association,
            source=award,
        )


def world_grow(world: World, size: Size) -> None:
    """Add ``size``'s numbers of everything to ``world`` (a second call adds as many again)."""
    steps = [
        ("courses", _courses_add, (size.courses, size.lessons)),
        ("learners", _learners_add, (size.learners,)),
        ("enrolments", _enrolments_add, (size.enrolments,)),
        ("webinars", _webinars_add, (size.webinars,)),
        ("registrations", _registrations_add, (size.registrations,)),
        ("polls and ballots", _polls_add, (size.polls, size.ballots)),
    ]
    for label, add, numbers in steps:
        started = time.perf_counter()
        add(world, *numbers)
        world.timings[label] = round(time.perf_counter() - started, 1)
    for name in Size.__dataclass_fields__:
        world.counts[name] += getattr(size, name)


def _courses_add(world: World, courses: int, lessons: int) -> None:
    from tests.courses.factories import course_create, lesson_create

    skills = list(Skill.objects.filter(locale__language_code="en")[:3])
    for _ in range(courses):
        course = course_create(issuer=world.association, trainers=[world.trainer], skills=skills)
        for _ in range(lessons):
            lesson_create(course, section="Part one")
        world.courses.append(course)


def _learners_add(world: World, n: int) -> None:
    first = len(world.learners)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"learner{i}@bench.example.org", display_name=f"Learner {i}", password=unusable)
        for i in range(first, first + n)
    )
    Profile.objects.bulk_create(Profile(user=user) for user in users)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
    )
    world.learners.extend(users)


def _enrolments_add(world: World, n: int) -> None:
    """``n`` new (learner, course) pairs, spread evenly over learners and courses (the demo courses included)."""
    courses = [world.course, *world.courses]
    taken = set(Enrolment.objects.values_list("learner_id", "course_id"))
    now = timezone.now()
    rows = []
    pairs = (
        (learner, course)
        for offset in itertools.count()
        for learner, course in _diagonal(world.learners, courses, offset)
    )
    for learner, course in pairs:
        if len(rows) == n:
            break
        if (learner.pk, course.pk) not in taken:
            taken.add((learner.pk, course.pk))
            rows.append(Enrolment(learner=learner, course=course, status=Enrolment.Status.ACTIVE, enrolled_at=now))
    Enrolment.objects.bulk_create(rows, batch_size=2000)


def _diagonal(learners, courses, offset):
    for i, learner in enumerate(learners):
        yield learner, courses[(i + offset) % len(courses)]


def _webinars_add(world: World, n: int) -> None:
    from tests.webinars.factories import WebinarFactory

    start = (timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    for i in range(n):
        webinar = WebinarFactory(
            association=world.association,
            presenters=[world.trainer],
            starts_at=start + datetime.timedelta(hours=i),
            ends_at=start + datetime.timedelta(hours=i + 1),
        )
        world.webinars.append(webinar)
    if world.storm_webinar is None:
        world.storm_webinar = world.webinars[0]
        with _no_confirmation_mail():
            webinar_register(webinar=world.storm_webinar, user=world.learner)


def _registrations_add(world: World, n: int) -> None:
    """``n`` registrations through ``webinar_register``: a tenth for the storm's webinar, the rest spread."""
    storm = world.storm_webinar
    others = [webinar for webinar in world.webinars if webinar.pk != storm.pk] or [storm]
    registered = set(Registration.objects.values_list("webinar_id", "user_id"))
    storm_n = max(1, int(n * STORM_SHARE))
    wanted = []
    learners = itertools.cycle(world.learners)
    for learner in itertools.islice(learners, len(world.learners)):
        if len(wanted) == storm_n:
            break
        if (storm.pk, learner.pk) not in registered:
            registered.add((storm.pk, learner.pk))
            wanted.append((storm, learner))
    for i, learner in enumerate(itertools.islice(learners, 4 * n)):
        if len(wanted) == n:
            break
        webinar = others[i % len(others)]
        if (webinar.pk, learner.pk) not in registered:
            registered.add((webinar.pk, learner.pk))
            wanted.append((webinar, learner))
    with _no_confirmation_mail():
        for webinar, learner in wanted:
            webinar_register(webinar=webinar, user=learner)


def _voters_ensure(world: World, n: int) -> None:
    """At least ``n`` members of the bench assembly (taken from the learners), each with an active membership."""
    missing = n - len(world.voters)
    if missing <= 0:
        return
    if len(world.learners) < n:
        _learners_add(world, n - len(world.learners))
    new = world.learners[len(world.voters) : n]
    Membership.objects.bulk_create(
        Membership(user=user, association=world.voters_association, status=Membership.Status.ACTIVE) for user in new
    )
    world.voters.extend(new)


def _polls_add(world: World, polls: int, ballots: int) -> None:
    """``polls`` open motions with ``ballots`` votes between them, cast through ``vote_cast``. The measured learner
    is on every roll and votes in none (so the poll page shows the ballot form)."""
    per_poll = -(-ballots // polls)
    _voters_ensure(world, per_poll)
    assembly = world.voters_association
    ruleset = voting.ruleset_create(association=assembly, body="general_assembly", name="Bench statutes")
    for i in range(polls):
        poll = voting.poll_create(association=assembly, ruleset=ruleset, title=f"Bench motion {len(world.polls) + 1}")
        voting.poll_open(poll_id=poll.pk)
        for voter in world.voters[: max(0, min(per_poll, ballots - i * per_poll))]:
            voting.vote_cast(poll_id=poll.pk, voter=voter, choices=[("yes", "no", "abstain")[voter.pk % 3]])
        world.polls.append(poll.pk)
    if not world.poll_id:
        world.poll_id = world.polls[0]


@transaction.atomic
def storm_ready(world: World) -> Webinar:
    """The storm's webinar starts now and its meeting exists (a presenter opened it): registrants may join."""
    from webinars.models import MeetingSession

    now = timezone.now()
    Webinar.objects.filter(pk=world.storm_webinar.pk).update(
        starts_at=now - datetime.timedelta(minutes=5), ends_at=now + datetime.timedelta(hours=1)
    )
    webinar = Webinar.objects.get(pk=world.storm_webinar.pk)
    MeetingSession.objects.get_or_create(
        internal_meeting_id=f"bench-{webinar.meeting_id}", defaults={"webinar": webinar}
    )
    return webinar


def storm_registrants(world: World, n: int) -> list[User]:
    """``n`` distinct confirmed registrants of the storm's webinar (registered now through the service where the
    size has fewer: the small size has a handful)."""
    registered = _storm_registrants(world)
    missing = n - len(registered)
    if missing > 0:
        have = {user.pk for user in registered} | {world.learner.pk}
        spare = [learner for learner in world.learners if learner.pk not in have]
        if len(spare) < missing:
            _learners_add(world, missing - len(spare))
            spare = [learner for learner in world.learners if learner.pk not in have]
        with _no_confirmation_mail():
            for learner in spare[:missing]:
                webinar_register(webinar=world.storm_webinar, user=learner)
        registered = _storm_registrants(world)
    return registered[:n]


def _storm_registrants(world: World) -> list[User]:
    return list(
        User.objects.filter(
            webinar_registrations__webinar=world.storm_webinar,
            webinar_registrations__status=Registration.Status.CONFIRMED,
        )
        .exclude(pk=world.learner.pk)
        .order_by("pk")
    )
