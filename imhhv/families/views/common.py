"""What the family pages share: running a service for a form, with the refusal audited.

`attempt` (imhhv.accounts.pages) runs the service in a savepoint and puts a refusal on the
form. An audit event written inside the service is rolled back with it, so a refused save
(a stale version, a discharged family, possible duplicates …) would leave no trace. Here
the refusal is audited once, after the rollback, as a denied event naming the reason
(`stale`, `discharged`, `over_cap`, `possible_duplicates`).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models

from imhhv.accounts.pages import attempt
from imhhv.audit.refusals import record_refusal
from imhhv.core.errors import DomainError


def attempt_audited(
    form,
    service: Callable[..., Any],
    /,
    *,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    fields: Mapping[str, str] | None = None,
    **kwargs,
) -> tuple[Any | None, DomainError | None]:
    """`attempt(form, service, **kwargs)`; returns (result, refusal).

    On a DomainError the refusal is on the form and one denied `action` event is written.
    A ValidationError (bad input) is only put on the form: the page re-renders, and its
    read event is the request's one event.
    """
    refusals: list[DomainError] = []

    def run(**arguments):
        try:
            return service(**arguments)
        except DomainError as error:
            refusals.append(error)
            raise

    result = attempt(form, run, fields=fields, **kwargs)
    if not refusals:
        return result, None
    record_refusal(refusals[0], action=action, target=target, object_type=object_type)
    return None, refusals[0]
