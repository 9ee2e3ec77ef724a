"""Polls of an association: rules of procedure, meetings, the frozen roll, proxies, casting, the ballot box, audit.

Secrecy by schema. Who voted (``CastRecord``) and what was chosen (``Ballot``) live in separate tables with no
column in common but the poll. ``Ballot`` is the ballot box, not a list of ballots: one row per distinct set of
choices, holding how many ballots chose exactly that set and their summed weight. It has a random UUID key (no
insertion order), no timestamp and no sequence, so nothing in it orders, dates or counts one person's ballot
apart from the others'. A weight that is unique on the roll cannot be read back either: the box stores only the
sums the published result shows anyway. ``Receipt`` codes are random, unlinked to the voter in the database and
published in code order. For a named poll the choice is also kept on the ``CastRecord`` (it is public there).
A vote waits as a ``PendingVote`` (its choices with its audit payload) from its commit until it is sealed into the
box and the chain, within milliseconds: that row is the one place the two meet, and it is deleted by the seal.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Association, Membership
from voting import rules


def weight_to_milli(weight: Decimal) -> int:
    return int((Decimal(weight) * 1000).to_integral_value())


def milli_to_weight(milli: int) -> Decimal:
    return (Decimal(milli) / 1000).quantize(Decimal("0.001"))


class Body(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("General assembly")
    BOARD = "board", _("Board")
    COMMITTEE = "committee", _("Committee")


class RuleSet(models.Model):
    """One version of the rules of procedure of an association body. Never edited: a change is a new version."""

    class ProxyKind(models.TextChoices):
        FREE = "free", _("Free (the holder decides)")
        INSTRUCTED = "instructed", _("Instructed (the member says how)")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="rulesets")
    body = models.CharField(_("body"), max_length=20, choices=Body.choices, default=Body.GENERAL_ASSEMBLY)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    quorum_base = models.CharField(
        _("quorum counted over"),
        max_length=20,
        choices=[
            (rules.QuorumBase.NONE, _("No quorum")),
            (rules.QuorumBase.ALL_MEMBERS, _("All current members")),
            (rules.QuorumBase.ROLL, _("The roll")),
            (rules.QuorumBase.PRESENT, _("Those present")),
        ],
        default=rules.QuorumBase.NONE,
    )
    quorum_by = models.CharField(
        _("quorum measured"),
        max_length=20,
        choices=[
            (rules.QuorumBy.HEAD, _("By head")),
            (rules.QuorumBy.WEIGHT, _("By weight")),
            (rules.QuorumBy.HEAD_OR_WEIGHT, _("By head or by weight")),
            (rules.QuorumBy.HEAD_AND_WEIGHT, _("By head and by weight")),
        ],
        default=rules.QuorumBy.HEAD,
    )
    quorum_num = models.PositiveSmallIntegerField(_("quorum numerator"), default=1)
    quorum_den = models.PositiveSmallIntegerField(_("quorum denominator"), default=2)
    majority = models.CharField(
        _("majority"),
        max_length=20,
        choices=[
            (rules.Majority.SIMPLE, _("Simple")),
            (rules.Majority.ABSOLUTE, _("Absolute")),
            (rules.Majority.TWO_THIRDS, _("Two thirds")),
        ],
        default=rules.Majority.SIMPLE,
    )
    majority_base = models.CharField(
        _("majority of"),
        max_length=10,
        choices=[(rules.MajorityBase.CAST, _("Votes cast")), (rules.MajorityBase.ROLL, _("The roll"))],
        default=rules.MajorityBase.CAST,
    )
    count_by = models.CharField(
        _("votes counted"),
        max_length=10,
        choices=[(rules.CountBy.HEAD, _("By head")), (rules.CountBy.WEIGHT, _("By weight"))],
        default=rules.CountBy.HEAD,
    )
    abstentions_count = models.BooleanField(_("abstentions count as votes cast"), default=False)
    tie = models.CharField(
        _("tie"),
        max_length=20,
        choices=[
            (rules.Tie.NOT_CARRIED, _("Not carried")),
            (rules.Tie.CHAIR_DECIDES, _("The chair's casting vote")),
            (rules.Tie.NEW_BALLOT, _("A new ballot")),
        ],
        default=rules.Tie.NOT_CARRIED,
    )
    proxy_limit = models.PositiveSmallIntegerField(_("proxies per holder at most"), default=1)
    proxy_kind = models.CharField(_("proxies"), max_length=12, choices=ProxyKind.choices, default=ProxyKind.FREE)
    entitled_roles = models.JSONField(
        _("entitled roles"), default=list, blank=True, help_text=_("Membership roles on the roll; empty: every role.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("rules of procedure")
        verbose_name_plural = _("rules of procedure")
        ordering = ["association", "body", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["association", "body", "version"], name="voting_ruleset_one_version"),
            models.CheckConstraint(
                condition=Q(quorum_den__gt=0) & Q(quorum_num__lte=models.F("quorum_den")),
                name="voting_ruleset_quorum_fraction",
            ),
            models.CheckConstraint(
                condition=~Q(majority=rules.Majority.SIMPLE, majority_base=rules.MajorityBase.ROLL),
                name="voting_ruleset_simple_majority_of_votes_cast",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def as_rule(self) -> rules.Rule:
        return rules.Rule(
            name=self.name,
            version=self.version,
            quorum_base=rules.QuorumBase(self.quorum_base),
            quorum_by=rules.QuorumBy(self.quorum_by),
            quorum_num=self.quorum_num,
            quorum_den=self.quorum_den,
            majority=rules.Majority(self.majority),
            majority_base=rules.MajorityBase(self.majority_base),
            count_by=rules.CountBy(self.count_by),
            abstentions_count=self.abstentions_count,
            tie=rules.Tie(self.tie),
        )

    def entitles(self, membership: Membership) -> bool:
        return not self.entitled_roles or membership.role in self.entitled_roles


class Meeting(models.Model):
    """A sitting of an association body; polls may be held in it, and "present" means attending it."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="meetings")
    body = models.CharField(_("body"), max_length=20, choices=Body.choices, default=Body.GENERAL_ASSEMBLY)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    # The association meeting on BigBlueButton where it sits: when set, "present" means attending it now.
    webinar = models.ForeignKey(
        "webinars.Webinar",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("online meeting"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return self.title


class Presence(models.Model):
    """A member marked present at a meeting by its chair (meetings not held as an online meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="presences")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="voting_presence_once")]

    def __str__(self):
        return f"{self.member} @ {self.meeting}"


class Poll(models.Model):
    class Kind(models.TextChoices):
        MOTION = rules.Kind.MOTION, _("Motion (yes / no / abstain)")
        SINGLE = rules.Kind.SINGLE, _("Single choice")
        MULTIPLE = rules.Kind.MULTIPLE, _("Multiple choice")
        ELECTION = rules.Kind.ELECTION, _("Election")

    class Secrecy(models.TextChoices):
        NAMED = "named", _("Named")
        SECRET = "secret", _("Secret")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="polls")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="polls", verbose_name=_("rules"))
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="polls", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOTION)
    secrecy = models.CharField(_("secrecy"), max_length=10, choices=Secrecy.choices, default=Secrecy.SECRET)
    min_choices = models.PositiveSmallIntegerField(_("choose at least"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("choose at most"), default=1)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # Frozen at opening: the roll's fingerprint and the sizes a quorum is measured against.
    roll_hash = models.CharField(_("roll hash"), max_length=64, blank=True)
    roll_heads = models.PositiveIntegerField(default=0)
    roll_weight = models.BigIntegerField(default=0)
    members_heads = models.PositiveIntegerField(default=0)
    members_weight = models.BigIntegerField(default=0)
    # Frozen at closing (polls held in a meeting): who was present then, with the votes they carried.
    present_heads = models.PositiveIntegerField(null=True, blank=True)
    present_weight = models.BigIntegerField(null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    audit_sequence = models.PositiveIntegerField(default=0)
    audit_head = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(min_choices__lte=models.F("max_choices")), name="voting_poll_min_max"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="voting_poll_seats"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="voting_poll_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["state", "closes_at"], name="voting_poll_state_closes")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("voting:poll_detail", kwargs={"pk": self.pk})

    @property
    def is_secret(self) -> bool:
        return self.secrecy == self.Secrecy.SECRET

    def population(self) -> rules.Population:
        return rules.Population(
            roll_heads=self.roll_heads,
            roll_weight=self.roll_weight,
            members_heads=self.members_heads,
            members_weight=self.members_weight,
            present_heads=self.present_heads,
            present_weight=self.present_weight,
        )


class PollOption(models.Model):
    """An answer: yes/no/abstain for a motion, a choice, or a candidate. ``key`` is what the ballot box stores."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=20)
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["poll", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "key"], name="voting_option_key_once")]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self) -> str:
        """A motion's yes / no / abstain in the reader's language; other options as their author wrote them."""
        from django.utils.translation import gettext

        words = {rules.YES: "Yes", rules.NO: "No", rules.ABSTAIN: "Abstain"}
        return gettext(words[self.key]) if self.key in words else self.label


