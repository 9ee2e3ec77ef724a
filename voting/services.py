"""Every write of the voting app: one named function per state change, in a transaction, with its audit entry.

Concurrency: every write that depends on a poll's state locks the poll's row (``select_for_update``) and checks
the state under that lock before it commits, so a vote and a close never interleave: a vote either commits before
the close (and is counted) or sees the poll closed (and is refused, rolling back what it wrote). A vote writes the
rows only it touches (cast record, receipt) before it queues for the lock, and under it only what every vote of
the poll shares (box line, audit chain): the lock is held until the commit, so that part bounds the votes per
second. The unique constraint on ``CastRecord.roll_entry`` backs the one-vote-per-entry rule.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Association, Membership, User
from accounts.refusals import Refusal
from accounts.roles import is_association_officer, is_current_member, membership_current_q
from voting import audit, rules
from voting.models import (
    AuditEntry,
    Ballot,
    Body,
    CastRecord,
    Meeting,
    Poll,
    PollOption,
    Presence,
    Proxy,
    Receipt,
    RollEntry,
    RuleSet,
    weight_to_milli,
)
from voting.presence import presence_is_recorded, present_member_ids
from voting.tally import BallotLine, choices_from_key, choices_key, tally
from webinars import selectors as webinar_selectors

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed back without doubt


def may_chair(user, association: Association | int) -> bool:
    """Chairs the association's polls and meetings: an officer of it (``accounts.roles``; site administrators hold
    every association role there)."""
    return is_association_officer(user, association)


def _require_chair(actor: User | None, association: Association) -> None:
    if actor is not None and not may_chair(actor, association):
        raise Refusal(_("Only an officer of the association may do this."), code="not_chair")


# ------------------------------------------------------------------------------------------------ audit


def _audit_link(poll: Poll, kind: str, payload: dict) -> audit.Entry:
    """The next entry of the poll's chain, after the head the poll holds (read under its row lock)."""
    head = (poll.audit_sequence, poll.audit_head) if poll.audit_sequence else None
    return audit.append(head, kind=kind, payload=payload, at=timezone.now().isoformat())


def _audit(poll: Poll, kind: str, payload: dict) -> AuditEntry:
    """Append to the poll's chain. The caller holds the poll's row lock, so the chain never forks."""
    entry = _audit_link(poll, kind, payload)
    row = AuditEntry.objects.create(
        poll=poll,
        sequence=entry.sequence,
        kind=entry.kind,
        payload=entry.payload,
        at=entry.at,
        previous=entry.previous,
        digest=entry.digest,
    )
    poll.audit_sequence, poll.audit_head = entry.sequence, entry.digest
    Poll.objects.filter(pk=poll.pk).update(audit_sequence=entry.sequence, audit_head=entry.digest)
    return row


def poll_audit_verify(*, poll: Poll) -> audit.Verdict:
    """Verify the poll's chain from its first entry, and that it ends at the head the poll recorded."""
    entries = [
        audit.Entry(e.sequence, e.kind, e.payload, e.at, e.previous, e.digest)
        for e in AuditEntry.objects.filter(poll=poll).order_by("sequence")
    ]
    verdict = audit.verify(entries)
    if verdict.ok and verdict.head != (poll.audit_head or audit.GENESIS):
        return audit.Verdict(False, verdict.entries, verdict.head, verdict.entries, "the chain ends before its head")
    return verdict


# ---------------------------------------------------------------------------------------------- rules, meetings


def ruleset_create(*, association: Association, body: str, name: str, actor: User | None = None, **terms) -> RuleSet:
    """A new version of the body's rules of procedure (earlier versions stay, as polls held under them cite them)."""
    _require_chair(actor, association)
    with transaction.atomic():
        Association.objects.select_for_update().filter(pk=association.pk).first()
        latest = RuleSet.objects.filter(association=association, body=body).order_by("-version").first()
        ruleset = RuleSet(
            association=association,
            body=body,
            name=name,
            version=(latest.version + 1) if latest else 1,
            created_by=actor,
            **terms,
        )
        try:
            ruleset.as_rule()
        except ValueError as error:
            raise Refusal.invalid(str(error), code="rules_invalid") from error
        ruleset.save()
    return ruleset


