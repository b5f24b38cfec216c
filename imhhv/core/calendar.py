"""Weeks and business days, as the fidelity reports count them.

The model promises a visit every week, so fidelity is counted in Monday-to-Sunday weeks,
each named by its Monday. Notes are due a number of *business* days after a visit:
Saturdays, Sundays and holidays do not count. Holidays are passed in by the caller (they
are reference data: the federal calendar, computed by `federal_holidays`, plus the days
the state adds, which `imhhv.reference.holidays.holidays_between` reads in one query); a
holiday falling on a weekend changes nothing, so an observed weekday holiday must be
listed as such (`federal_holidays` does: 3 July 2026 for the 4th, a Saturday). Every
function takes `holidays` as an optional keyword, empty by default, so calls without it
count weekdays only.

Not to be confused with the standard library's `calendar`: import this one by its full
name, `imhhv.core.calendar`.
"""

from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)
SATURDAY = 5  # date.weekday(): Monday is 0, Saturday 5, Sunday 6


def week_start(day: date) -> date:
    """The Monday of the week containing `day` (the day itself on a Monday)."""
    return day - timedelta(days=day.weekday())


def weeks_between(start: date, end: date) -> list[date]:
    """The Mondays of every week overlapping [start, end], in order.

    A week is included when any of its days is inside the range, so the first Monday may
    fall before `start`. Empty when `end` is before `start`.
    """
    if end < start:
        return []
    monday, last = week_start(start), week_start(end)
    count = (last - monday).days // 7 + 1
    return [monday + i * _WEEK for i in range(count)]


def federal_holidays(start: date, end: date) -> frozenset[date]:
    """US federal holidays in [start, end], with their observed weekdays (5 U.S.C. 6103).

    Computed by the `holidays` package, so every year is right without a yearly upload:
    the eleven federal holidays, and the Friday or Monday on which one falling on a
    weekend is observed (New Year's Day 2028 is observed on Friday 31 December 2027).
    """
    if end < start:
        return frozenset()
    found: set[date] = set()
    for year in range(start.year - 1, end.year + 2):  # observed days cross year ends
        found.update(day for day in _federal_year(year) if start <= day <= end)
    return frozenset(found)


@lru_cache(maxsize=64)
def _federal_year(year: int) -> frozenset[date]:
    import holidays  # imported here: only callers that need the calendar pay for it

    return frozenset(holidays.US(years=year))


def is_business_day(day: date, holidays: Collection[date] = frozenset()) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < SATURDAY and day not in holidays


def add_business_days(day: date, n: int, holidays: Collection[date] = frozenset()) -> date:
    """The n-th business day after `day` (before it when n is negative).

    `day` itself never counts: Friday + 1 is the next Monday, and so is Saturday + 1.
    With n == 0 the answer is `day`, whatever day it is.
    """
    step = _DAY if n >= 0 else -_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if is_business_day(day, holidays):
            remaining -= 1
    return day


def business_days_between(a: date, b: date, holidays: Collection[date] = frozenset()) -> int:
    """Business days after `a` up to and including `b`; 0 when `b` is not after `a`.

    Visit on Monday, note signed on Wednesday: 2. Visit on Friday, signed on Monday: 1.
    Constant time in the distance between the dates (linear in the holidays).
    """
    if b <= a:
        return 0
    weekdays = _weekdays_through(b) - _weekdays_through(a)
    return weekdays - sum(1 for h in holidays if a < h <= b and h.weekday() < SATURDAY)


def _weekdays_through(day: date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) up to `day` inclusive."""
    whole_weeks, rest = divmod(day.toordinal(), 7)
    return whole_weeks * 5 + min(rest, 5)
