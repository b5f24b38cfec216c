"""What a home visit holds: its length and the key components it works on."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from imhhv.core.calendar import week_start, weeks_between
from imhhv.core.fidelity.facts import (
    _WEEK,
    DEFAULT_HIGH_MINUTES,
    DEFAULT_LOW_MINUTES,
    DEFAULT_WINDOW_WEEKS,
    KEY_CODES,
    Durations,
    VisitFact,
    _check_period,
    _check_positive,
    _ratio,
)

# --- 3. durations ---------------------------------------------------------------------


def duration_summary(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    *,
    low: int = DEFAULT_LOW_MINUTES,
    high: int = DEFAULT_HIGH_MINUTES,
) -> Durations:
    """Length of the completed home visits in [start, end] that have a duration.

    within: low <= minutes <= high (90 and 120 are inside, 89 and 121 outside); short:
    below `low`; long: above `high`. The three shares add up to 1. `mean` is the mean
    length. Every field but `count` is None when no visit has a duration.

    No median or quartiles: the model judges a visit's length against the 90-120 band
    (the shares), and a mean, unlike a median, is a sum of week facts, so the statewide
    report can add stored rows up instead of reading every visit.
    """
    _check_period(start, end)
    if high < low:
        raise ValueError("the upper duration bound is below the lower one")
    minutes = sorted(
        v.minutes
        for v in visits
        if v.is_home_visit and v.minutes is not None and start <= v.day <= end
    )
    count = len(minutes)
    if not count:
        return Durations(0, None, None, None, None, None, None)
    short = sum(1 for m in minutes if m < low)
    long = sum(1 for m in minutes if m > high)
    return Durations(
        count=count,
        minimum=minutes[0],
        mean=sum(minutes) / count,
        maximum=minutes[-1],
        within_share=(count - short - long) / count,
        short_share=short / count,
        long_share=long / count,
    )


# --- 4. components --------------------------------------------------------------------


def component_shares(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    components: Sequence[str] = KEY_CODES,
) -> dict[str, float | None]:
    """For each component, the share of completed home visits in [start, end] addressing it.

    The denominator is completed home visits, the model's unit of delivery; other
    contacts are left out here as in every fidelity figure. A visit addressing three
    components counts for each, so the shares need not add up to 1. Codes a visit holds
    but `components` does not name are ignored. Keys follow `components`; every value is
    None when there was no completed home visit.
    """
    _check_period(start, end)
    home = [v for v in visits if v.is_home_visit and start <= v.day <= end]
    counts = Counter(code for v in home for code in v.components)
    return {code: _ratio(counts[code], len(home)) for code in components}


def _component_weeks(visits: Iterable[VisitFact]) -> dict[int, dict[date, set[str]]]:
    """family -> Monday -> components of the family's completed home visits that week."""
    weeks: dict[int, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    for v in visits:
        if v.is_home_visit:
            weeks[v.family_id][week_start(v.day)].update(v.components)
    return weeks


def _window(weeks: dict[date, set[str]], monday: date, window_weeks: int) -> tuple[bool, int]:
    """(any visit in the window, distinct components) for the window ending at `monday`."""
    union: set[str] = set()
    visited = False
    for back in range(window_weeks):
        codes = weeks.get(monday - back * _WEEK)
        if codes is not None:
            visited = True
            union |= codes
    return visited, len(union)


def distinct_components_rolling(
    visits: Iterable[VisitFact],
    family_id: int,
    start: date,
    end: date,
    *,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
) -> list[tuple[date, int]]:
    """For each week overlapping [start, end], distinct components in a rolling window.

    One (Monday, count) per Monday of `weeks_between(start, end)`: the number of
    distinct components across the family's completed home visits in the `window_weeks`
    whole weeks ending with that week (by default that week and the three before it, so
    the window reaches back before `start`). 0 when the window holds no visit.
    """
    _check_period(start, end)
    _check_positive("window_weeks", window_weeks)
    weeks = _component_weeks(v for v in visits if v.family_id == family_id).get(family_id, {})
    return [(m, _window(weeks, m, window_weeks)[1]) for m in weeks_between(start, end)]
