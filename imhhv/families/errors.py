"""What can go wrong along a family's path, on top of `imhhv.core.errors`.

Services raise these; they are mapped to HTTP once (the API's exception handler answers
409 with `{"detail", "code", **extra}`; `imhhv.accounts.pages` shows the message on the
form or as a page). Views never catch them.

A discharged family, a home visitor over the cap or not yet qualified, and possible
duplicates are conflicts with the state of the records (409), not permission problems: the
caller holds the capability, and re-enrolling, confirming with a reason, a supervisor's
override with a reason or confirming "not a duplicate" lifts them.
"""

from imhhv.core.errors import Conflict, DomainError, StaleEdit

__all__ = [
    "Conflict",
    "DomainError",
    "FamilyIsDischarged",
    "NotQualified",
    "OverCap",
    "PossibleDuplicates",
    "StaleEdit",
]


class FamilyIsDischarged(Conflict):
    """The family has no open episode: its record is read-only until re-enrollment."""

    code = "discharged"
    message = "This family is discharged, so its record is read-only. Re-enroll to reopen it."


class OverCap(Conflict):
    """Assigning would put the home visitor over their FTE cap; needs a confirmation.

    `extra` carries `active` and `capacity` so the API client can show the numbers.
    """

    code = "over_cap"

    def __init__(self, *, active: int, capacity: int):
        self.active, self.capacity = active, capacity
        super().__init__(
            f"This home visitor already has {active} active famil{'y' if active == 1 else 'ies'} "
            f"and a cap of {capacity} for their FTE. Confirm with a reason to go over the cap.",
            active=active,
            capacity=capacity,
        )

    @property
    def messages(self) -> list[str]:
        """Transitional: callers written for the old ValidationError read `messages[0]`."""
        return [self.message]


class NotQualified(Conflict):
    """The home visitor may not carry families yet (issue 10: the self-assessment not
    discussed, or neither endorsed nor waived); a supervisor may override with a reason.

    `reasons` (also in `extra`) are the plain sentences the workforce rules give.
    """

    code = "not_qualified"

    def __init__(self, *, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__(
            "This home visitor may not carry families yet. "
            + " ".join(self.reasons)
            + " A supervisor can override with a reason.",
            reasons=self.reasons,
        )


class PossibleDuplicates(Conflict):
    """The new referral may be a family the agency already knows; nothing was saved.

    `matches` is already scoped to the caller (see `imhhv.families.access.scoped_matches`):
    a referral or family the caller may see is named with its id; an enrolled family the
    caller may not see is only counted, with whom to ask. `extra` carries the same.
    `audit_details` (every matching id, unscoped) is for the audit event only, never
    for the response.
    """

    code = "possible_duplicates"
    message = (
        "This may be a family your agency already knows. Nothing is saved yet: check the "
        "matches, and confirm it is a different family to save anyway."
    )

    def __init__(self, *, matches: dict, audit_details: dict | None = None):
        self.matches = matches
        self.audit_details = audit_details or {}
        super().__init__(None, **matches)