class RollEntry(models.Model):
    """One vote on a poll's roll, frozen when it opened: whose, with what weight, cast by whom (a proxy holder)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    weight = models.BigIntegerField(_("weight (thousandths)"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    instruction = models.CharField(_("instruction"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("roll entry")
        verbose_name_plural = _("roll entries")
        ordering = ["poll", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="voting_roll_member_once"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="voting_roll_weight_gte_0"),
        ]

    def __str__(self):
        return f"{self.member} ({milli_to_weight(self.weight)})"

    @property
    def casts_for(self):
        """The person who casts this vote: the proxy holder, or the member."""
        return self.holder_id or self.member_id


class Proxy(models.Model):
    """A member's proxy to another member, for one poll or for a whole meeting; revocable until it opens."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, null=True, blank=True, related_name="proxies")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="proxies")
    grantor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    instruction = models.CharField(_("instruction"), max_length=500, blank=True)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ["granted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(poll__isnull=True, meeting__isnull=False) | Q(poll__isnull=False, meeting__isnull=True),
                name="voting_proxy_for_a_poll_or_a_meeting",
            ),
            models.CheckConstraint(condition=~Q(grantor=models.F("holder")), name="voting_proxy_not_to_oneself"),
            models.UniqueConstraint(
                fields=["grantor", "poll"],
                condition=Q(revoked_at__isnull=True, poll__isnull=False),
                name="voting_proxy_one_per_poll",
            ),
            models.UniqueConstraint(
                fields=["grantor", "meeting"],
                condition=Q(revoked_at__isnull=True, meeting__isnull=False),
                name="voting_proxy_one_per_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.grantor} -> {self.holder}"


class CastRecord(models.Model):
    """That a vote on the roll was cast, and by whom. Never what was chosen, unless the poll is named."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="cast_records")
    roll_entry = models.OneToOneField(RollEntry, on_delete=models.PROTECT, related_name="cast_record")
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_choices = models.CharField(max_length=500, null=True, blank=True)  # named polls only
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cast record")
        verbose_name_plural = _("cast records")
        constraints = [models.UniqueConstraint(fields=["roll_entry"], name="voting_cast_once_per_roll_entry")]

    def __str__(self):
        return f"{self.roll_entry_id} cast"


class Ballot(models.Model):
    """A line of the ballot box: how many ballots chose exactly ``choices`` and their total weight.

    No voter, no time, no sequence: the key is random, so even row order says nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    choices = models.CharField(max_length=500, blank=True)
    heads = models.PositiveIntegerField(default=0)
    weight = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("ballot box line")
        verbose_name_plural = _("ballot box lines")
        constraints = [models.UniqueConstraint(fields=["poll", "choices"], name="voting_ballot_line_per_choice")]

    def __str__(self):
        return f"{self.choices or '-'}: {self.heads}"


class PendingVote(models.Model):
    """A vote committed but not yet sealed: its ballot (choices, weight) and its audit entry (payload, time), waiting
    to be folded into the ballot box lines and appended to the audit chain (``voting.services``: sealing).

    Each vote writes its own row here instead of updating the rows every vote of the poll shares, so votes commit
    side by side; a seal moves a batch of them into the box and the chain, then deletes them, within milliseconds
    of their commit. Until then the row ties the ballot to the audit payload (and so to the voter, in a secret poll
    too): the one moment the schema links them (see voting/README.md, "Secrecy by schema").
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    choices = models.CharField(max_length=500, blank=True)
    weight = models.BigIntegerField()
    payload = models.JSONField(default=dict)
    at = models.CharField(max_length=40)  # ISO 8601 as it will be hashed into the chain

    class Meta:
        ordering = ["id"]  # a seal appends its batch to the chain in this order (ids are drawn as votes insert)

    def __str__(self):
        return f"{self.poll_id} pending {self.pk}"


class Receipt(models.Model):
    """A random code given to a voter when the vote is recorded; published (without the choice) once counted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="receipts")
    code = models.CharField(max_length=32)

    class Meta:
        ordering = ["poll", "code"]
        constraints = [models.UniqueConstraint(fields=["poll", "code"], name="voting_receipt_code_once")]

    def __str__(self):
        return self.code


class AuditEntry(models.Model):
    """An entry of a poll's append-only audit chain (see ``voting.audit``)."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="audit_entries")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=30)
    payload = models.JSONField(default=dict)
    at = models.CharField(max_length=40)  # ISO 8601 exactly as hashed
    previous = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["poll", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "sequence"], name="voting_audit_sequence_once"),
            models.UniqueConstraint(fields=["poll", "previous"], name="voting_audit_no_fork"),
        ]

    def __str__(self):
        return f"{self.poll_id}#{self.sequence} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")
