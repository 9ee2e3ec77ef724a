"""The audit log as a hash chain: each entry's hash covers the previous entry's hash and its own content.

Pure: ``entry_hash`` and ``verify`` take plain values. Changing, removing or reordering any stored entry breaks
every hash after it; ``verify`` says where. The chain head (the last hash) goes into the minutes, so a copy of
the minutes pins the whole history up to that point.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    sequence: int
    kind: str
    payload: dict
    at: str  # ISO 8601, as stored
    previous: str
    digest: str


def canonical(value) -> bytes:
    """JSON with sorted keys and no spaces: the same bytes for the same content, on every machine."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(*, previous: str, sequence: int, kind: str, payload: dict, at: str) -> str:
    body = canonical({"previous": previous, "sequence": sequence, "kind": kind, "payload": payload, "at": at})
    return hashlib.sha256(body).hexdigest()


def append(chain_head: tuple[int, str] | None, *, kind: str, payload: dict, at: str) -> Entry:
    """The next entry after ``chain_head`` (``(sequence, digest)`` of the last entry, or None for the first)."""
    sequence, previous = (chain_head[0] + 1, chain_head[1]) if chain_head else (1, GENESIS)
    digest = entry_hash(previous=previous, sequence=sequence, kind=kind, payload=payload, at=at)
    return Entry(sequence=sequence, kind=kind, payload=payload, at=at, previous=previous, digest=digest)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    head: str
    broken_at: int | None = None
    reason: str = ""


def verify(entries: Iterable[Entry]) -> Verdict:
    """Walk the chain in sequence order: every link and every hash must hold, with no gap."""
    previous, expected, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        if entry.sequence != expected:
            return Verdict(False, count, previous, entry.sequence, "sequence gap")
        if entry.previous != previous:
            return Verdict(False, count, previous, entry.sequence, "link to the previous entry broken")
        digest = entry_hash(
            previous=entry.previous, sequence=entry.sequence, kind=entry.kind, payload=entry.payload, at=entry.at
        )
        if digest != entry.digest:
            return Verdict(False, count, previous, entry.sequence, "content does not match its hash")
        previous, expected = entry.digest, expected + 1
    return Verdict(True, count, previous)