def meeting_create(
    *,
    association: Association,
    title: str,
    starts_at: datetime,
    body: str = Body.GENERAL_ASSEMBLY,
    webinar=None,
    actor=None,
) -> Meeting:
    """A meeting of the body; held as one of the association's online meetings (``webinar``), its presence is
    who attends that meeting, otherwise the chair marks it."""
    _require_chair(actor, association)
    if webinar is not None and webinar.pk not in _association_meeting_ids(association):
        raise Refusal.invalid(
            _("Choose one of the association's own online meetings (a general assembly or a board meeting)."),
            code="foreign_webinar",
        )
    return Meeting.objects.create(association=association, title=title, starts_at=starts_at, body=body, webinar=webinar)


def _association_meeting_ids(association: Association) -> set[int]:
    return set(webinar_selectors.association_meetings(association=association).values_list("pk", flat=True))


def presence_mark(*, meeting: Meeting, member: User, present: bool, actor: User | None = None) -> bool:
    """Mark a member present at (or gone from) a meeting. Idempotent; returns whether the member is present."""
    _require_chair(actor, meeting.association)
    if presence_is_recorded(meeting):
        raise Refusal.conflict(
            _("This meeting is held online: presence is who attends it, so it is not marked by hand."),
            code="presence_recorded",
        )
    if present:
        if not is_current_member(member, meeting.association_id):
            raise Refusal.invalid(_("Only a current member can be marked present."), code="not_member")
        Presence.objects.get_or_create(meeting=meeting, member=member, defaults={"marked_by": actor})
    else:
        Presence.objects.filter(meeting=meeting, member=member).delete()
    return present


# ------------------------------------------------------------------------------------------------ polls


def poll_create(
    *,
    association: Association,
    ruleset: RuleSet,
    title: str,
    kind: str = Poll.Kind.MOTION,
    secrecy: str = Poll.Secrecy.SECRET,
    options: list[str] | None = None,
    min_choices: int = 1,
    max_choices: int = 1,
    seats: int = 1,
    description: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    meeting: Meeting | None = None,
    actor: User | None = None,
) -> Poll:
    """A draft poll with its options (a motion gets yes / no / abstain)."""
    _require_chair(actor, association)
    if ruleset.association_id != association.pk or (meeting and meeting.association_id != association.pk):
        raise Refusal.invalid(_("The rules and the meeting must be the association's own."), code="foreign")
    labels = [label.strip() for label in (options or []) if label.strip()]
    if kind == Poll.Kind.MOTION:
        min_choices = max_choices = seats = 1
        keyed = [(rules.YES, _("Yes")), (rules.NO, _("No")), (rules.ABSTAIN, _("Abstain"))]
    else:
        if len(labels) < 2:
            raise Refusal.invalid(_("A choice or an election needs at least two options."), code="options")
        if kind == Poll.Kind.SINGLE:
            min_choices = max_choices = seats = 1
        elif kind == Poll.Kind.ELECTION:
            max_choices = max(max_choices, seats)
            min_choices = min(min_choices, max_choices)
        if not 1 <= min_choices <= max_choices <= len(labels) or seats > len(labels):
            raise Refusal.invalid(_("The numbers of choices and seats do not fit the options."), code="options")
        keyed = [(f"o{index}", label) for index, label in enumerate(labels, start=1)]
    if opens_at and closes_at and closes_at <= opens_at:
        raise Refusal.invalid(_("A poll must close after it opens."), code="schedule")
    with transaction.atomic():
        poll = Poll.objects.create(
            association=association,
            ruleset=ruleset,
            meeting=meeting,
            title=title,
            description=description,
            kind=kind,
            secrecy=secrecy,
            min_choices=min_choices,
            max_choices=max_choices,
            seats=seats,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, key=key, label=label, position=position)
            for position, (key, label) in enumerate(keyed)
        )
    return poll


def _locked(poll_id: int) -> Poll:
    poll = Poll.objects.select_for_update().select_related("ruleset", "association").filter(pk=poll_id).first()
    if poll is None:
        raise Refusal.not_found()
    return poll


def roll_hash(poll: Poll, entries) -> str:
    """The roll's fingerprint: poll, rules version and every (member, weight, holder), in member order."""
    body = {
        "poll": poll.pk,
        "rules": [poll.ruleset_id, poll.ruleset.version],
        "roll": sorted([e.member_id, e.weight, e.holder_id] for e in entries),
    }
    return hashlib.sha256(audit.canonical(body)).hexdigest()


