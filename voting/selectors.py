"""Reads of the voting app: what a person may see, the votes they cast, the results as a page shows them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import compiled
from accounts.models import Membership, User
from accounts.refusals import Refusal
from accounts.roles import Standing, associations_where, is_current_member, is_site_admin, standing_in
from voting import rules
from voting.models import AuditEntry, CastRecord, Poll, Proxy, RollEntry, milli_to_weight
from voting.services import may_chair, proxy_not_applied_text, tally_from_dict


def _standing(user, poll: Poll, standing: Standing | None) -> Standing:
    """The person's standing in the poll's association: the one given when it is theirs, else read (one query)."""
    if standing is not None and standing.user_id == getattr(user, "pk", None):
        return standing
    return standing_in(user, poll.association_id)


def poll_may_see(user, poll: Poll, standing: Standing | None = None) -> bool:
    """Current members of the association see its polls (and their results), and so does everyone on a poll's
    frozen roll (a membership that lapsed after the opening still votes); site administrators too.
    ``standing``: the person's standing in the association when read already."""
    standing = _standing(user, poll, standing)
    if standing.site_admin or standing.member:
        return True
    return user.is_authenticated and RollEntry.objects.filter(_my_entries_q(user), poll=poll).exists()


def not_on_roll_refusal(user, poll: Poll) -> Refusal | None:
    """Why a former (or not yet active) member of the association is not on the poll's roll: a clear 403 rather
    than the 404 everyone outside the association gets. None for anyone who never was a member."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, association=poll.association_id).first()
    if membership is None:
        return None
    words = {"association": poll.association}
    if membership.status == Membership.Status.PENDING:
        reason = _("your membership of %(association)s is not active yet") % words
    elif membership.status == Membership.Status.ACTIVE and membership.valid_until:
        reason = _("your membership of %(association)s ended on %(date)s") % {
            **words,
            "date": date_format(membership.valid_until),
        }
    else:
        reason = _("your membership of %(association)s has lapsed") % words
    if poll.state == Poll.State.DRAFT:
        message = _(
            "You will not be on the roll of this poll because %(reason)s: the roll is frozen from the current "
            "members when the poll opens."
        )
    else:
        message = _(
            "You are not on the roll of this poll because %(reason)s: the roll was frozen from the current members "
            "when the poll opened, on %(opened)s."
        )
    opened = date_format(timezone.localtime(poll.opened_at), "DATETIME_FORMAT") if poll.opened_at else ""
    return Refusal(message % {"reason": reason, "opened": opened}, code="not_on_roll", status=403)


def meeting_may_see(user, meeting) -> bool:
    return is_site_admin(user) or is_current_member(user, meeting.association_id)


def polls_visible_to(user) -> QuerySet[Poll]:
    return (
        Poll.objects.filter(association__in=associations_where(user))
        .select_related("association", "ruleset")
        .order_by("-created_at", "-id")
    )


def _my_entries_q(user) -> Q:
    return Q(member=user, holder__isnull=True) | Q(holder=user)


def polls_waiting_for(user) -> QuerySet[Poll]:
    """Open polls in which the person still has a vote to cast (their own, or one they hold by proxy)."""
    if not user.is_authenticated:
        return Poll.objects.none()
    waiting = RollEntry.objects.filter(_my_entries_q(user), poll=OuterRef("pk"), cast_record__isnull=True)
    return (
        Poll.objects.filter(state=Poll.State.OPEN)
        .filter(Exists(waiting))
        .select_related("association")
        .order_by("closes_at", "pk")
    )


@dataclass(frozen=True)
class VotingLink:
    """What the site header's Voting link needs: whether to show it, and the polls waiting for the reader's vote."""

    shown: bool
    waiting: int


def voting_link_for(user) -> VotingLink:
    """Voting matters to current members of an association (and to anyone with a vote waiting, say a lapsed member
    still on a frozen roll, or a proxy holder) and to site administrators: one query (the header runs it on every
    page), the waiting polls counted and the membership checked in the same statement."""
    if not user.is_authenticated:
        return VotingLink(shown=False, waiting=0)
    waiting = polls_waiting_for(user).order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(waiting=Subquery(waiting), member=Exists(associations_where(user)))
        .values_list("waiting", "member")
        .first()
    )
    count, member = row if row is not None else (0, False)
    count = count or 0
    return VotingLink(shown=bool(count or member or is_site_admin(user)), waiting=count)


@dataclass(frozen=True)
class MyVote:
    entry: RollEntry
    cast: bool

    @property
    def for_someone_else(self) -> bool:
        return self.entry.holder_id is not None


def votes_of(user, poll: Poll) -> list[MyVote]:
    """The roll entries this person casts in the poll (own first, then proxies), each with whether it is cast."""
    if not user.is_authenticated:
        return []

    def build():
        stand_in = User(pk=compiled.STAND_IN_1)
        return (
            RollEntry.objects.filter(_my_entries_q(stand_in), poll_id=compiled.STAND_IN_2)
            .select_related("member")
            .annotate(is_cast=Exists(CastRecord.objects.filter(roll_entry=OuterRef("pk"))))
            .order_by("holder_id", "pk")
        )

    # Compiled once (accounts.compiled): building it cost more than running it on every poll page.
    ids = {compiled.STAND_IN_1: user.pk, compiled.STAND_IN_2: poll.pk}
    entries = compiled.rows("votes_of", build, ids)
    return [MyVote(entry=entry, cast=entry.is_cast) for entry in entries]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    heads: int
    weight: str
    share: float  # 0..1 of the largest count, for the chart
    won: bool


@dataclass(frozen=True)
class Results:
    rows: list[Row]
    outcome: rules.Outcome
    cast_heads: int
    cast_weight: str
    abstain_heads: int
    turnout_heads: str
    turnout_weight: str
    by_weight: bool


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "0.0"


def poll_results(poll: Poll) -> Results | None:
    """The published result in the reader's language: rows per option, the outcome with its rules cited, turnout."""
    if poll.state != Poll.State.CLOSED or not poll.result:
        return None
    counted = tally_from_dict(poll.result["tally"])
    rule = poll.ruleset.as_rule()
    decided = rules.outcome(rule, rules.Kind(poll.kind), counted, poll.population(), seats=poll.seats)
    by_weight = rule.count_by is rules.CountBy.WEIGHT
    measure = counted.weights if by_weight else counted.heads
    top = max(measure.values(), default=0) or 1
    rows = [
        Row(
            key=option.key,
            label=option.display_label,
            heads=counted.heads.get(option.key, 0),
            weight=str(milli_to_weight(counted.weights.get(option.key, 0))),
            share=measure.get(option.key, 0) / top,
            won=option.key in decided.winners or (decided.result is rules.Result.CARRIED and option.key == rules.YES),
        )
        for option in poll.options.all()
    ]
    return Results(
        rows=rows,
        outcome=decided,
        cast_heads=counted.cast_heads,
        cast_weight=str(milli_to_weight(counted.cast_weight)),
        abstain_heads=counted.abstain_heads,
        turnout_heads=_percent(counted.cast_heads, poll.roll_heads),
        turnout_weight=_percent(counted.cast_weight, poll.roll_weight),
        by_weight=by_weight,
    )


