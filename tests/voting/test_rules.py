"""Property tests of the outcome rules: quorum, majorities, abstentions and ties, as the bylaws define them."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from voting.rules import (
    ABSTAIN,
    NO,
    YES,
    CountBy,
    Kind,
    Majority,
    MajorityBase,
    Population,
    QuorumBase,
    QuorumBy,
    Result,
    Rule,
    Tally,
    Tie,
    outcome,
    quorum_met,
)

# The machine is shared: time limits would fail on load, not on logic.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

counts = st.integers(min_value=0, max_value=500)


def motion(yes, no, abstain=0, *, weights=None):
    heads = {YES: yes, NO: no, ABSTAIN: abstain}
    weights = weights or {key: value * 1000 for key, value in heads.items()}
    return Tally(
        heads=heads,
        weights=weights,
        cast_heads=yes + no + abstain,
        cast_weight=sum(weights.values()),
        abstain_heads=abstain,
        abstain_weight=weights[ABSTAIN],
    )


def population(roll_heads, roll_weight=None):
    return Population(roll_heads=roll_heads, roll_weight=roll_weight if roll_weight is not None else roll_heads * 1000)


ANYONE = population(10_000)


@RELAXED
@given(st.lists(st.integers(min_value=1, max_value=50_000), min_size=2, max_size=40), st.data())
def test_a_quorum_by_head_can_be_met_only_by_weight_and_each_quorum_rule_says_what_then_happens(weights, data):
    """A few heavy members vote: half the weight of the roll but not half the heads."""
    ranked = sorted(weights, reverse=True)
    voters = data.draw(st.integers(min_value=1, max_value=len(ranked) - 1))
    cast_heads, cast_weight = voters, sum(ranked[:voters])
    roll_heads, roll_weight = len(ranked), sum(ranked)
    assume(cast_heads * 2 < roll_heads and cast_weight * 2 >= roll_weight)
    tally = Tally(
        heads={YES: cast_heads, NO: 0},
        weights={YES: cast_weight, NO: 0},
        cast_heads=cast_heads,
        cast_weight=cast_weight,
    )
    roll = Population(roll_heads=roll_heads, roll_weight=roll_weight)

    def met(by):
        return quorum_met(Rule(quorum_base=QuorumBase.ROLL, quorum_by=by), tally, roll)

    assert not met(QuorumBy.HEAD)
    assert met(QuorumBy.WEIGHT)
    assert met(QuorumBy.HEAD_OR_WEIGHT)
    assert not met(QuorumBy.HEAD_AND_WEIGHT)
    inquorate = outcome(Rule(quorum_base=QuorumBase.ROLL, quorum_by=QuorumBy.HEAD), Kind.MOTION, tally, roll)
    assert inquorate.result is Result.INQUORATE
    assert not inquorate.quorate
    assert any("Quorum" in line for line in inquorate.cited)
    quorate = outcome(Rule(quorum_base=QuorumBase.ROLL, quorum_by=QuorumBy.HEAD_OR_WEIGHT), Kind.MOTION, tally, roll)
    assert quorate.result is Result.CARRIED


@RELAXED
@given(counts, counts, counts)
def test_a_simple_majority_compares_yes_with_no_and_ignores_abstentions_unless_they_count(yes, no, abstain):
    ignoring = outcome(Rule(majority=Majority.SIMPLE), Kind.MOTION, motion(yes, no, abstain), ANYONE)
    counting = outcome(
        Rule(majority=Majority.SIMPLE, abstentions_count=True), Kind.MOTION, motion(yes, no, abstain), ANYONE
    )

    assert (ignoring.result is Result.CARRIED) == (yes > no)
    assert (counting.result is Result.CARRIED) == (yes > no + abstain)


@RELAXED
@given(counts, counts, counts, st.booleans())
def test_an_absolute_majority_of_votes_cast_needs_more_than_half_of_them(yes, no, abstain, abstentions_count):
    rule = Rule(majority=Majority.ABSOLUTE, abstentions_count=abstentions_count)
    base = yes + no + (abstain if abstentions_count else 0)

    result = outcome(rule, Kind.MOTION, motion(yes, no, abstain), ANYONE).result

    assert (result is Result.CARRIED) == (yes > 0 and 2 * yes > base)


@RELAXED
@given(counts, counts, counts, st.booleans())
def test_two_thirds_of_votes_cast_needs_at_least_two_thirds_of_them(yes, no, abstain, abstentions_count):
    rule = Rule(majority=Majority.TWO_THIRDS, abstentions_count=abstentions_count)
    base = yes + no + (abstain if abstentions_count else 0)

    result = outcome(rule, Kind.MOTION, motion(yes, no, abstain), ANYONE).result

    assert (result is Result.CARRIED) == (yes > 0 and 3 * yes >= 2 * base)


@RELAXED
@given(counts, counts, counts, st.integers(min_value=0, max_value=2000), st.sampled_from(list(Majority)[1:]))
def test_a_majority_of_the_roll_counts_everyone_on_it_so_abstaining_and_staying_away_weigh_the_same(
    yes, no, abstain, absent, majority
):

    roll = population(yes + no + abstain + absent)
    result = outcome(
        Rule(majority=majority, majority_base=MajorityBase.ROLL), Kind.MOTION, motion(yes, no, abstain), roll
    ).result
    needed = (lambda y, b: 2 * y > b) if majority is Majority.ABSOLUTE else (lambda y, b: 3 * y >= 2 * b)

    assert (result is Result.CARRIED) == (yes > 0 and needed(yes, roll.roll_heads))
    moved = outcome(
        Rule(majority=majority, majority_base=MajorityBase.ROLL),
        Kind.MOTION,
        motion(yes, no, 0),
        population(yes + no + abstain + absent),
    ).result
    assert moved is result


@RELAXED
@given(st.integers(min_value=1, max_value=500), counts, st.sampled_from(list(Tie)))
def test_a_tie_under_a_simple_majority_follows_the_tie_rule_and_cites_it(votes, abstain, tie):
    rule = Rule(majority=Majority.SIMPLE, tie=tie)

    decided = outcome(rule, Kind.MOTION, motion(votes, votes, abstain), ANYONE)

    expected = Result.NOT_CARRIED if tie is Tie.NOT_CARRIED else Result.TIED
    assert decided.result is expected
    assert any(line.startswith("Tie:") for line in decided.cited)


@RELAXED
@given(counts, counts, counts, st.sampled_from(list(Majority)), st.booleans())
def test_one_more_vote_in_favour_never_turns_a_carried_motion_into_a_defeat(yes, no, abstain, majority, counting):
    rule = Rule(majority=majority, abstentions_count=counting)
    before = outcome(rule, Kind.MOTION, motion(yes, no, abstain), ANYONE).result
    after = outcome(rule, Kind.MOTION, motion(yes + 1, no, abstain), ANYONE).result

    assert before is not Result.CARRIED or after is Result.CARRIED


@RELAXED
@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 50), min_size=1), st.integers(1, 4))
def test_an_election_fills_at_most_its_seats_and_reports_a_tie_across_the_last_seat(votes, seats):
    ballots = max(sum(votes.values()), 1)
    tally = Tally(
        heads=votes, weights={k: v * 1000 for k, v in votes.items()}, cast_heads=ballots, cast_weight=ballots * 1000
    )

    decided = outcome(Rule(), Kind.ELECTION, tally, ANYONE, seats=seats)

    assert len(decided.winners) <= seats
    if decided.result is Result.CHOSEN:
        losers = [votes[k] for k in votes if k not in decided.winners]
        assert all(votes[w] > max(losers, default=-1) for w in decided.winners)
    if decided.result is Result.TIED:
        assert len(decided.winners) + len(decided.tied) > seats
        assert len({votes[k] for k in decided.tied}) == 1
        assert any(line.startswith("Tie:") for line in decided.cited)


def test_counting_by_weight_lets_a_heavy_minority_carry_a_motion_that_a_count_by_head_rejects():
    tally = motion(1, 3, weights={YES: 5000, NO: 3000, ABSTAIN: 0})

    assert outcome(Rule(count_by=CountBy.WEIGHT), Kind.MOTION, tally, ANYONE).result is Result.CARRIED
    assert outcome(Rule(count_by=CountBy.HEAD), Kind.MOTION, tally, ANYONE).result is Result.NOT_CARRIED


def test_a_quorum_of_those_present_needs_a_meeting():
    tally = motion(3, 0)

    assert outcome(Rule(quorum_base=QuorumBase.PRESENT), Kind.MOTION, tally, population(3)).result is Result.INQUORATE
    present = Population(roll_heads=10, roll_weight=10_000, present_heads=5, present_weight=5000)
    assert outcome(Rule(quorum_base=QuorumBase.PRESENT), Kind.MOTION, tally, present).result is Result.CARRIED


def test_a_quorum_of_those_present_is_not_met_when_nobody_is_present():
    """With nobody present the base is 0: any ballot would otherwise "meet" the quorum."""
    nobody = Population(roll_heads=10, roll_weight=10_000, present_heads=0, present_weight=0)

    assert outcome(Rule(quorum_base=QuorumBase.PRESENT), Kind.MOTION, motion(1, 0), nobody).result is Result.INQUORATE


def test_a_rule_refuses_a_quorum_above_one_and_a_simple_majority_of_the_roll():
    with pytest.raises(ValueError, match="fraction"):
        Rule(quorum_num=3, quorum_den=2)
    with pytest.raises(ValueError, match="simple majority"):
        Rule(majority=Majority.SIMPLE, majority_base=MajorityBase.ROLL)