def _active_proxies(poll: Poll):
    proxies = Proxy.objects.filter(revoked_at__isnull=True, association=poll.association)
    scope = proxies.filter(poll=poll)
    if poll.meeting_id:
        scope = scope | proxies.filter(meeting_id=poll.meeting_id)
    return scope.order_by("granted_at", "id")


def poll_open(*, poll_id: int, actor: User | None = None) -> Poll:
    """Open a draft poll: freeze the roll from current memberships (with weights and proxies) and publish its hash."""
    with transaction.atomic():
        poll = _locked(poll_id)
        _require_chair(actor, poll.association)
        if poll.state != Poll.State.DRAFT:
            raise Refusal.conflict(_("This poll has already been opened."), code="not_draft")
        if poll.ruleset.quorum_base == rules.QuorumBase.PRESENT and not poll.meeting_id:
            raise Refusal.invalid(_("A quorum of those present needs the poll to be held in a meeting."), code="rules")
        ruleset = poll.ruleset
        memberships = list(Membership.objects.filter(membership_current_q(), association=poll.association))
        entitled = {m.user_id: m for m in memberships if ruleset.entitles(m)}
        holders, not_applied = _proxies_apply(_active_proxies(poll), entitled, ruleset)
        entries = [
            RollEntry(
                poll=poll,
                member_id=user_id,
                weight=weight_to_milli(m.vote_weight),
                holder_id=holders.get(user_id, (None, ""))[0],
                instruction=holders.get(user_id, (None, ""))[1],
            )
            for user_id, m in sorted(entitled.items())
        ]
        RollEntry.objects.bulk_create(entries)
        poll.roll_hash = roll_hash(poll, entries)
        poll.roll_heads = len(entries)
        poll.roll_weight = sum(e.weight for e in entries)
        poll.members_heads = len(memberships)
        poll.members_weight = sum(weight_to_milli(m.vote_weight) for m in memberships)
        poll.state = Poll.State.OPEN
        poll.opened_at = timezone.now()
        poll.save(
            update_fields=[
                "roll_hash",
                "roll_heads",
                "roll_weight",
                "members_heads",
                "members_weight",
                "state",
                "opened_at",
            ]
        )
        if poll.kind in (Poll.Kind.MOTION, Poll.Kind.SINGLE):
            # Every possible line of the box exists from the start: even the first vote creates no row.
            keys = [""] if poll.kind == Poll.Kind.SINGLE else []
            keys += list(poll.options.values_list("key", flat=True))
            Ballot.objects.bulk_create(Ballot(poll=poll, choices=key) for key in keys)
        _audit(
            poll,
            "roll_frozen",
            {
                "roll_hash": poll.roll_hash,
                "heads": poll.roll_heads,
                "weight": poll.roll_weight,
                "rules": [ruleset.pk, ruleset.version],
                "proxies": sorted([grantor, holder] for grantor, (holder, _i) in holders.items()),
            },
        )
        for proxy, reason in not_applied:
            _audit(
                poll,
                "proxy_not_applied",
                {"proxy": proxy.pk, "grantor": proxy.grantor_id, "holder": proxy.holder_id, "reason": reason},
            )
        _audit(poll, "opened", {"by": actor.pk if actor else None, "closes_at": _iso(poll.closes_at)})
        transaction.on_commit(lambda: _queue_opened_notice(poll.pk, tell_grantors=bool(not_applied)))
    return poll


class ProxyNotApplied:
    """Why a proxy given before the opening was not applied to the frozen roll (the audit entry's ``reason``)."""

    GRANTOR_NOT_ON_ROLL = "grantor_not_on_roll"
    HOLDER_NOT_ON_ROLL = "holder_not_on_roll"
    ALREADY_GIVEN = "already_given"
    NONE_ALLOWED = "none_allowed"
    OVER_LIMIT = "over_limit"


def proxy_not_applied_text(reason: str) -> str:
    """The reason in words, in the reader's language (the minutes, the register, the e-mail to the member)."""
    words = {
        ProxyNotApplied.GRANTOR_NOT_ON_ROLL: _(
            "the member was not on the roll when the poll opened (membership not current, or a role these rules of "
            "procedure do not entitle)"
        ),
        ProxyNotApplied.HOLDER_NOT_ON_ROLL: _(
            "the proxy holder was not on the roll when the poll opened (membership not current, or a role these "
            "rules of procedure do not entitle)"
        ),
        ProxyNotApplied.ALREADY_GIVEN: _("the member had given an earlier proxy that applies to this poll"),
        ProxyNotApplied.NONE_ALLOWED: _("the rules of procedure of this poll allow no proxies"),
        ProxyNotApplied.OVER_LIMIT: _(
            "the proxy holder already held the most proxies the rules of procedure of this poll allow"
        ),
    }
    return words.get(reason, reason)


