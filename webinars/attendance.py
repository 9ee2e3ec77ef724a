"""Pure attendance arithmetic: join/leave intervals -> minutes per person -> attended or not.

Minutes are summed over *every* session of a person (rejoining after a dropped connection, the meeting run
twice), counted only inside the scheduled window, and overlapping intervals of one person (two tabs, our join
event and a polled presence) count once. Moodle counts sessions; we count time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable

Interval = tuple[Hashable, datetime.datetime, datetime.datetime]  # (person, start, end)


def merged(spans: Iterable[tuple[datetime.datetime, datetime.datetime]]) -> list[tuple[datetime.datetime, ...]]:
    """Overlapping or touching spans joined into one; empty or reversed spans dropped."""
    result: list[list[datetime.datetime]] = []
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [tuple(span) for span in result]


def minutes_by_person(
    intervals: Iterable[Interval], *, window_start: datetime.datetime, window_end: datetime.datetime
) -> dict[Hashable, int]:
    """Whole minutes each person was present within the window (seconds summed first, then floored)."""
    spans: dict[Hashable, list[tuple[datetime.datetime, datetime.datetime]]] = defaultdict(list)
    for person, start, end in intervals:
        spans[person].append((max(start, window_start), min(end, window_end)))
    minutes = {}
    for person, person_spans in spans.items():
        seconds = sum((end - start).total_seconds() for start, end in merged(person_spans))
        minutes[person] = int(seconds // 60)
    return minutes


def attended(minutes: int, *, scheduled_minutes: int, threshold_percent: int) -> bool:
    """At least ``threshold_percent`` of the scheduled time (integer arithmetic: 75% of 60 is exactly 45)."""
    return minutes * 100 >= threshold_percent * scheduled_minutes
