"""Auditing a refused write: one denied event naming the reason, written after the
service's transaction rolled back (an event written inside it would be rolled back too).

Pages use `imhhv.families.views.common.attempt_audited`; API endpoints wrap the service
call in `audit_refusal(...)`, which records and lets the error go on to the one exception
handler (imhhv.api.common), so neither catches the error to answer it.
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