def named_votes(poll: Poll) -> list[tuple[str, list[str]]]:
    """How each member voted in a named poll (empty for a secret one)."""
    if poll.is_secret:
        return []
    labels = {option.key: option.display_label for option in poll.options.all()}
    records = CastRecord.objects.filter(poll=poll).select_related("roll_entry__member").order_by("roll_entry__member")
    return [
        (str(record.roll_entry.member), [labels[key] for key in (record.named_choices or "").split(",") if key])
        for record in records
    ]


def proxy_register(poll: Poll) -> QuerySet[Proxy]:
    """Every proxy for the poll (and its meeting), revoked ones included, in the order they were given."""
    scope = Q(poll=poll)
    if poll.meeting_id:
        scope |= Q(meeting_id=poll.meeting_id)
    return Proxy.objects.filter(scope).select_related("grantor", "holder").order_by("granted_at", "pk")


@dataclass(frozen=True)
class NotApplied:
    member: User
    holder: User
    reason: str


def proxies_not_applied(poll: Poll) -> list[NotApplied]:
    """The proxies given before the opening that the frozen roll did not apply, with why (from the audit chain)."""
    payloads = [e.payload for e in AuditEntry.objects.filter(poll=poll, kind="proxy_not_applied").order_by("sequence")]
    ids = {p["grantor"] for p in payloads} | {p["holder"] for p in payloads}
    people = User.objects.in_bulk(ids) if ids else {}
    return [
        NotApplied(people[p["grantor"]], people[p["holder"]], proxy_not_applied_text(p["reason"])) for p in payloads
    ]


def poll_may_chair(user, poll: Poll, standing: Standing | None = None) -> bool:
    """``services.may_chair`` (an officer of the association), from the person's standing when given."""
    if standing is not None and standing.user_id == getattr(user, "pk", None):
        return standing.officer
    return may_chair(user, poll.association_id)
