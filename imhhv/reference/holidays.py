"""The holiday calendar every business-day count uses (DESIGN.md rule 7: holidays are
reference data): US federal holidays, computed, plus the days the state adds.

Pass the result to the pure functions of `imhhv.core.calendar` and
`imhhv.core.visit_rules` (`is_late(..., holidays=holidays_between(visit_day, signed_on))`).
Ask once for the whole period a page or report covers, not once per visit.
"""

from dataclasses import dataclass
from datetime import date

from imhhv.core.calendar import federal_holidays
from imhhv.reference.models import StateHoliday


def holidays_between(start: date, end: date) -> frozenset[date]:
    """Every holiday in [start, end] (both included): federal and state, in one query."""
    if end < start:
        return frozenset()
    state_days = StateHoliday.objects.filter(day__range=(start, end)).values_list("day", flat=True)
    return federal_holidays(start, end) | frozenset(state_days)


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    federal: bool
    state_holiday: StateHoliday | None = None  # the row, for a day the state added


def calendar_between(start: date, end: date) -> list[Holiday]:
    """Named holidays in [start, end] for the settings page, in date order (one query)."""
    import holidays as holiday_calendar

    names: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        names.update(holiday_calendar.US(years=year))
    rows = [
        Holiday(day, names.get(day, "Federal holiday"), True)
        for day in sorted(federal_holidays(start, end))
        if day.weekday() < 5  # a Saturday 4th of July is shown by its observed Friday
    ]
    rows += [
        Holiday(h.day, h.name, False, h)
        for h in StateHoliday.objects.filter(day__range=(start, end))
    ]
    return sorted(rows, key=lambda h: (h.day, h.federal is False))
