"""Demo votes in the demo association: an online general assembly with a motion (closed, with its result) and an
officer election (open), and a board resolution (open, named); and, when the webinars demo has built its general
assembly on BigBlueButton, next year's assembly held as that online meeting (presence is who attends it; members
can give a proxy for it until it starts), with a motion that opens when it starts. Titles in English and Russian.
Safe to run twice: every row is found by its title before it is created."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Association, Membership, User
from lms.demo.people import ASSOCIATION
from lms.demo.webinars import ASSEMBLY_TITLE
from voting import services
from voting.models import Body, Meeting, Poll, RuleSet
from webinars.selectors import association_meetings

ASSEMBLY = "Online general assembly 2026 / Онлайн общее собрание 2026"
MOTION = "Adopt the annual report 2025 / Утвердить годовой отчёт за 2025 год"
ELECTION = "Elect the treasurer / Выборы казначея"
RESOLUTION = "Board resolution: fund the summer school / Решение правления: финансировать летнюю школу"
NEXT_ASSEMBLY = "Annual general assembly 2027 / Ежегодное общее собрание 2027"
ACCOUNTS = "Adopt the accounts 2026 / Утвердить отчётность за 2026 год"


def _people() -> dict[str, User]:
    return {user.email.split("@")[0]: user for user in User.objects.filter(email__endswith="@lis-commons.local")}


def _ruleset(association, body, name, **terms) -> RuleSet:
    existing = RuleSet.objects.filter(association=association, body=body).order_by("-version").first()
    return existing or services.ruleset_create(association=association, body=body, name=name, **terms)


def _poll(association, title, **fields) -> tuple[Poll, bool]:
    existing = Poll.objects.filter(association=association, title=title).first()
    if existing:
        return existing, False
    return services.poll_create(association=association, title=title, **fields), True


@transaction.atomic
def build_votes():
    association = Association.objects.get(slug=ASSOCIATION["slug"])
    people = _people()
    chair = people["association.admin"]
    # One institutional member carries more weight, as many bylaws allow (a library with several staff members).
    Membership.objects.filter(association=association, user=people["member3"]).update(vote_weight=Decimal("2"))
    statutes = _ruleset(
        association,
        Body.GENERAL_ASSEMBLY,
        "Statutes, art. 12 / Устав, ст. 12",
        quorum_base="roll",
        quorum_by="head_or_weight",
        majority="simple",
        count_by="weight",
        proxy_limit=2,
    )
    board_rules = _ruleset(
        association,
        Body.BOARD,
        "Board rules of procedure / Регламент правления",
        quorum_base="roll",
        majority="absolute",
        majority_base="roll",
        entitled_roles=[Membership.Role.ADMIN, Membership.Role.BOARD],
        proxy_limit=0,
    )
    meeting = Meeting.objects.filter(association=association, title=ASSEMBLY).first() or services.meeting_create(
        association=association, title=ASSEMBLY, starts_at=timezone.now()
    )
    description = (
        "The board presents the annual report for 2025 (activities, finances, training). "
        "Правление представляет годовой отчёт за 2025 год (деятельность, финансы, обучение)."
    )
    motion, created = _poll(association, MOTION, ruleset=statutes, meeting=meeting, description=description)
    if created:
        for person in ("association.admin", "board", "member1", "member2"):
            services.presence_mark(meeting=meeting, member=people[person], present=True, actor=chair)
        services.poll_open(poll_id=motion.pk, actor=chair)
        for person, choice in (
            ("association.admin", "yes"),
            ("board", "yes"),
            ("member1", "abstain"),
            ("member2", "no"),
            ("member3", "yes"),
        ):
            services.vote_cast(poll_id=motion.pk, voter=people[person], choices=[choice])
        services.poll_close(poll_id=motion.pk, actor=chair)
    election, created = _poll(
        association,
        ELECTION,
        ruleset=statutes,
        meeting=meeting,
        kind=Poll.Kind.ELECTION,
        options=["Mart Saar", "Ruta Petraityte", "Mia Kalnina"],
        seats=1,
        closes_at=timezone.now() + timezone.timedelta(days=7),
    )
    if created:
        services.poll_open(poll_id=election.pk, actor=chair)
    resolution, created = _poll(
        association,
        RESOLUTION,
        ruleset=board_rules,
        secrecy=Poll.Secrecy.NAMED,
        description="Up to 4 000 EUR for the Baltic summer school. До 4 000 евро на Балтийскую летнюю школу.",
        closes_at=timezone.now() + timezone.timedelta(days=3),
    )
    if created:
        services.poll_open(poll_id=resolution.pk, actor=chair)
    _next_assembly(association, statutes)
    return []


def _next_assembly(association, statutes) -> None:
    """Next year's assembly, held as the webinars demo's general assembly: its motion opens when it starts."""
    webinar = association_meetings(association=association).filter(title=ASSEMBLY_TITLE).first()
    if webinar is None:
        return
    meeting = Meeting.objects.filter(association=association, title=NEXT_ASSEMBLY).first() or services.meeting_create(
        association=association, title=NEXT_ASSEMBLY, starts_at=webinar.starts_at, webinar=webinar
    )
    _poll(
        association,
        ACCOUNTS,
        ruleset=statutes,
        meeting=meeting,
        description="The treasurer presents the accounts for 2026. Казначей представляет отчётность за 2026 год.",
        opens_at=webinar.starts_at,
        closes_at=webinar.ends_at,
    )
