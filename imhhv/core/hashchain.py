"""The audit trail's hash chain, as pure functions.

Each event's hash covers its own canonical content and the previous event's hash, so
changing or removing any event breaks every hash after it. The first event chains from
GENESIS.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> bytes:
    """A byte string that is the same for equal field values, whatever their order."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def link_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"|" + canonical(fields)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(
    events: Iterable[tuple[int, str, str, Mapping[str, Any]]],
    *,
    head_seq: int | None = None,
    head_hash: str | None = None,
) -> tuple[int, ChainBreak | None]:
    """Walk (seq, prev_hash, hash, fields) in seq order.

    Returns how many events were checked and the first break, if any. `head_seq` and
    `head_hash`, kept apart from the events, let the walk notice removed trailing events.
    """
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for seq, prev_hash, stored_hash, fields in events:
        checked += 1
        if seq != expected_seq:
            return checked, ChainBreak(expected_seq, f"event {expected_seq} is missing")
        if prev_hash != expected_prev:
            return checked, ChainBreak(seq, "does not link to the previous event")
        if link_hash(prev_hash, fields) != stored_hash:
            return checked, ChainBreak(seq, "content does not match its hash")
        expected_prev = stored_hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if head_seq is not None and head_seq != last_seq:
        if head_seq > last_seq:
            return checked, ChainBreak(
                last_seq + 1, f"events {last_seq + 1}..{head_seq} are missing"
            )
        return checked, ChainBreak(head_seq + 1, "events exist beyond the recorded head")
    if head_hash is not None and head_hash != expected_prev:
        return checked, ChainBreak(last_seq, "last event does not match the recorded head")
    return checked, None