def _proxies_apply(proxies, entitled: dict, ruleset: RuleSet) -> tuple[dict[int, tuple[int, str]], list]:
    """Apply the proxies in the order they were given: ``({grantor: (holder, instruction)}, [(proxy, reason)])``.

    A proxy that cannot apply (the rules changed, a membership lapsed, a meeting and a poll proxy together exceed
    the limit) is never dropped silently: it comes back with its reason, for the audit chain and the member.
    """
    holders: dict[int, tuple[int, str]] = {}
    held: dict[int, int] = {}
    not_applied = []
    for proxy in proxies:
        if proxy.grantor_id not in entitled:
            reason = ProxyNotApplied.GRANTOR_NOT_ON_ROLL
        elif proxy.holder_id not in entitled:
            reason = ProxyNotApplied.HOLDER_NOT_ON_ROLL
        elif proxy.grantor_id in holders:
            reason = ProxyNotApplied.ALREADY_GIVEN
        elif ruleset.proxy_limit == 0:
            reason = ProxyNotApplied.NONE_ALLOWED
        elif held.get(proxy.holder_id, 0) >= ruleset.proxy_limit:
            reason = ProxyNotApplied.OVER_LIMIT
        else:
            holders[proxy.grantor_id] = (proxy.holder_id, proxy.instruction)
            held[proxy.holder_id] = held.get(proxy.holder_id, 0) + 1
            continue
        not_applied.append((proxy, reason))
    return holders, not_applied


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _queue_opened_notice(poll_id: int, *, tell_grantors: bool) -> None:
    from voting.tasks import poll_opened_notify, proxies_not_applied_notify

    poll_opened_notify.delay(poll_id)
    if tell_grantors:
        proxies_not_applied_notify.delay(poll_id)


# ------------------------------------------------------------------------------------------------ proxies


def proxy_terms(*, poll: Poll | None = None, meeting: Meeting | None = None) -> tuple[int, str]:
    """The tightest (limit, kind) of proxies the rules allow here: the poll's rules version, or for a meeting, the
    body's latest rules and those of every poll of the meeting still to open (a meeting proxy covers them all)."""
    if poll is not None:
        return poll.ruleset.proxy_limit, poll.ruleset.proxy_kind
    latest = RuleSet.objects.filter(association=meeting.association, body=meeting.body).order_by("-version").first()
    rulesets = [latest] if latest else []
    rulesets += [p.ruleset for p in meeting.polls.filter(state=Poll.State.DRAFT).select_related("ruleset")]
    if not rulesets:
        raise Refusal.conflict(_("This body has no rules of procedure yet, so it takes no proxies."), code="no_rules")
    instructed = any(r.proxy_kind == RuleSet.ProxyKind.INSTRUCTED for r in rulesets)
    return min(r.proxy_limit for r in rulesets), RuleSet.ProxyKind.INSTRUCTED if instructed else RuleSet.ProxyKind.FREE


def _proxies_reaching(*, poll: Poll | None, meeting: Meeting | None):
    """The active proxies that will apply together with one given here: a poll's own and its meeting's; a
    meeting's own and those of the polls held in it."""
    active = Proxy.objects.filter(revoked_at__isnull=True)
    if poll is not None:
        return active.filter(Q(poll=poll) | Q(meeting_id=poll.meeting_id) if poll.meeting_id else Q(poll=poll))
    return active.filter(Q(meeting=meeting) | Q(poll__meeting=meeting, poll__state=Poll.State.DRAFT))


def _holder_load(reaching, holder: User, *, poll: Poll | None) -> int:
    """How many votes the holder would already cast by proxy in one poll reached here (the busiest of them)."""
    held = reaching.filter(holder=holder)
    if poll is not None:
        return held.values("grantor").distinct().count()
    meeting_wide = set(held.filter(meeting__isnull=False).values_list("grantor_id", flat=True))
    per_poll: dict[int, set[int]] = {}
    for poll_id, grantor_id in held.filter(poll__isnull=False).values_list("poll_id", "grantor_id"):
        per_poll.setdefault(poll_id, set()).add(grantor_id)
    return len(meeting_wide) + max((len(g - meeting_wide) for g in per_poll.values()), default=0)


