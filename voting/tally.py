"""Stored ballots -> counts per option. Pure; closing a poll and ``recount`` call the same function.

A ballot line is what the ballot box stores (``voting.models.Ballot``): a set of chosen option keys, how many
ballots chose exactly that set (heads) and their total weight in thousandths. An empty set is a blank ballot
(an abstention in a choice poll); a motion's abstention is its ``abstain`` option.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from voting.rules import ABSTAIN, Tally


@dataclass(frozen=True)
class BallotLine:
    choices: tuple[str, ...]
    heads: int
    weight: int


class TallyError(ValueError):
    """The stored ballots name an option the poll does not have: the box was tampered with."""


def tally(lines: Iterable[BallotLine], option_keys: Iterable[str]) -> Tally:
    """Counts per option (every option present, zero when nobody chose it), by head and by weight."""
    keys = list(option_keys)
    heads = dict.fromkeys(keys, 0)
    weights = dict.fromkeys(keys, 0)
    cast_heads = cast_weight = abstain_heads = abstain_weight = 0
    for line in lines:
        if line.heads < 0 or line.weight < 0:
            raise TallyError("A ballot line cannot count below zero.")
        cast_heads += line.heads
        cast_weight += line.weight
        if not line.choices or line.choices == (ABSTAIN,):
            abstain_heads += line.heads
            abstain_weight += line.weight
        for key in line.choices:
            if key not in heads:
                raise TallyError(f"Unknown option {key!r} in the ballot box.")
            heads[key] += line.heads
            weights[key] += line.weight
    return Tally(
        heads=heads,
        weights=weights,
        cast_heads=cast_heads,
        cast_weight=cast_weight,
        abstain_heads=abstain_heads,
        abstain_weight=abstain_weight,
    )


def choices_key(choices: Iterable[str]) -> str:
    """The canonical form of a set of choices as stored: sorted, comma-separated (blank ballot: "")."""
    return ",".join(sorted(set(choices)))


def choices_from_key(key: str) -> tuple[str, ...]:
    return tuple(key.split(",")) if key else ()
