"""The demo webinars: one upcoming per track (the first opens for joining minutes after seeding, so a newcomer can
press "Join" against the built-in BBB simulator), a past one with a recording and attendance, and a general
assembly of the demo association. Safe to run twice: webinars are found by title."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Association, User
from cms.services import TRAINERS_GROUP
from webinars import services
from webinars.models import AttendanceInterval, MeetingSession, Recording, Registration, Webinar

UPCOMING = [
    (
        "media-literacy",
        "Spotting synthetic images: a live clinic",
        "Bring the pictures that puzzled your readers; we check them together, step by step.",
        datetime.timedelta(minutes=10),
    ),
    (
        "future-lis-skills",
        "Linked data for cataloguers: first steps",
        "What BIBFRAME and Wikidata change for everyday cataloguing, with examples from Baltic libraries.",
        datetime.timedelta(days=6),
    ),
    (
        "online-governance",
        "Running an online general assembly",
        "Quorum, proxies and minutes when the members meet on screen: what the statutes must say.",
        datetime.timedelta(days=9),
    ),
]
PAST_TITLE = "Media literacy week: lessons learned"
ASSEMBLY_TITLE = "Annual general assembly 2027"


def _at_round(delta: datetime.timedelta) -> datetime.datetime:
    return (timezone.now() + delta).replace(second=0, microsecond=0)


def _webinar(title: str, **fields) -> Webinar:
    webinar = Webinar.objects.filter(title=title).first()
    if webinar is None:
        webinar = Webinar.objects.create(title=title, **fields)
    return webinar


@transaction.atomic
def webinars_seed(*, association: Association, presenter: User, learner: User, member: User) -> list[Webinar]:
    seeded = []
    for track, title, description, starts_in in UPCOMING:
        start = _at_round(starts_in)
        webinar = _webinar(
            title,
            description=description,
            track=track,
            association=association,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            time_zone="Europe/Riga",
            capacity=30,
            cpd_hours=Decimal("1.00"),
        )
        if webinar.ends_at < timezone.now():  # an old demo database: the clinic opens again soon
            webinar.starts_at, webinar.ends_at = start, start + datetime.timedelta(hours=1)
            webinar.save(update_fields=["starts_at", "ends_at"])
        webinar.presenters.add(presenter)
        seeded.append(webinar)
    Registration.objects.get_or_create(webinar=seeded[0], user=learner)

    start = _at_round(-datetime.timedelta(days=7))
    past = _webinar(
        PAST_TITLE,
        description="A look back at the week: what worked in school libraries and what did not.",
        track="media-literacy",
        association=association,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        time_zone="Europe/Riga",
        cpd_hours=Decimal("1.00"),
        recording_visibility=Webinar.RecordingVisibility.MEMBERS,
    )
    past.presenters.add(presenter)
    if not MeetingSession.objects.filter(webinar=past).exists():
        MeetingSession.objects.create(
            webinar=past, internal_meeting_id=f"demo-{past.meeting_id}", created_at=start, ended_at=past.ends_at
        )
        for person, minutes in ((learner, 55), (member, 20)):
            Registration.objects.get_or_create(webinar=past, user=person)
            AttendanceInterval.objects.create(
                webinar=past,
                user=person,
                joined_at=start,
                last_seen_at=start + datetime.timedelta(minutes=minutes),
                left_at=start + datetime.timedelta(minutes=minutes),
                source=AttendanceInterval.Source.POLL,
            )
        record_id = f"demo-{past.meeting_id}"
        Recording.objects.create(
            webinar=past,
            record_id=record_id,
            started_at=start,
            ended_at=past.ends_at,
            formats=[
                {"type": kind, "url": f"/bigbluebutton-simulator/playback/{kind}/{record_id}/", "length": 58}
                for kind in ("presentation", "video")
            ],
        )
    services.attendance_finalise(webinar=past)
    seeded.append(past)

    start = _at_round(datetime.timedelta(days=21))
    assembly = _webinar(
        ASSEMBLY_TITLE,
        description="The members elect the board and adopt the accounts. Members of the association take part.",
        kind=Webinar.Kind.GENERAL_ASSEMBLY,
        track="online-governance",
        association=association,
        audience=Webinar.Audience.MEMBERS,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="Europe/Riga",
        recording_visibility=Webinar.RecordingVisibility.MEMBERS,
    )
    seeded.append(assembly)
    return seeded


def build_webinars() -> list:
    """The seed_demo step: after people and courses; prints no extra logins."""
    association = Association.objects.order_by("pk").first()
    presenter = User.objects.filter(groups__in=Group.objects.filter(name=TRAINERS_GROUP)).order_by("pk").first()
    learner = User.objects.filter(email="learner@lis-commons.local").first()
    member = User.objects.filter(email="member1@lis-commons.local").first()
    if None in (association, presenter, learner, member):
        raise RuntimeError("build_webinars needs the demo association, a trainer, the learner and a member.")
    webinars_seed(association=association, presenter=presenter, learner=learner, member=member)
    # Trainers and officers author webinars in the Wagtail admin by their roles (webinars.permissions): no grant here.
    return []