def proxy_grant(
    *, grantor: User, holder: User, poll: Poll | None = None, meeting: Meeting | None = None, instruction: str = ""
) -> Proxy:
    """A member names another member to cast their vote in a poll (or every poll of a meeting) before it opens.

    Refused, with nothing recorded, when it would not apply: too late, not both current members, to oneself,
    a second proxy for the same vote, or beyond the most proxies the rules (every rules version it reaches) allow.
    """
    if (poll is None) == (meeting is None):
        raise Refusal.invalid(_("A proxy is for one poll or for one meeting."), code="proxy_scope")
    association = (poll or meeting).association
    with transaction.atomic():
        if poll is not None:
            poll = _locked(poll.pk)
            if poll.state != Poll.State.DRAFT:
                raise Refusal.conflict(_("Proxies close when the poll opens."), code="proxy_too_late")
        else:
            meeting = Meeting.objects.select_for_update().select_related("association").get(pk=meeting.pk)
            if not proxies_open(meeting):
                raise Refusal.conflict(_("Proxies close when the meeting starts."), code="proxy_too_late")
        limit, kind = proxy_terms(poll=poll, meeting=meeting)
        if not is_current_member(grantor, association) or not is_current_member(holder, association):
            raise Refusal(_("Both the member and the proxy holder must be current members."), code="proxy_member")
        if grantor.pk == holder.pk:
            raise Refusal.invalid(_("You cannot hold your own proxy."), code="proxy_self")
        if limit == 0:
            raise Refusal(_("These rules of procedure allow no proxies."), code="proxy_none")
        instruction = instruction.strip()
        if kind == RuleSet.ProxyKind.INSTRUCTED and not instruction:
            raise Refusal.invalid(_("These rules require you to say how your proxy must vote."), code="proxy_instr")
        reaching = _proxies_reaching(poll=poll, meeting=meeting)
        if reaching.filter(grantor=grantor).exists():
            raise Refusal.conflict(
                _("You have already given a proxy that covers this vote; revoke it first."),
                code="proxy_twice",
            )
        if _holder_load(reaching, holder, poll=poll) >= limit:
            raise Refusal(
                _("%(holder)s already holds %(limit)s proxies, the most these rules of procedure allow.")
                % {"holder": holder, "limit": limit},
                code="proxy_limit",
            )
        proxy = Proxy.objects.create(
            association=association, poll=poll, meeting=meeting, grantor=grantor, holder=holder, instruction=instruction
        )
        if poll is not None:
            _audit(poll, "proxy_granted", {"grantor": grantor.pk, "holder": holder.pk, "proxy": proxy.pk})
    return proxy


def proxies_open(meeting: Meeting) -> bool:
    """Whether proxies for the whole meeting may still be given or revoked."""
    return meeting.starts_at > timezone.now() and not meeting.polls.exclude(state=Poll.State.DRAFT).exists()


def proxy_revoke(*, proxy: Proxy, actor: User) -> Proxy:
    """Revoke a proxy (its grantor, or the chair) until the poll opens or the meeting starts. Idempotent."""
    with transaction.atomic():
        proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
        if actor.pk != proxy.grantor_id and not may_chair(actor, proxy.association_id):
            raise Refusal(_("Only the member who gave the proxy may revoke it."), code="proxy_not_yours")
        if proxy.revoked_at:
            return proxy
        if proxy.poll_id:
            poll = _locked(proxy.poll_id)
            if poll.state != Poll.State.DRAFT:
                raise Refusal.conflict(_("Proxies close when the poll opens."), code="proxy_too_late")
        elif not proxies_open(proxy.meeting):
            raise Refusal.conflict(_("Proxies close when the meeting starts."), code="proxy_too_late")
        proxy.revoked_at = timezone.now()
        proxy.save(update_fields=["revoked_at"])
        if proxy.poll_id:
            _audit(poll, "proxy_revoked", {"proxy": proxy.pk, "by": actor.pk})
    return proxy


# ------------------------------------------------------------------------------------------------ casting


