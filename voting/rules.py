"""Rules of procedure as plain data, and the outcome they give for a poll's counts, with the rule cited.

Pure: no database, no clock. ``outcome(rule, counts)`` is what closing a poll, ``recount`` and the property tests
call. Every figure is an integer (heads, or weights in thousandths: ``Membership.vote_weight`` has three decimal
places), so thresholds are compared exactly (``a * den >= num * base``), never in floating point.

Definitions (the rule text cited on the results page says the same in words):

- **Quorum**: the ballots cast (abstentions and blank ballots included: they took part) reach ``quorum_num /
  quorum_den`` of the *base*: all current members, the roll, or those present. Measured by head, by weight, by
  either (met when one of them is) or by both.
- **Votes counted**: yes + no, plus abstentions when ``abstentions_count`` (they then weigh like a no).
- **Simple majority**: more yes than against (no, plus abstentions when they count); equal is a tie.
- **Absolute majority**: yes is more than half of the base (the votes counted, or the whole roll).
- **Two thirds**: yes is at least two thirds of the base (the votes counted, or the whole roll).
- **Tie** (simple majority, or equal votes for the last seat of a choice): the motion is not carried, or the
  chair's casting vote decides, or a new ballot is held; the outcome says which.
- **Choices and elections**: options ranked by votes; the ``seats`` best that meet the majority (simple:
  any vote at all) are chosen/elected; equal votes across the last seat give a tie.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _


class QuorumBase(StrEnum):
    NONE = "none"
    ALL_MEMBERS = "all_members"
    ROLL = "roll"
    PRESENT = "present"


class QuorumBy(StrEnum):
    HEAD = "head"
    WEIGHT = "weight"
    HEAD_OR_WEIGHT = "head_or_weight"
    HEAD_AND_WEIGHT = "head_and_weight"


class Majority(StrEnum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two_thirds"


class MajorityBase(StrEnum):
    CAST = "cast"
    ROLL = "roll"


class CountBy(StrEnum):
    HEAD = "head"
    WEIGHT = "weight"


class Tie(StrEnum):
    NOT_CARRIED = "not_carried"
    CHAIR_DECIDES = "chair_decides"
    NEW_BALLOT = "new_ballot"


class Kind(StrEnum):
    MOTION = "motion"
    SINGLE = "single"
    MULTIPLE = "multiple"
    ELECTION = "election"


class Result(StrEnum):
    CARRIED = "carried"
    NOT_CARRIED = "not_carried"
    INQUORATE = "inquorate"
    CHOSEN = "chosen"  # single/multiple choice and elections: ``winners`` says who or what
    TIED = "tied"
    NONE_CHOSEN = "none_chosen"


YES, NO, ABSTAIN = "yes", "no", "abstain"


@dataclass(frozen=True)
class Rule:
    """One version of an association body's rules of procedure, as far as counting goes."""

    name: str = ""
    version: int = 1
    quorum_base: QuorumBase = QuorumBase.NONE
    quorum_by: QuorumBy = QuorumBy.HEAD
    quorum_num: int = 1
    quorum_den: int = 2
    majority: Majority = Majority.SIMPLE
    majority_base: MajorityBase = MajorityBase.CAST
    count_by: CountBy = CountBy.HEAD
    abstentions_count: bool = False
    tie: Tie = Tie.NOT_CARRIED

    def __post_init__(self):
        if self.quorum_den <= 0 or not 0 <= self.quorum_num <= self.quorum_den:
            raise ValueError("A quorum is a fraction between 0 and 1.")
        if self.majority is Majority.SIMPLE and self.majority_base is not MajorityBase.CAST:
            raise ValueError("A simple majority compares yes with no among the votes cast; it has no other base.")


@dataclass(frozen=True)
class Tally:
    """How many took part and the votes per option, by head and by weight (thousandths)."""

    heads: dict[str, int]
    weights: dict[str, int]
    cast_heads: int  # ballots cast, blank ones and abstentions included
    cast_weight: int
    abstain_heads: int = 0  # blank ballots (choice polls) or the "abstain" option (motions)
    abstain_weight: int = 0


@dataclass(frozen=True)
class Population:
    """The sizes the quorum and a roll-based majority are measured against, frozen by the poll."""

    roll_heads: int
    roll_weight: int
    members_heads: int = 0
    members_weight: int = 0
    present_heads: int | None = None  # None: the poll is not tied to a meeting
    present_weight: int | None = None


