"""Checking the audit trail's keyed hash chain against the stored events and checkpoints.

Checkpoints are JSON lines written by `audit_checkpoint` to a store outside the database
(append-only). A chain that was cut back, even with its head row edited to match, no longer
extends them, and `verify_audit --checkpoint FILE` says so.
"""

import json
import re
from collections.abc import Iterable
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from imhhv.audit.keys import configured_keys, legacy_through
from imhhv.audit.models import HASHED_FIELDS, AuditEvent, AuditHead, hashed_content
from imhhv.core.hashchain import GENESIS, ChainBreak, Checkpoint, verify_chain

HASH_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class BadCheckpointFile(ValueError):
    """The checkpoint file cannot be read; the message names the line."""


def verify_audit_chain(
    *, chunk_size: int = 5000, checkpoints: Iterable[Checkpoint] = ()
) -> tuple[int, ChainBreak | None]:
    """(events checked, first break or None), walking every event in sequence order."""
    head = AuditHead.objects.filter(pk=1).first()
    rows = (
        AuditEvent.objects.order_by("seq")
        .values("prev_hash", "hash", "key_id", *HASHED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    events = ((r["seq"], r["prev_hash"], r["hash"], r["key_id"], hashed_content(r)) for r in rows)
    return verify_chain(
        events,
        keys=configured_keys(),
        legacy_through=legacy_through(),
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head and head.seq else None,
        checkpoints=checkpoints,
    )


def events_per_key() -> list[tuple[str, int]]:
    """(key id, number of events sealed with it), by key id."""
    rows = AuditEvent.objects.order_by("key_id").values("key_id").annotate(n=Count("id"))
    return [(row["key_id"], row["n"]) for row in rows]


def current_checkpoint() -> dict:
    """The chain's head as one checkpoint record: seq, hash, key id and when it was taken.

    Read from the newest event (not the head row, which is only a cache of it); an empty
    chain is seq 0 with the genesis hash.
    """
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash", "key_id").first()
    return {
        "seq": last["seq"] if last else 0,
        "hash": last["hash"] if last else GENESIS,
        "key_id": last["key_id"] if last else None,
        "taken_at": timezone.now().isoformat(),
    }


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """Every checkpoint in a JSON-lines file; a malformed line raises BadCheckpointFile."""
    try:
        text = path.read_text()
    except OSError as error:
        raise BadCheckpointFile(f"cannot read checkpoint file {path}: {error.strerror}") from None
    checkpoints = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            seq, hash_ = data["seq"], data["hash"]
        except (ValueError, TypeError, KeyError):
            raise BadCheckpointFile(
                f"{path} line {number} is not a checkpoint (JSON with seq and hash)"
            ) from None
        if (
            not isinstance(seq, int)
            or isinstance(seq, bool)
            or seq < 0
            or not isinstance(hash_, str)
            or not HASH_PATTERN.match(hash_)
        ):
            raise BadCheckpointFile(f"{path} line {number}: seq or hash is malformed")
        checkpoints.append(Checkpoint(seq=seq, hash=hash_))
    if not checkpoints:
        raise BadCheckpointFile(f"{path} holds no checkpoint")
    return checkpoints
