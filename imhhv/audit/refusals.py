"""Auditing a refused write: one denied event naming the reason, written after the
service's transaction rolled back (an event written inside it would be rolled back too).

Views that know what was refused say so: pages use `attempt_audited`
(imhhv.families.views.common), API endpoints wrap the service call in
`audit_refusal(...)`, which records and lets the error go on to the one exception handler.
A refusal nobody recorded (a DomainError escaping a view) is recorded by the one page
helper or the API's exception handler (`record_unaudited`), so every refused request
writes exactly one event either way. A recorded error is marked `audited`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models

from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.errors import DomainError


def record_refusal(
    error: DomainError,
    *,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    **details,
) -> None:
    """One denied `action` event: the error's code as the reason, plus what the error
    keeps for the audit trail only (`audit_details`, e.g. every duplicate's id)."""
    record(
        action=action,
        outcome=Outcome.DENIED,
        target=target,
        object_type=object_type,
        details={"reason": error.code, **getattr(error, "audit_details", {}), **details},
    )
    error.audited = True


def record_unaudited(error: DomainError, *, view: str, via: str) -> None:
    """The refusal of a request whose view did not record it: one denied event."""
    if not getattr(error, "audited", False):
        record_refusal(error, action="request.refused", object_type="request", view=view, via=via)


@contextmanager
def audit_refusal(
    *, action: str, target: models.Model | None = None, object_type: str = "", **details
) -> Iterator[None]:
    """Record a DomainError raised in the block as a refusal, then re-raise it."""
    try:
        yield
    except DomainError as error:
        record_refusal(error, action=action, target=target, object_type=object_type, **details)
        raise