@dataclass(frozen=True)
class Outcome:
    result: Result
    winners: tuple[str, ...] = ()
    tied: tuple[str, ...] = ()
    quorate: bool = True
    cited: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {
            "result": str(self.result),
            "winners": list(self.winners),
            "tied": list(self.tied),
            "quorate": self.quorate,
            "cited": list(self.cited),
        }


# ---------------------------------------------------------------------------------------------------- citing


def _fraction_words(num: int, den: int) -> str:
    if (num, den) == (1, 2):
        return _("half")
    if (num, den) == (2, 3):
        return _("two thirds")
    if (num, den) == (1, 3):
        return _("one third")
    if (num, den) == (1, 4):
        return _("one quarter")
    return f"{num}/{den}"


def quorum_text(rule: Rule) -> str:
    if rule.quorum_base is QuorumBase.NONE:
        return _("Quorum: none required.")
    base = {
        QuorumBase.ALL_MEMBERS: _("all current members"),
        QuorumBase.ROLL: _("the roll"),
        QuorumBase.PRESENT: _("those present"),
    }[rule.quorum_base]
    by = {
        QuorumBy.HEAD: _("by head"),
        QuorumBy.WEIGHT: _("by weight"),
        QuorumBy.HEAD_OR_WEIGHT: _("by head or by weight"),
        QuorumBy.HEAD_AND_WEIGHT: _("by head and by weight"),
    }[rule.quorum_by]
    return _("Quorum: ballots cast reach at least %(fraction)s of %(base)s, %(by)s.") % {
        "fraction": _fraction_words(rule.quorum_num, rule.quorum_den),
        "base": base,
        "by": by,
    }


def majority_text(rule: Rule) -> str:
    by = _("by head") if rule.count_by is CountBy.HEAD else _("by weight")
    abstentions = _("abstentions count as votes cast") if rule.abstentions_count else _("abstentions are not counted")
    base = _("of the votes cast") if rule.majority_base is MajorityBase.CAST else _("of the whole roll")
    if rule.majority is Majority.SIMPLE:
        text = _("Majority: simple (more in favour than against), %(by)s; %(abstentions)s.")
    elif rule.majority is Majority.ABSOLUTE:
        text = _("Majority: absolute (more than half %(base)s), %(by)s; %(abstentions)s.")
    else:
        text = _("Majority: two thirds (at least two thirds %(base)s), %(by)s; %(abstentions)s.")
    return text % {"by": by, "abstentions": abstentions, "base": base}


def tie_text(rule: Rule) -> str:
    return {
        Tie.NOT_CARRIED: _("Tie: a motion is not carried; equal votes for the last seat leave it undecided."),
        Tie.CHAIR_DECIDES: _("Tie: the chair's casting vote decides."),
        Tie.NEW_BALLOT: _("Tie: a new ballot is held."),
    }[rule.tie]


def result_words(result: Result) -> str:
    return {
        Result.CARRIED: _("Carried"),
        Result.NOT_CARRIED: _("Not carried"),
        Result.INQUORATE: _("Inquorate: the quorum was not reached, so nothing was decided"),
        Result.CHOSEN: _("Chosen:"),
        Result.TIED: _("Tied"),
        Result.NONE_CHOSEN: _("No option reached the majority"),
    }[Result(result)]


def rule_heading(rule: Rule) -> str:
    return _("Rules of procedure: %(name)s, version %(version)s.") % {"name": rule.name, "version": rule.version}


# ---------------------------------------------------------------------------------------------------- deciding


def _meets(measure: int, base: int, num: int, den: int) -> bool:
    return measure * den >= num * base


def quorum_met(rule: Rule, tally: Tally, population: Population) -> bool:
    if rule.quorum_base is QuorumBase.NONE:
        return True
    if rule.quorum_base is QuorumBase.ALL_MEMBERS:
        base_heads, base_weight = population.members_heads, population.members_weight
    elif rule.quorum_base is QuorumBase.ROLL:
        base_heads, base_weight = population.roll_heads, population.roll_weight
    else:
        if not population.present_heads:
            # A quorum of those present needs a meeting to be present at, and somebody present at it: with nobody
            # present the base would be 0 and any single ballot would "meet" it.
            return False
        base_heads, base_weight = population.present_heads, population.present_weight or 0
    by_head = tally.cast_heads > 0 and _meets(tally.cast_heads, base_heads, rule.quorum_num, rule.quorum_den)
    by_weight = tally.cast_weight > 0 and _meets(tally.cast_weight, base_weight, rule.quorum_num, rule.quorum_den)
    return {
        QuorumBy.HEAD: by_head,
        QuorumBy.WEIGHT: by_weight,
        QuorumBy.HEAD_OR_WEIGHT: by_head or by_weight,
        QuorumBy.HEAD_AND_WEIGHT: by_head and by_weight,
    }[rule.quorum_by]


