"""What makes a visit record valid (issue: home visits, "Bad input")."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from imhhv.core.dates import is_future

MAX_VISIT = timedelta(hours=6)

# What each number of a 0–3 strategy rating means, shown beside the radio buttons.
# DOMAIN.md §4: the state fidelity tool's "exact items and rating scale are not public",
# so there is no official wording to copy; these are the platform's own plain words for
# "how much", kept here once (form, visit page) until the state's scale can be used.
RATING_SCALE: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "A little"),
    (2, "Somewhat"),
    (3, "A lot"),
)


def rating_label(value: int) -> str:
    """ "2 – Somewhat": the number and what it means."""
    return f"{value} – {dict(RATING_SCALE)[value]}"


def episode_error(day: date, episodes: Sequence[tuple[date, date | None]]) -> str | None:
    """Why `day` (the visit's local day) is outside every enrollment episode, or None.

    Episodes include both ends: a visit on the day of enrollment and on the day of
    discharge belongs to the episode. The message names the nearest boundary so the person
    knows what to change ("before the enrollment on 1 December 2026").
    """
    if not episodes:
        return "The family has no enrollment episode: a visit needs one."
    if any(start <= day and (end is None or day <= end) for start, end in episodes):
        return None
    first = min(start for start, _ in episodes)
    if day < first:
        return (
            f"The visit date is before the family's enrollment on {first:%-d %B %Y}: "
            "a visit can be documented from the day of enrollment on."
        )
    ends = [end for _, end in episodes]
    if None not in ends and day > max(ends):
        return (
            f"The visit date is after the family's discharge on {max(ends):%-d %B %Y}: "
            "it falls outside the family's enrollment."
        )
    return "The visit date is outside the family's enrollment."


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
    day: date | None = None,
) -> dict[str, str]:
    """Field errors for a visit record; empty when it is valid.

    `episodes` are the family's enrollment periods (start, discharge or None); the visit's
    day must fall inside one of them, both ends included (`episode_error`). `day` is the
    visit's day in the agency's local time (the service passes
    `timezone.localdate(started_at or scheduled_at)`): `.date()` of an aware datetime is
    the day in whatever zone it carries, and a time read back from the database is in
    UTC, where an evening visit in Michigan is already the next day. Without `day`, the
    datetime's own date is used (callers that pass local times).
    """
    errors: dict[str, str] = {}
    if day is None:
        day = (started_at or scheduled_at).date()
    if message := episode_error(day, episodes):
        errors["scheduled_at"] = message
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
