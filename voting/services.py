"""Every write of the voting app: one named function per state change, in a transaction, with its audit entry.

Concurrency: every write that depends on a poll's state checks it under a lock on the poll's row before it commits.
A vote takes that row in KEY SHARE mode, which any number of votes hold at once; a close (and the other state
changes) takes FOR UPDATE, which conflicts with it: a close waits for the votes in flight and counts them, and a
vote that comes after the close reads the poll closed and is refused, writing nothing (a vote gate, an advisory
lock votes share and a close takes alone, keeps a stream of votes from holding a close off). A vote writes only rows no
other vote touches (its cast record, its receipt, a ``PendingVote``), so votes commit side by side and PostgreSQL
groups their commits. What every vote shares (the ballot box lines, the audit chain and its head on the poll) is
written by sealing: after its commit a voter takes the poll's row in NO KEY UPDATE mode, SKIP LOCKED (one sealer at
a time; votes never wait for it; a voter who finds it taken leaves the seal to the holder), folds every pending
vote into the box and the chain and deletes them, in one transaction, then looks again. The serialised part is
one seal per batch of votes, not one lock per vote. The close seals under its own lock before it counts. The
unique constraint on ``CastRecord.roll_entry`` backs the one-vote-per-entry rule.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Association, Membership, User
from accounts.refusals import Refusal
from accounts.roles import is_association_officer, is_current_member, membership_current_q
from voting import audit, rules, signals
from voting.models import (
    AuditEntry,
    Ballot,
    Body,
    CastRecord,
    Meeting,
    PendingVote,
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

logger = logging.getLogger(__name__)

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
    """Verify the poll's chain from its first entry to the head the poll records now, and that nothing follows it.

    Votes are sealed into the chain while a poll is open, each seal appending its entries and moving the head in
    one transaction. So the head is read first (fresh, whatever ``poll`` held) and the chain up to it: a seal that
    commits meanwhile adds entries after that head, which are verified next time, not reported as a break. An entry
    after the head is a break only if the head has not moved since (nothing sealed it: someone wrote it there).
    ``poll`` is given the head that was verified (pages show it beside the verdict)."""
    sequence, head = Poll.objects.filter(pk=poll.pk).values_list("audit_sequence", "audit_head").get()
    poll.audit_sequence, poll.audit_head = sequence, head
    entries = [
        audit.Entry(e.sequence, e.kind, e.payload, e.at, e.previous, e.digest)
        for e in AuditEntry.objects.filter(poll=poll, sequence__lte=sequence).order_by("sequence")
    ]
    verdict = audit.verify(entries)
    if verdict.ok and verdict.head != (head or audit.GENESIS):
        return audit.Verdict(False, verdict.entries, verdict.head, verdict.entries, "the chain ends before its head")
    if verdict.ok and AuditEntry.objects.filter(poll=poll, sequence__gt=sequence).exists():
        moved_on = Poll.objects.filter(pk=poll.pk, audit_sequence__gt=sequence).exists()
        if not moved_on:
            after = verdict.entries + 1
            return audit.Verdict(False, verdict.entries, verdict.head, after, "entries after the chain's head")
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


def _cursor():
    """A cursor for the plain SQL of casting and sealing. On PostgreSQL it binds parameters on the server, so each of
    these statements, run for every vote, is prepared once per connection (psycopg prepares a statement on its
    fifth run) instead of parsed and planned each time: planning took more of the server's time than running them.
    Wrapped as Django wraps its own cursors (query logging, execute wrappers, errors as Django's)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    return connection._prepare_cursor(psycopg.Cursor(connection.connection))


# The roll entry, its poll's state and terms, whether it was cast and the poll's option keys, in one statement.
_BALLOT_CONTEXT_SQL = """
SELECT p.id, p.association_id, p.state, p.closes_at, p.kind, p.secrecy, p.min_choices, p.max_choices,
       e.id, e.weight, e.holder_id,
       EXISTS (SELECT 1 FROM voting_castrecord c WHERE c.roll_entry_id = e.id),
       ARRAY (SELECT o.key FROM voting_polloption o WHERE o.poll_id = p.id)
FROM voting_poll p LEFT JOIN voting_rollentry e ON e.poll_id = p.id AND e.member_id = %s
WHERE p.id = %s
"""


def _ballot_context(poll_id: int, member: User) -> tuple[Poll | None, RollEntry | None, set[str]]:
    """The poll, the member's roll entry on it (with ``already_cast``, committed casts only) and the option keys.

    Plain SQL on PostgreSQL (one statement: the ORM took more Python per vote than the database took time), the
    ORM elsewhere."""
    if connection.vendor != "postgresql":
        entry = (
            RollEntry.objects.select_related("poll")
            .annotate(already_cast=Exists(CastRecord.objects.filter(roll_entry=OuterRef("pk"))))
            .filter(poll_id=poll_id, member=member)
            .order_by()  # one row at most: no ordering (the default one joins the poll's ordering in)
            .first()
        )
        poll = entry.poll if entry else Poll.objects.select_related("association").filter(pk=poll_id).first()
        keys = set(poll.options.order_by().values_list("key", flat=True)) if poll else set()
        return poll, entry, keys
    with _cursor() as cursor:
        cursor.execute(_BALLOT_CONTEXT_SQL, [member.pk, poll_id])
        row = cursor.fetchone()
    if row is None:
        return None, None, set()
    pk, association_id, state, closes_at, kind, secrecy, min_choices, max_choices = row[:8]
    entry_id, weight, holder_id, already_cast, keys = row[8:]
    poll = Poll(
        pk=pk,
        association_id=association_id,
        state=state,
        closes_at=closes_at,
        kind=kind,
        secrecy=secrecy,
        min_choices=min_choices,
        max_choices=max_choices,
    )
    if entry_id is None:
        return poll, None, set(keys)
    entry = RollEntry(pk=entry_id, poll=poll, member_id=member.pk, weight=weight, holder_id=holder_id)
    entry.already_cast = already_cast
    return poll, entry, set(keys)


def _roll_entry_to_cast(poll_id: int, voter: User, member: User) -> tuple[RollEntry, set[str]]:
    """The roll entry ``voter`` casts now (their own, or ``member``'s as proxy holder), with its poll and whether it
    has been cast (``already_cast``, committed casts only: the unique constraint is the final guard), and the poll's
    option keys.

    Read without a lock on the poll: the roll, its proxies and the options are frozen when the poll opens; only the
    poll's state moves on (draft, open, closed, never back), and the vote's own statement checks it again.
    """
    poll, entry, keys = _ballot_context(poll_id, member)
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
    return entry, keys


def _valid_choices(poll: Poll, choices: list[str], keys: set[str]) -> tuple[str, ...]:
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
    """A new receipt code of the poll (SQLite). The unique constraint decides, without a query to look first: a
    code drawn twice (about one chance in 10^18 per vote) fails its savepoint and another is drawn."""
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


# A vote on PostgreSQL: one statement, committed on its own (autocommit), that writes only rows no other vote
# touches. It takes the poll's row in KEY SHARE mode, which any number of votes hold at once but which conflicts
# with the close's FOR UPDATE: a close waits for the votes in flight, and a vote that waited for a close reads the
# poll closed (READ COMMITTED re-reads a row it waited for) and writes nothing. Before that row lock it takes the
# poll's vote gate (an advisory lock, shared): a close takes the gate exclusively first, and PostgreSQL's lock
# manager queues later shared requests behind it, whereas row locks let compatible KEY SHARE lockers pass a waiting
# FOR UPDATE, so a stream of votes would starve the close. Then, only while the poll takes votes: the cast record (a
# second cast of the entry, even one in flight, ends in DO NOTHING: waits, then inserts nothing), the receipt (a
# plain insert: a code drawn twice fails the whole statement, and another is drawn), the pending vote.
VOTE_GATE = 0x766F7465  # "vote": the advisory lock space of the polls' vote gates (key: the poll's id)
_VOTE_SQL = """
WITH gate AS (
    SELECT pg_advisory_xact_lock_shared(%(gate)s, %(poll)s)
), poll AS (
    SELECT state, closes_at FROM voting_poll WHERE id = %(poll)s AND EXISTS (SELECT FROM gate) FOR KEY SHARE
), cast_record AS (
    INSERT INTO voting_castrecord (poll_id, roll_entry_id, cast_by_id, named_choices, cast_at)
    SELECT %(poll)s, %(entry)s, %(voter)s, %(named)s, %(now)s FROM poll
    WHERE state = %(open)s AND (closes_at IS NULL OR closes_at > %(now)s)
    ON CONFLICT DO NOTHING
    RETURNING 1
), receipt AS (
    INSERT INTO voting_receipt (id, poll_id, code) SELECT %(receipt_id)s, %(poll)s, %(code)s FROM cast_record
    RETURNING 1
), pending AS (
    INSERT INTO voting_pendingvote (poll_id, choices, weight, payload, at)
    SELECT %(poll)s, %(choices)s, %(weight)s, %(payload)s, %(at)s FROM receipt
)
SELECT state, closes_at, (SELECT count(*) FROM cast_record) FROM poll
"""
_RECEIPT_CONSTRAINT = "voting_receipt_code_once"


def _vote_write_postgresql(poll: Poll, entry: RollEntry, voter: User, member: User, chosen, key: str) -> str:
    """Write the vote in one statement (see ``_VOTE_SQL``); return its receipt code, or raise the refusal."""
    while True:
        code = _receipt_code()
        now = timezone.now()
        payload = _vote_payload(poll, entry, voter, member, chosen, code)
        params = {
            "gate": VOTE_GATE,
            "poll": poll.pk,
            "entry": entry.pk,
            "voter": voter.pk,
            "named": None if poll.is_secret else key,
            "now": now,
            "open": Poll.State.OPEN,
            "receipt_id": uuid.uuid4(),
            "code": code,
            "choices": key,
            "weight": entry.weight,
            "payload": _PAYLOAD_FIELD.get_db_prep_save(payload, connection),
            "at": now.isoformat(),
        }
        try:
            # Autocommit, one round trip; inside a caller's transaction (tests), a savepoint keeps a failed
            # statement from breaking it.
            if connection.in_atomic_block:
                with transaction.atomic(), _cursor() as cursor:
                    cursor.execute(_VOTE_SQL, params)
                    row = cursor.fetchone()
            else:
                with _cursor() as cursor:
                    cursor.execute(_VOTE_SQL, params)
                    row = cursor.fetchone()
        except IntegrityError as error:
            if _RECEIPT_CONSTRAINT not in str(error):
                raise
            continue  # a receipt code drawn twice: nothing was written, draw another
        if row is None:
            raise Refusal.not_found()
        state, closes_at, cast = row
        refusal = _not_accepting(state, closes_at)
        if refusal is not None:
            raise refusal
        if not cast:
            raise _already_cast()
        return code


def _vote_write_orm(poll: Poll, entry: RollEntry, voter: User, member: User, chosen, key: str) -> str:
    """The same writes through the ORM, in one transaction (SQLite: it locks the whole database for a write, so the
    state read at the start of the transaction holds until its commit)."""
    with transaction.atomic():
        state, closes_at = Poll.objects.filter(pk=poll.pk).values_list("state", "closes_at").get()
        refusal = _not_accepting(state, closes_at)
        if refusal is not None:
            raise refusal
        try:
            with transaction.atomic():
                CastRecord.objects.create(
                    poll=poll, roll_entry=entry, cast_by=voter, named_choices=None if poll.is_secret else key
                )
        except IntegrityError as error:
            raise _already_cast() from error
        code = _receipt_create(poll)
        now = timezone.now()
        PendingVote.objects.create(
            poll=poll,
            choices=key,
            weight=entry.weight,
            payload=_vote_payload(poll, entry, voter, member, chosen, code),
            at=now.isoformat(),
        )
    return code


def _vote_payload(poll: Poll, entry: RollEntry, voter: User, member: User, chosen, code: str) -> dict:
    """The vote's audit entry: who cast which roll entry and the receipt; the choices only in a named poll."""
    payload = {"roll_entry": entry.pk, "member": member.pk, "cast_by": voter.pk, "receipt": code}
    if not poll.is_secret:
        payload["choices"] = list(chosen)
    return payload


def vote_cast(*, poll_id: int, voter: User, choices: list[str], member: User | None = None) -> Cast:
    """Cast one vote of the roll: the voter's own, or ``member``'s as their proxy holder. Exactly once per entry.

    Refusals record nothing. The cast record, the receipt and the pending vote commit together, after the poll's
    state was checked under a lock on the poll's row that votes share and a close does not: a close that commits
    first refuses this vote, one that comes later waits for it and counts it. No row another vote writes is touched,
    so votes commit side by side. Then the vote is sealed (``_seal_after_commit``): into the box and the chain, with
    whatever else is pending, by this voter or by the one sealing already.
    """
    member = member or voter
    entry, keys = _roll_entry_to_cast(poll_id, voter, member)
    poll = entry.poll
    chosen = _valid_choices(poll, choices, keys)
    if entry.already_cast:
        raise _already_cast()
    key = choices_key(chosen)
    write = _vote_write_postgresql if connection.vendor == "postgresql" else _vote_write_orm
    code = write(poll, entry, voter, member, chosen, key)
    signals.vote_cast.send(sender=Cast, poll_id=poll.pk, cast_by_id=voter.pk, member_id=member.pk)
    _seal_after_commit(poll.pk)
    return Cast(receipt=code, roll_entry_id=entry.pk)


# ------------------------------------------------------------------------------------------------ sealing

# The poll's row in NO KEY UPDATE mode: one sealer at a time, without waiting (SKIP LOCKED: the lock holder will
# look again after its commit), and without conflicting with the votes' KEY SHARE. A close's FOR UPDATE conflicts
# with both: while it holds the lock, it seals.
_SEAL_LOCK_SQL = {
    "postgresql": "SELECT audit_sequence, audit_head FROM voting_poll WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
    "sqlite": "SELECT audit_sequence, audit_head FROM voting_poll WHERE id = %s",
}
_SEAL_TAKE_SQL = "DELETE FROM voting_pendingvote WHERE poll_id = %s RETURNING id, choices, weight, payload, at"
_SEAL_BOX_SQL = """
INSERT INTO voting_ballot (id, poll_id, choices, heads, weight) VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (poll_id, choices)
DO UPDATE SET heads = voting_ballot.heads + excluded.heads, weight = voting_ballot.weight + excluded.weight
"""
_SEAL_CHAIN_SQL = """
INSERT INTO voting_auditentry (poll_id, sequence, kind, payload, at, previous, digest)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""
_SEAL_HEAD_SQL = "UPDATE voting_poll SET audit_sequence = %s, audit_head = %s WHERE id = %s"
_SEAL_LOOK_SQL = "SELECT 1 FROM voting_pendingvote WHERE poll_id = %s LIMIT 1"
_PAYLOAD_FIELD = PendingVote._meta.get_field("payload")
_AUDIT_PAYLOAD_FIELD = AuditEntry._meta.get_field("payload")
_BALLOT_ID_FIELD = Ballot._meta.get_field("id")


def _seal_pending(poll: Poll) -> int:
    """Under the poll's row lock (a sealer's or a close's), in its transaction: move every pending vote committed so
    far into the ballot box (one upsert per distinct set of choices) and onto the audit chain (in id order), move
    the poll's chain head, delete them. One statement reads and deletes them all, so the box and the chain take
    the same votes. Returns how many were sealed."""
    with _cursor() as cursor:
        cursor.execute(_SEAL_TAKE_SQL, [poll.pk])
        taken = sorted(cursor.fetchall())
        if not taken:
            return 0
        lines: dict[str, list[int]] = {}
        entries = []
        head = (poll.audit_sequence, poll.audit_head) if poll.audit_sequence else None
        for _id, choices, weight, payload, at in taken:
            line = lines.setdefault(choices, [0, 0])
            line[0] += 1
            line[1] += weight
            if isinstance(payload, str):
                payload = json.loads(payload)
            link = audit.append(head, kind="vote_recorded", payload=payload, at=at)
            head = (link.sequence, link.digest)
            entries.append(link)
        cursor.executemany(
            _SEAL_BOX_SQL,
            [
                (_BALLOT_ID_FIELD.get_db_prep_value(uuid.uuid4(), connection), poll.pk, choices, heads, weight)
                for choices, (heads, weight) in sorted(lines.items())
            ],
        )
        cursor.executemany(
            _SEAL_CHAIN_SQL,
            [
                (
                    poll.pk,
                    e.sequence,
                    e.kind,
                    _AUDIT_PAYLOAD_FIELD.get_db_prep_save(e.payload, connection),
                    e.at,
                    e.previous,
                    e.digest,
                )
                for e in entries
            ],
        )
        poll.audit_sequence, poll.audit_head = head
        cursor.execute(_SEAL_HEAD_SQL, [poll.audit_sequence, poll.audit_head, poll.pk])
    return len(taken)


def _seal_once(poll_id: int) -> bool:
    """One seal transaction, if no one else holds the poll's row lock; False if someone does."""
    with transaction.atomic():
        with _cursor() as cursor:
            cursor.execute(_SEAL_LOCK_SQL.get(connection.vendor, _SEAL_LOCK_SQL["sqlite"]), [poll_id])
            row = cursor.fetchone()
        if row is None:
            return False
        _seal_pending(Poll(pk=poll_id, audit_sequence=row[0], audit_head=row[1]))
    return True


def _pending_left(poll_id: int) -> bool:
    with _cursor() as cursor:
        cursor.execute(_SEAL_LOOK_SQL, [poll_id])
        return cursor.fetchone() is not None


SEAL_ROUNDS = 8  # a voter's request seals at most this many batches, so none of them is kept sealing for long


def _seal_after_commit(poll_id: int) -> None:
    """Seal the poll's pending votes, this voter's among them, until none is left, another sealer holds the lock,
    or this voter has sealed ``SEAL_ROUNDS`` batches.

    A voter who finds the lock taken committed before the holder's next look, and every sealer looks again after
    its own commit: so a committed vote is sealed by this round of seals, or, when the rounds ran out while votes
    kept coming, by the next vote's seal, the close (which seals under its lock, and after which no vote commits)
    or the minute's ``voting.polls_tick``, whichever comes first. A seal that fails leaves the votes pending, and
    committed, for the same."""
    try:
        for _round in range(SEAL_ROUNDS):
            if not (_seal_once(poll_id) and _pending_left(poll_id)):
                return
    except DatabaseError:
        logger.exception("poll %s: pending votes not sealed now; the next seal or the close seals them", poll_id)


def votes_seal(*, poll_id: int) -> bool:
    """Seal what is pending in the poll (``voting.polls_tick``: votes left by a seal that failed or ran out of
    rounds, when no vote came after them). Returns whether any was pending."""
    if not _pending_left(poll_id):
        return False
    _seal_after_commit(poll_id)
    return True


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
    """Close an open poll, count the box under the poll's rules version, record and publish the result.

    On PostgreSQL it first closes the poll's vote gate (see ``_VOTE_SQL``): votes in flight finish, later ones wait
    behind the close and then read the poll closed."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [VOTE_GATE, poll_id])
        poll = _locked(poll_id)
        _require_chair(actor, poll.association)
        if poll.state != Poll.State.OPEN:
            raise Refusal.conflict(_("Only an open poll can be closed."), code="not_open")
        if poll.meeting_id:
            present = present_member_ids(poll.meeting)
            here = [e for e in poll.roll.all() if e.member_id in present or (e.holder_id in present)]
            poll.present_heads, poll.present_weight = len(here), sum(e.weight for e in here)
        _seal_pending(poll)  # the votes committed before the close (none is in flight: the lock waited for them)
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
