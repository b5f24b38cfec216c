"""The audit trail's keyed hash chain, as pure functions.

Each event's seal is HMAC-SHA256, under a secret key kept outside the database, over the
key id, the previous event's seal and the event's canonical content. Changing or removing
any event breaks every seal after it, and nobody with only database access can compute a
valid seal, so rewriting the whole chain (or its tail and the head row) is detected. The
first event chains from GENESIS.

Keys rotate: each event names the key id it was sealed with; verification looks each id up
in the configured keys, and an id without a configured key is a break that says so.

Legacy events (written before the chain was keyed) carry the key id LEGACY_KEY_ID ("") and
a plain SHA-256 link hash. They are accepted only as a prefix of the chain, and only up to
`legacy_through` (a sequence number the operator configures outside the database, because
an attacker could otherwise rewrite the whole chain as "legacy" with plain SHA-256). Any
legacy event after the first keyed event, or beyond `legacy_through`, is a break.

Checkpoints (seq, hash) exported to an external append-only store let the walk notice a
chain that was cut back and had its head row edited: every checkpoint must still be on the
chain, with the same hash.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
LEGACY_KEY_ID = ""


def canonical(fields: Mapping[str, Any]) -> bytes:
    """A byte string that is the same for equal field values, whatever their order."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def link_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The legacy, unkeyed link: plain SHA-256 (anyone can recompute it)."""
    return hashlib.sha256(prev_hash.encode() + b"|" + canonical(fields)).hexdigest()


def seal(key: bytes, key_id: str, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The keyed link: HMAC-SHA256 over the key id, the previous seal and the content."""
    message = key_id.encode() + b"|" + prev_hash.encode() + b"|" + canonical(fields)
    return hmac.digest(key, message, "sha256").hex()  # one-shot C HMAC: fast for verify


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class Checkpoint:
    """A (seq, hash) pair taken from the chain earlier and kept outside the database."""

    seq: int
    hash: str


def verify_chain(
    events: Iterable[tuple[int, str, str, str, Mapping[str, Any]]],
    *,
    keys: Mapping[str, bytes],
    legacy_through: int = 0,
    head_seq: int | None = None,
    head_hash: str | None = None,
    checkpoints: Iterable[Checkpoint] = (),
) -> tuple[int, ChainBreak | None]:
    """Walk (seq, prev_hash, hash, key_id, fields) in seq order.

    Returns how many events were checked and the first break, if any. `head_seq` and
    `head_hash`, kept apart from the events, let the walk notice removed trailing events;
    `checkpoints` (kept outside the database) notice them even when the head was edited.
    """
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    keyed_seen = False
    pending = sorted(checkpoints, key=lambda c: c.seq)
    at = 0
    while at < len(pending) and pending[at].seq == 0:
        if pending[at].hash != GENESIS:
            return 0, ChainBreak(0, "checkpoint at seq 0 does not hold the genesis hash")
        at += 1
    for seq, prev_hash, stored_hash, key_id, fields in events:
        checked += 1
        if seq != expected_seq:
            return checked, ChainBreak(expected_seq, f"event {expected_seq} is missing")
        if prev_hash != expected_prev:
            return checked, ChainBreak(seq, "does not link to the previous event")
        if key_id == LEGACY_KEY_ID:
            if keyed_seen:
                return checked, ChainBreak(seq, "an unkeyed (legacy) event after keyed events")
            if seq > legacy_through:
                return checked, ChainBreak(
                    seq,
                    f"is not keyed, and legacy events are accepted only through seq "
                    f"{legacy_through} (AUDIT_LEGACY_SEQ_MAX)",
                )
            expected = link_hash(prev_hash, fields)
        else:
            keyed_seen = True
            key = keys.get(key_id)
            if key is None:
                return checked, ChainBreak(
                    seq, f"was sealed with key id {key_id!r}, which is not configured"
                )
            expected = seal(key, key_id, prev_hash, fields)
        if not hmac.compare_digest(expected, stored_hash):
            return checked, ChainBreak(seq, "content does not match its hash")
        while at < len(pending) and pending[at].seq == seq:
            if pending[at].hash != stored_hash:
                return checked, ChainBreak(seq, "does not match the checkpoint taken at it")
            at += 1
        expected_prev = stored_hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if at < len(pending):
        missing = pending[-1].seq
        return checked, ChainBreak(
            last_seq + 1,
            f"the chain ends at seq {last_seq} but a checkpoint was taken at seq {missing}",
        )
    if head_seq is not None and head_seq != last_seq:
        if head_seq > last_seq:
            return checked, ChainBreak(
                last_seq + 1, f"events {last_seq + 1}..{head_seq} are missing"
            )
        return checked, ChainBreak(head_seq + 1, "events exist beyond the recorded head")
    if head_hash is not None and head_hash != expected_prev:
        return checked, ChainBreak(last_seq, "last event does not match the recorded head")
    return checked, None
