"""Ages of children, in whole months, as clinicians count them."""

import calendar
from datetime import date, timedelta

from imhhv.core.dates import not_in_future

# Corrected age applies to a child born before 37 completed weeks of gestation, and only
# until the chronological age reaches 24 months (after that the gap no longer matters
# for developmental expectations).
PRETERM_BEFORE_WEEKS = 37
TERM_WEEKS = 40
CORRECTION_UNTIL_MONTHS = 24

# Plausibility limits for dates entered on a child's record.
DUE_DATE_MAX_AHEAD_MONTHS = 10
DUE_DATE_OVERDUE_DAYS = 28


def age_in_months(birth: date, on: date) -> int:
    """Completed months from `birth` to `on` (negative before birth).

    A month is completed on the same day-of-month, or on the last day of a shorter month
    (born 31 January: one month old on 28/29 February).
    """
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day and not _is_last_day_of_month(on):
        months -= 1
    return months


def _is_last_day_of_month(day: date) -> bool:
    next_day = date.fromordinal(day.toordinal() + 1)
    return next_day.month != day.month


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later (or earlier), clamped to the month's end.

    31 January + 1 month is 28 (or 29) February. The clamp matches `age_in_months`: a
    child is exactly n months old on `add_months(birth, n)` and n - 1 the day before.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def transition_date(birth: date, age_limit_months: int = 36) -> date:
    """The day the child reaches the age limit (by default the third birthday).

    A child born on 29 February reaches it on 28 February of a common year (clamped to
    the month's end, never rolled into March), which is also the day `age_in_months`
    first counts the full limit: the two never disagree.
    """
    return add_months(birth, age_limit_months)


def needs_transition_planning(
    birth: date, on: date, *, from_months: int = 33, age_limit_months: int = 36
) -> bool:
    """Whether the family should be planning the child's transition out of services.

    True from the `from_months` birthday (inclusive) up to the day before
    `transition_date` (DOMAIN.md §2: flag families near 36 months for transition).
    """
    return add_months(birth, from_months) <= on < transition_date(birth, age_limit_months)


def corrected_age_months(birth: date, on: date, gestational_weeks: int | None) -> int | None:
    """Age corrected for prematurity, in completed months, or None when none applies.

    A child born at `gestational_weeks` < 37 is counted from the date they would have
    been born at 40 weeks: birth + (40 - gestational_weeks) weeks. Correction is used only
    while the chronological age is under 24 months; None when the gestational age is
    unknown, the child was born at term, or the child is 24 months or older. Before that
    40-week date the result is negative, counted like `age_in_months` before birth
    (floored: on the birth day of a 28-week baby, 12 weeks early, it is -3).
    """
    if gestational_weeks is None or gestational_weeks >= PRETERM_BEFORE_WEEKS:
        return None
    if gestational_weeks < 1:
        raise ValueError("gestational age must be a positive number of weeks")
    if age_in_months(birth, on) >= CORRECTION_UNTIL_MONTHS:
        return None
    term_date = birth + timedelta(weeks=TERM_WEEKS - gestational_weeks)
    return age_in_months(term_date, on)


def check_child_dates(
    *, today: date, birth_date: date | None, due_date: date | None
) -> dict[str, str]:
    """Field errors for a child's birth and due dates; empty when they are plausible.

    A child needs a birth date or (before birth) a due date. A due date long past with no
    birth recorded means the record is stale: the birth should be recorded instead.
    """
    if birth_date is None and due_date is None:
        return {"birth_date": "Give a birth date or a due date."}
    errors: dict[str, str] = {}
    if future := not_in_future(birth_date, today=today, what="A birth date"):
        errors["birth_date"] = future
    if due_date is not None:
        if due_date > add_months(today, DUE_DATE_MAX_AHEAD_MONTHS):
            errors["due_date"] = "A due date cannot be more than 10 months away."
        elif birth_date is None and due_date < today - timedelta(days=DUE_DATE_OVERDUE_DAYS):
            errors["due_date"] = (
                "The due date passed more than 4 weeks ago: record the birth "
                "(date, gestational age, weight) instead."
            )
    return errors
