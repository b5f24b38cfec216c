"""Ages of children, in whole months, as clinicians count them."""

from datetime import date


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