def _votes(rule: Rule, tally: Tally) -> dict[str, int]:
    return tally.weights if rule.count_by is CountBy.WEIGHT else tally.heads


def _abstained(rule: Rule, tally: Tally) -> int:
    return tally.abstain_weight if rule.count_by is CountBy.WEIGHT else tally.abstain_heads


def _base(rule: Rule, counted: int, population: Population) -> int:
    if rule.majority_base is MajorityBase.ROLL:
        return population.roll_weight if rule.count_by is CountBy.WEIGHT else population.roll_heads
    return counted


def _passes(rule: Rule, votes: int, base: int) -> bool:
    """Does ``votes`` reach the majority over ``base``? (Absolute and two thirds; simple is a comparison.)"""
    if votes <= 0:
        return False
    if rule.majority is Majority.ABSOLUTE:
        return votes * 2 > base
    if rule.majority is Majority.TWO_THIRDS:
        return votes * 3 >= base * 2
    return True


def _motion(rule: Rule, tally: Tally, population: Population) -> tuple[Result, tuple[str, ...]]:
    votes = _votes(rule, tally)
    yes, no = votes.get(YES, 0), votes.get(NO, 0)
    abstain = votes.get(ABSTAIN, 0) if ABSTAIN in votes else _abstained(rule, tally)
    against = no + (abstain if rule.abstentions_count else 0)
    if rule.majority is Majority.SIMPLE:
        if yes > against:
            return Result.CARRIED, ()
        if yes == against and yes > 0:
            return (Result.NOT_CARRIED, ()) if rule.tie is Tie.NOT_CARRIED else (Result.TIED, (YES, NO))
        return Result.NOT_CARRIED, ()
    base = _base(rule, yes + against, population)
    return (Result.CARRIED if _passes(rule, yes, base) else Result.NOT_CARRIED), ()


def _choice(rule: Rule, tally: Tally, population: Population, seats: int) -> Outcome:
    votes = _votes(rule, tally)
    counted = sum(_votes(rule, tally).values())
    ballots = tally.cast_weight if rule.count_by is CountBy.WEIGHT else tally.cast_heads
    blank = _abstained(rule, tally)
    # The base of a choice is the ballots (one ballot may name several options), blank ones when they count.
    base_cast = ballots if rule.abstentions_count else ballots - blank
    base = _base(rule, base_cast if counted else 0, population)
    eligible = sorted(
        ((key, count) for key, count in votes.items() if _passes(rule, count, base)),
        key=lambda item: (-item[1], item[0]),
    )
    if not eligible:
        return Outcome(Result.NONE_CHOSEN)
    if len(eligible) <= seats:
        return Outcome(Result.CHOSEN, winners=tuple(key for key, _count in eligible))
    cutoff = eligible[seats - 1][1]
    above = tuple(key for key, count in eligible if count > cutoff)
    at_cutoff = tuple(key for key, count in eligible if count == cutoff)
    if len(above) + len(at_cutoff) == seats:
        return Outcome(Result.CHOSEN, winners=above + at_cutoff)
    return Outcome(Result.TIED, winners=above, tied=at_cutoff)


def outcome(rule: Rule, kind: Kind, tally: Tally, population: Population, *, seats: int = 1) -> Outcome:
    """The outcome of a closed poll under ``rule``, with the rules that decided it cited in words."""
    cited = [rule_heading(rule), quorum_text(rule)]
    if not quorum_met(rule, tally, population):
        return Outcome(Result.INQUORATE, quorate=False, cited=tuple(cited))
    cited.append(majority_text(rule))
    if kind is Kind.MOTION:
        result, tied = _motion(rule, tally, population)
        decided = Outcome(result, tied=tied)
    else:
        decided = _choice(rule, tally, population, max(1, seats))
    if decided.result is Result.TIED or (kind is Kind.MOTION and _is_simple_tie(rule, tally)):
        cited.append(tie_text(rule))
    return Outcome(decided.result, winners=decided.winners, tied=decided.tied, quorate=True, cited=tuple(cited))


def _is_simple_tie(rule: Rule, tally: Tally) -> bool:
    if rule.majority is not Majority.SIMPLE:
        return False
    votes = _votes(rule, tally)
    abstain = votes.get(ABSTAIN, 0) if ABSTAIN in votes else _abstained(rule, tally)
    against = votes.get(NO, 0) + (abstain if rule.abstentions_count else 0)
    return votes.get(YES, 0) == against > 0
