"""The base of every app's error vocabulary (no Django here).

Services raise subclasses of `DomainError` from their app's `errors.py`
(`imhhv/families/errors.py`, `imhhv/visits/errors.py` …). They are mapped to HTTP exactly
once: the API's exception handler (`imhhv/api/common.py`) answers `status` with
`{"detail": message, "code": code, **extra}`, and the page helper
(`imhhv/accounts/pages.py`) shows `message` to the person, on the form when there is one.
No view catches them itself.

Rule violations about a field's value stay Django `ValidationError`s (400 with field
errors, or errors on the form field); a `DomainError` is about the state of a record or a
decision the person must take (stale edit, discharged family, over the cap, possible
duplicates).
"""


class DomainError(Exception):
    """A rule of the model refused the request; nothing was written."""

    status = 400
    code = "refused"
    message = "This could not be done."

    def __init__(self, message: str | None = None, **extra):
        if message is not None:
            self.message = message
        self.extra = extra
        super().__init__(self.message)


class Conflict(DomainError):
    """The state of the record refuses the request (HTTP 409)."""

    status = 409
    code = "conflict"


class StaleEdit(Conflict):
    """Somebody else saved this record after the user opened it."""

    code = "stale"
    message = (
        "Someone else changed this record after you opened it. Nothing was saved: "
        "reload the page to see their changes, then make yours again."
    )
