"""What makes a visit record valid (issue: home visits, "Bad input")."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from imhhv.core.dates import is_future

MAX_VISIT = timedelta(hours=6)


def check_visit(
    *,
    now: datetime,
    outcome: str,
    scheduled_at: datetime,
    started_at: datetime | None,
    ended_at: datetime | None,
    place: str,
    components: Sequence[str],
    episodes: Sequence[tuple[date, date | None]],
) -> dict[str, str]:
    """Field errors for a visit record; empty when it is valid.

    `episodes` are the family's enrollment periods (start, discharge or None); the visit's
    day must fall inside one of them.
    """
    errors: dict[str, str] = {}
    day = (started_at or scheduled_at).date()
    if not any(start <= day and (end is None or day <= end) for start, end in episodes):
        errors["scheduled_at"] = "The visit date is outside the family's enrollment."
    if outcome != "completed":
        return errors
    if started_at is None:
        errors["started_at"] = "Give the start time of a completed visit."
    if ended_at is None:
        errors["ended_at"] = "Give the end time of a completed visit."
    if started_at and ended_at:
        if ended_at <= started_at:
            errors["ended_at"] = "The end must be after the start."
        elif ended_at - started_at > MAX_VISIT:
            errors["ended_at"] = "A visit longer than 6 hours is not plausible: check the times."
    if is_future(started_at or scheduled_at, today=now):
        errors["outcome"] = "A visit in the future cannot be marked completed."
    if not place:
        errors["place"] = "Say where the visit took place."
    if not components:
        errors["components"] = "A completed visit addresses at least one key component."
    return errors


def is_late(
    visit_day: date,
    documented_on: date,
    *,
    business_days: int,
    holidays: frozenset[date] = frozenset(),
) -> bool:
    """Documented more than `business_days` business days after the visit.

    `holidays` are the days that do not count besides weekends: pass
    `imhhv.reference.holidays.holidays_between(visit_day, documented_on)` (the federal
    calendar plus the state's own days). Without it only weekends are skipped, which can
    only make a note look later, never earlier (more holidays, later deadline).
    """
    from imhhv.core.calendar import business_days_between

    return business_days_between(visit_day, documented_on, holidays) > business_days
