"""Writing audit events.

`record()` is the one way an event is written. It takes who, where from and which
request from the current request context (set by `RequestContextMiddleware`), so callers
pass only what happened. Appending locks the chain head row, which serialises audit
writes: simple and correct for the expected load (hundreds of staff); a busier system
would partition the chain per agency. Each event is sealed with HMAC-SHA256 under the
current key (`imhhv/audit/keys.py`, from the environment, never the database); with no key
configured, writing fails rather than writing an unsealed event.
"""

import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from imhhv.audit.context import current_request
from imhhv.audit.keys import current_key
from imhhv.audit.models import AuditEvent, AuditHead, Outcome
from imhhv.core.hashchain import GENESIS, seal

HEAD_PK = 1


def _jsonable(value: Any) -> Any:
    # Store exactly what will be read back, so the hash survives the round trip.
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def record(
    *,
    action: str,
    outcome: str = Outcome.SUCCESS,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    user: Any = None,
    details: dict | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append one event. `target` (a model instance) fills object type and id.

    `changes` is {field: [before, after]} for writes. The actor defaults to the request's
    user; pass `user` for events outside a request or before login completes.
    """
    request = current_request()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if target is not None:
        object_type = object_type or target._meta.model_name
        object_id = target.pk
    membership = getattr(user, "membership", None) if user is not None else None
    payload = dict(details or {})
    if changes:
        payload["changes"] = changes
    event = AuditEvent(
        occurred_at=timezone.now(),
        user=user,
        username=getattr(user, "username", "") or "",
        role=membership.role if membership else "",
        agency_id=membership.agency_id if membership else None,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        action=action,
        outcome=str(outcome),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        source_ip=getattr(request, "source_ip", None) if request is not None else None,
        details=_jsonable(payload),
    )
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
        if head is None:
            head = AuditHead.objects.create(pk=HEAD_PK, seq=0, hash=GENESIS)
        event.seq = head.seq + 1
        event.prev_hash = head.hash
        seal_event(event)
        event.save()
        AuditHead.objects.filter(pk=HEAD_PK).update(seq=event.seq, hash=event.hash)
    return event


def seal_event(event: AuditEvent) -> str:
    """Seal `event` (seq and prev_hash already set) under the current key; returns the hash.

    `record()` uses it for every event; bulk loaders (the benchmark) use it to build valid
    chains without one transaction per event.
    """
    key_id, key = current_key()
    event.key_id = key_id
    event.hash = seal(key, key_id, event.prev_hash, event.hashed_fields())
    return event.hash


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose values differ."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
