"""What can go wrong with visits and plans, on top of `imhhv.core.errors`.

Services raise these; they are mapped to HTTP once (the API's exception handler answers
`status` with `{"detail", "code", **extra}`; `imhhv.accounts.pages` shows the message on
the form, or `DomainErrorMiddleware` as a page). Views never catch them.

`FamilyIsDischarged` is the families app's own: a discharged family is read-only for
visits too (409), with the one exception documented in `imhhv.visits.services`.
"""

from imhhv.core.errors import Conflict, DomainError, StaleEdit
from imhhv.families.errors import FamilyIsDischarged

__all__ = [
    "Conflict",
    "DomainError",
    "FamilyIsDischarged",
    "NoteIsSigned",
    "NoteNotReady",
    "NoteNotSigned",
    "StaleEdit",
]


class NoteIsSigned(Conflict):
    """A signed note is never edited in place: it changes by amendment, with a reason."""

    code = "signed"
    message = "This note is signed: change it with an amendment and a reason."


class NoteNotSigned(Conflict):
    """Only a signed note is amended; an unsigned one is simply edited."""

    code = "not_signed"
    message = "Only a signed note is amended; edit this one directly."


class NoteNotReady(Conflict):
    """A visit still only scheduled has no note to sign yet."""

    code = "not_documented"
    message = "Document the visit's outcome before signing."