def _not_on_roll(poll: Poll, voter: User, member: User) -> Refusal:
    if voter.pk == member.pk:
        membership = Membership.objects.filter(user=member, association=poll.association).first()
        if membership is not None and not membership.is_current:
            return Refusal(
                _(
                    "Your membership of %(association)s was not current when this poll opened, so you are not on "
                    "its roll and cannot vote."
                )
                % {"association": poll.association},
                code="lapsed",
            )
        return Refusal(_("You are not on the roll of this poll, so you cannot vote in it."), code="not_on_roll")
    return Refusal(_("That member is not on the roll of this poll."), code="not_on_roll")


def _not_accepting(state: str, closes_at: datetime | None) -> Refusal | None:
    """Why a poll in this state takes no vote now, or None when it does."""
    if state == Poll.State.DRAFT:
        return Refusal.conflict(_("This poll is not open yet."), code="not_open")
    if state == Poll.State.CLOSED or (closes_at and closes_at <= timezone.now()):
        return Refusal.conflict(_("This poll is closed: no more votes are accepted."), code="closed")
    return None


def _already_cast() -> Refusal:
    return Refusal.conflict(_("This vote has already been cast; each vote is cast once."), code="already_cast")


def _roll_entry_to_cast(poll_id: int, voter: User, member: User) -> RollEntry:
    """The roll entry ``voter`` casts now (their own, or ``member``'s as proxy holder), with its poll and whether it
    has been cast (``already_cast``, committed casts only: the unique constraint is the final guard).

    Read without the poll's lock: the roll, its proxies and the options are frozen when the poll opens; only the
    poll's state moves on (draft, open, closed, never back), and ``vote_cast`` checks it again under the lock.
    """
    entry = (
        RollEntry.objects.select_related("poll")
        .annotate(already_cast=Exists(CastRecord.objects.filter(roll_entry=OuterRef("pk"))))
        .filter(poll_id=poll_id, member=member)
        .order_by()  # one row at most: no ordering (the default one joins the poll's ordering in)
        .first()
    )
    poll = entry.poll if entry else Poll.objects.select_related("association").filter(pk=poll_id).first()
    if poll is None:
        raise Refusal.not_found()
    refusal = _not_accepting(poll.state, poll.closes_at)
    if refusal is not None:
        raise refusal
    if entry is None:
        raise _not_on_roll(poll, voter, member)
    if entry.holder_id and entry.holder_id != voter.pk:
        if voter.pk == member.pk:
            raise Refusal(_("You gave your proxy for this poll: your proxy holder casts your vote."), code="proxy")
        raise Refusal(_("You do not hold that member's proxy."), code="not_holder")
    if not entry.holder_id and voter.pk != member.pk:
        raise Refusal(_("You do not hold that member's proxy."), code="not_holder")
    return entry


def _valid_choices(poll: Poll, choices: list[str]) -> tuple[str, ...]:
    keys = set(poll.options.order_by().values_list("key", flat=True))  # a set: no ordering, no join to the poll
    chosen = [str(choice) for choice in choices]
    if len(set(chosen)) != len(chosen) or not set(chosen) <= keys:
        raise Refusal.invalid(_("This ballot names an option the poll does not have."), code="tampered")
    if poll.kind == Poll.Kind.MOTION:
        if len(chosen) != 1:
            raise Refusal.invalid(_("Choose one answer: yes, no or abstain."), code="choices")
    elif chosen and not poll.min_choices <= len(chosen) <= poll.max_choices:
        if poll.min_choices == poll.max_choices:
            message = _("Choose exactly %(n)s, or leave the ballot blank to abstain.") % {"n": poll.max_choices}
        else:
            message = _("Choose between %(min)s and %(max)s, or leave the ballot blank to abstain.") % {
                "min": poll.min_choices,
                "max": poll.max_choices,
            }
        raise Refusal.invalid(message, code="choices")
    return tuple(sorted(chosen))


def _receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _receipt_create(poll: Poll) -> str:
    """A new receipt code of the poll. The unique constraint decides, without a query to look first: a code drawn
    twice (about one chance in 10^18 per vote) fails its savepoint and another is drawn."""
    while True:
        code = _receipt_code()
        try:
            with transaction.atomic():
                Receipt.objects.create(poll=poll, code=code)
            return code
        except IntegrityError:
            if not Receipt.objects.filter(poll=poll, code=code).exists():
                raise  # not a code drawn twice


@dataclass(frozen=True)
class Cast:
    receipt: str
    roll_entry_id: int


