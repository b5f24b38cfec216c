"""Date rules written once (issue 7: "cannot be in the future" lived in 14 places).

Services and `imhhv.core` check rules; forms and serializers check shape (a date that
parses). Every "cannot be in the future" check goes through `not_in_future`, so the rule
(today is allowed, tomorrow is not) and its wording are the same on every page and in the
API. The services always check; a form or serializer calls the same function only to show
the message beside its field together with the form's other errors (a caregiver's row of
a formset, the discharge date next to a missing reason), never a copy of its own. `today`
is always passed in (the agency's local date, `timezone.localdate()` on the Django side),
so the rule is pure and tests freeze nothing.
"""

from collections.abc import Mapping
from datetime import date, datetime


def is_future(moment: date | datetime, *, today: date | datetime) -> bool:
    """`moment` lies after `today`. Both dates, or both (aware) datetimes: a date is never
    compared with a datetime, because which day a datetime falls on depends on the zone."""
    if isinstance(moment, datetime) != isinstance(today, datetime):
        raise TypeError("compare a date with a date, or a datetime with a datetime")
    return moment > today


def not_in_future(day: date | datetime | None, *, today: date | datetime, what: str) -> str | None:
    """The message when `day` is after `today` ("A birth date cannot be in the future."),
    or None when it is not (today itself is fine; a missing day is for another rule).

    `what` is the subject as the person would say it: "A birth date", "The discharge date".
    """
    if day is None or not is_future(day, today=today):
        return None
    return f"{what} cannot be in the future."


def future_errors(
    fields: Mapping[str, tuple[date | datetime | None, str]], *, today: date | datetime
) -> dict[str, str]:
    """Field errors for several dates at once: {field: (day, what)} -> {field: message}.

    The shape `check_*` rules in core return, ready for `ValidationError(errors)`.
    """
    errors = {}
    for field, (day, what) in fields.items():
        message = not_in_future(day, today=today, what=what)
        if message:
            errors[field] = message
    return errors
