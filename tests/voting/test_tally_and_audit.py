"""The tally is a pure function of the ballot box; the audit chain shows any change to its past."""

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting import audit
from voting.tally import BallotLine, TallyError, choices_from_key, choices_key, tally

OPTIONS = ["a", "b", "c", "d"]
lines = st.lists(
    st.builds(
        BallotLine,
        choices=st.lists(st.sampled_from(OPTIONS), unique=True, max_size=3).map(tuple),
        heads=st.integers(0, 30),
        weight=st.integers(0, 90_000),
    ),
    max_size=20,
)

# The machine is shared: time limits would fail on load, not on logic.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(lines, st.randoms())
def test_the_tally_does_not_depend_on_the_order_of_the_ballot_box(box, random):
    shuffled = list(box)
    random.shuffle(shuffled)

    assert tally(shuffled, OPTIONS) == tally(box, OPTIONS)


@RELAXED
@given(lines)
def test_every_ballot_is_counted_once_and_blank_ballots_count_as_taking_part(box):
    counted = tally(box, OPTIONS)

    assert counted.cast_heads == sum(line.heads for line in box)
    assert counted.cast_weight == sum(line.weight for line in box)
    assert counted.abstain_heads == sum(line.heads for line in box if not line.choices)
    assert sum(counted.heads.values()) == sum(line.heads * len(line.choices) for line in box)


@RELAXED
@given(lines)
def test_splitting_a_line_of_the_box_in_two_changes_nothing(box):
    split = [
        part
        for line in box
        for part in (
            dataclasses.replace(line, heads=line.heads // 2, weight=line.weight // 2),
            dataclasses.replace(line, heads=line.heads - line.heads // 2, weight=line.weight - line.weight // 2),
        )
    ]

    assert tally(split, OPTIONS) == tally(box, OPTIONS)


def test_a_ballot_naming_an_option_the_poll_does_not_have_stops_the_count():
    with pytest.raises(TallyError):
        tally([BallotLine(("z",), 1, 1000)], OPTIONS)


@RELAXED
@given(st.lists(st.sampled_from(OPTIONS), unique=True))
def test_the_stored_form_of_a_choice_is_canonical(choices):
    assert choices_from_key(choices_key(choices)) == tuple(sorted(choices))
    assert choices_key(reversed(choices)) == choices_key(choices)


def _chain(length):
    head, entries = None, []
    for index in range(length):
        entry = audit.append(head, kind="vote_recorded", payload={"n": index}, at=f"2026-01-01T00:00:{index:02d}")
        entries.append(entry)
        head = (entry.sequence, entry.digest)
    return entries


@RELAXED
@given(st.integers(1, 30))
def test_an_untouched_chain_verifies_and_its_head_is_the_last_hash(length):
    entries = _chain(length)

    verdict = audit.verify(entries)

    assert verdict.ok
    assert verdict.head == entries[-1].digest


@RELAXED
@given(st.integers(2, 20), st.data())
def test_changing_removing_or_reordering_any_entry_is_found_where_it_happened(length, data):
    entries = _chain(length)
    index = data.draw(st.integers(0, length - 1))
    how = data.draw(st.sampled_from(["edit", "remove", "swap"]))
    tampered = list(entries)
    if how == "edit":
        tampered[index] = dataclasses.replace(entries[index], payload={"n": -1})
    elif how == "remove":
        del tampered[index]
    else:
        other = (index + 1) % length
        tampered[index], tampered[other] = tampered[other], tampered[index]

    verdict = audit.verify(tampered)

    if how == "remove" and index == length - 1:
        assert verdict.ok  # the last entry gone is seen by comparing with the published head, not by the chain
        assert verdict.head != entries[-1].digest
    else:
        assert not verdict.ok
        assert verdict.broken_at is not None