# Under the poll's lock on PostgreSQL: the lock, then one statement for what the vote writes there (the ballot on its
# box line, the next link of the audit chain, the chain's new head on the poll), then the commit. Every round trip
# and every millisecond of Python under the lock delays each vote queued behind it, hence plain SQL here. The
# statement returns how many box lines it found (0: an election's first ballot with these choices).
_POLL_LOCK_SQL = "SELECT state, closes_at, audit_sequence, audit_head FROM voting_poll WHERE id = %s FOR UPDATE"
_VOTE_RECORD_SQL = """
WITH line AS (
    UPDATE voting_ballot SET heads = heads + 1, weight = weight + %(weight)s
    WHERE poll_id = %(poll)s AND choices = %(choices)s
    RETURNING 1
), link AS (
    INSERT INTO voting_auditentry (poll_id, sequence, kind, payload, at, previous, digest)
    VALUES (%(poll)s, %(sequence)s, %(kind)s, %(payload)s, %(at)s, %(previous)s, %(digest)s)
)
UPDATE voting_poll SET audit_sequence = %(sequence)s, audit_head = %(digest)s WHERE id = %(poll)s
RETURNING (SELECT count(*) FROM line)
"""


def _vote_record(poll: Poll, *, choices: str, weight: int, payload: dict) -> None:
    """Lock the poll's row, check that it still takes votes, add the ballot to its box line and append the vote to
    the audit chain. The lock is held until the commit and every vote of the poll (and its close) queues for it:
    on PostgreSQL that is two statements and the commit; elsewhere (SQLite, which locks the whole database for a
    write anyway) the same rows are written through the ORM."""
    if connection.vendor != "postgresql":
        state, closes_at, poll.audit_sequence, poll.audit_head = (
            Poll.objects.select_for_update()
            .filter(pk=poll.pk)
            .values_list("state", "closes_at", "audit_sequence", "audit_head")
            .get()
        )
        refusal = _not_accepting(state, closes_at)
        if refusal is not None:
            raise refusal
        if not Ballot.objects.filter(poll=poll, choices=choices).update(
            heads=F("heads") + 1, weight=F("weight") + weight
        ):
            Ballot.objects.create(poll=poll, choices=choices, heads=1, weight=weight)
        _audit(poll, "vote_recorded", payload)
        return
    with connection.cursor() as cursor:
        cursor.execute(_POLL_LOCK_SQL, [poll.pk])
        state, closes_at, poll.audit_sequence, poll.audit_head = cursor.fetchone()
        refusal = _not_accepting(state, closes_at)
        if refusal is not None:
            raise refusal
        link = _audit_link(poll, "vote_recorded", payload)
        cursor.execute(
            _VOTE_RECORD_SQL,
            {
                "poll": poll.pk,
                "choices": choices,
                "weight": weight,
                "sequence": link.sequence,
                "kind": link.kind,
                "payload": AuditEntry._meta.get_field("payload").get_db_prep_save(link.payload, connection),
                "at": link.at,
                "previous": link.previous,
                "digest": link.digest,
            },
        )
        (lines,) = cursor.fetchone()
    poll.audit_sequence, poll.audit_head = link.sequence, link.digest
    if not lines:
        Ballot.objects.create(poll=poll, choices=choices, heads=1, weight=weight)


def vote_cast(*, poll_id: int, voter: User, choices: list[str], member: User | None = None) -> Cast:
    """Cast one vote of the roll: the voter's own, or ``member``'s as their proxy holder. Exactly once per entry.

    Refusals record nothing. The cast record, the receipt, the ballot box line and the audit entry commit together,
    and the commit comes after the poll's state was checked under the poll's row lock: a close that commits first
    refuses this vote, one that waits counts it.

    What needs no lock happens before it (the roll, proxy and choice checks, the cast record and the receipt, rows
    only this vote writes and nobody sees before the commit); under the lock only what every vote shares: the
    poll's state, its ballot box line and the next link of its audit chain (three statements and the commit).
    """
    member = member or voter
    entry = _roll_entry_to_cast(poll_id, voter, member)
    poll = entry.poll
    chosen = _valid_choices(poll, choices)
    if entry.already_cast:
        raise _already_cast()
    key = choices_key(chosen)
    with transaction.atomic():
        try:
            # The unique constraint is the final guard: a second cast of the entry waits here for the first to
            # commit or roll back, then fails or goes on.
            CastRecord.objects.create(
                poll=poll, roll_entry=entry, cast_by=voter, named_choices=None if poll.is_secret else key
            )
        except IntegrityError as error:
            raise _already_cast() from error
        code = _receipt_create(poll)
        payload = {"roll_entry": entry.pk, "member": member.pk, "cast_by": voter.pk, "receipt": code}
        if not poll.is_secret:
            payload["choices"] = list(chosen)
        _vote_record(poll, choices=key, weight=entry.weight, payload=payload)
    return Cast(receipt=code, roll_entry_id=entry.pk)


