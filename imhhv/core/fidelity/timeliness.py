"""How promptly visit notes are signed."""

from collections.abc import Collection, Iterable
from datetime import date

from imhhv.core.calendar import add_business_days
from imhhv.core.fidelity.facts import (
    DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    Timeliness,
    VisitFact,
    _check_period,
    _ratio,
)

# --- 7. documentation timeliness ------------------------------------------------------


def note_deadline(
    day: date,
    *,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
) -> date:
    """The last business day on which a note for a visit on `day` is on time.

    Signing later the same week-end or holiday is still on time (those days are not
    business days); signing on the next business day is late. With the default of 2, a
    Monday visit is due by Wednesday and a Thursday visit by the next Monday.
    """
    if late_after_business_days < 0:
        raise ValueError("late_after_business_days cannot be negative")
    return add_business_days(day, late_after_business_days, holidays)


def documentation_timeliness(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    *,
    today: date,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
) -> Timeliness:
    """How promptly notes of completed visits (home or not) dated in [start, end] were signed.

    A note is late when signed more than N = `late_after_business_days` business days
    after the visit: `business_days_between(day, documented_on, holidays) > N`, that is
    on or after the (N+1)-th business day after the visit. A note not yet signed is
    undocumented_overdue when signing it today would already be late, and pending
    otherwise. share_on_time = on_time / (on_time + late + undocumented_overdue): pending
    notes are not judged yet. None when there is nothing to judge.
    """
    _check_period(start, end)
    if late_after_business_days < 0:
        raise ValueError("late_after_business_days cannot be negative")
    holidays = frozenset(holidays)
    late_from: dict[date, date] = {}  # visit day -> first day a signature is late
    on_time = late = overdue = pending = 0
    for v in visits:
        if not v.completed or not start <= v.day <= end:
            continue
        if v.day not in late_from:
            late_from[v.day] = add_business_days(v.day, late_after_business_days + 1, holidays)
        if v.documented_on is not None:
            if v.documented_on >= late_from[v.day]:
                late += 1
            else:
                on_time += 1
        elif today >= late_from[v.day]:
            overdue += 1
        else:
            pending += 1
    return Timeliness(on_time, late, overdue, _ratio(on_time, on_time + late + overdue), pending)


def note_open_after_discharge(
    visit_day: date,
    discharged_on: date,
    today: date,
    *,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
) -> bool:
    """The one exception to "a discharged family is read-only": finishing a note.

    The home visitor may still document and sign the unsigned note of a visit made on
    or before the discharge day, until that note's deadline (`note_deadline`), so the
    last visit before a discharge is not left undocumented. Nothing else: no new visit,
    no amendment, no plan change.
    """
    return visit_day <= discharged_on and today <= note_deadline(
        visit_day, late_after_business_days=late_after_business_days, holidays=holidays
    )