# ------------------------------------------------------------------------------------------------ closing, tally


def ballot_lines(poll: Poll) -> list[BallotLine]:
    return [
        BallotLine(choices_from_key(b.choices), b.heads, b.weight)
        for b in Ballot.objects.filter(poll=poll).only("choices", "heads", "weight")
    ]


def tally_as_dict(counted: rules.Tally) -> dict:
    return {
        "heads": counted.heads,
        "weights": counted.weights,
        "cast_heads": counted.cast_heads,
        "cast_weight": counted.cast_weight,
        "abstain_heads": counted.abstain_heads,
        "abstain_weight": counted.abstain_weight,
    }


def tally_from_dict(data: dict) -> rules.Tally:
    return rules.Tally(**data)


def poll_decide(poll: Poll) -> dict:
    """The poll's result from its ballot box and its rules version: ``{"tally": ..., "outcome": ...}``."""
    keys = list(poll.options.values_list("key", flat=True))
    counted = tally(ballot_lines(poll), keys)
    decided = rules.outcome(poll.ruleset.as_rule(), rules.Kind(poll.kind), counted, poll.population(), seats=poll.seats)
    outcome = decided.as_dict()
    del outcome["cited"]  # words are rendered in the reader's language from the rules version, not stored
    return {"tally": tally_as_dict(counted), "outcome": outcome}


def poll_close(*, poll_id: int, actor: User | None = None) -> Poll:
    """Close an open poll, count the box under the poll's rules version, record and publish the result."""
    with transaction.atomic():
        poll = _locked(poll_id)
        _require_chair(actor, poll.association)
        if poll.state != Poll.State.OPEN:
            raise Refusal.conflict(_("Only an open poll can be closed."), code="not_open")
        if poll.meeting_id:
            present = present_member_ids(poll.meeting)
            here = [e for e in poll.roll.all() if e.member_id in present or (e.holder_id in present)]
            poll.present_heads, poll.present_weight = len(here), sum(e.weight for e in here)
        poll.state = Poll.State.CLOSED
        poll.closed_at = timezone.now()
        poll.result = poll_decide(poll)
        poll.save(update_fields=["state", "closed_at", "present_heads", "present_weight", "result"])
        _audit(
            poll,
            "closed",
            {
                "by": actor.pk if actor else None,
                "cast": CastRecord.objects.filter(poll=poll).count(),
                "present": [poll.present_heads, poll.present_weight],
            },
        )
        _audit(
            poll,
            "published",
            {"result": poll.result, "receipts": list(poll.receipts.order_by("code").values_list("code", flat=True))},
        )
    return poll


@dataclass(frozen=True)
class Recount:
    poll_id: int
    matches: bool
    problems: tuple[str, ...]


def poll_recount(*, poll: Poll) -> Recount:
    """Recompute a closed poll from its ballot box and rules version; compare with what was published."""
    problems = []
    recomputed = poll_decide(poll)
    if recomputed != poll.result:
        problems.append("the recomputed result differs from the published one")
    cast = CastRecord.objects.filter(poll=poll).count()
    counted = recomputed["tally"]["cast_heads"]
    if cast != counted:
        problems.append(f"{cast} votes recorded but {counted} ballots in the box")
    if poll.receipts.count() != cast:
        problems.append("the receipts do not match the votes recorded")
    if not poll.is_secret:
        named: dict[str, int] = {}
        for key in CastRecord.objects.filter(poll=poll).values_list("named_choices", flat=True):
            named[key] = named.get(key, 0) + 1
        box = {b.choices: b.heads for b in Ballot.objects.filter(poll=poll) if b.heads}
        if named != box:
            problems.append("the named votes do not match the ballot box")
    return Recount(poll.pk, not problems, tuple(problems))
