"""Expected weeks, completed home visits and weekly coverage."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from imhhv.core.calendar import week_start, weeks_between
from imhhv.core.fidelity.facts import (
    WEEK_MAJORITY_DAYS,
    Coverage,
    EnrollmentSpan,
    VisitFact,
    WeekCoverage,
    _check_period,
    _ratio,
)
from imhhv.core.fidelity.plan import PlanChange, histories, history_of, week_delivery

# --- expected weeks -------------------------------------------------------------------


def _merge(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Inclusive day-ordinal intervals merged so that no day is in two of them."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _days_per_week(intervals: list[tuple[int, int]]) -> dict[int, int]:
    """Days of the (merged) intervals in each week, keyed by the Monday's ordinal."""
    counts: dict[int, int] = defaultdict(int)
    for first, last in intervals:
        day = first
        while day <= last:
            monday = day - (day + 6) % 7  # date.weekday() is (ordinal + 6) % 7
            through = min(last, monday + 6)
            counts[monday] += through - day + 1
            day = through + 1
    return counts


def _family_expected(spans: Iterable[EnrollmentSpan], start: date, end: date) -> list[date]:
    """The Mondays of one family's expected weeks, looking only at days in [start, end]."""
    lo, hi = start.toordinal(), end.toordinal()
    enrolled: list[tuple[int, int]] = []
    paused: list[tuple[int, int]] = []
    for span in spans:
        first = max(span.start.toordinal(), lo)
        last = min(hi if span.end is None else span.end.toordinal(), hi)
        if first > last:
            continue
        enrolled.append((first, last))
        for pause_first, pause_last in span.paused:
            p_first, p_last = max(pause_first.toordinal(), first), min(pause_last.toordinal(), last)
            if p_first <= p_last:
                paused.append((p_first, p_last))
    enrolled_days = _days_per_week(_merge(enrolled))
    paused_days = _days_per_week(_merge(paused))
    return [
        date.fromordinal(monday)
        for monday, days in sorted(enrolled_days.items())
        if days >= WEEK_MAJORITY_DAYS and paused_days.get(monday, 0) < WEEK_MAJORITY_DAYS
    ]


def _spans_by_family(spans: Iterable[EnrollmentSpan]) -> dict[int, list[EnrollmentSpan]]:
    grouped: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for span in spans:
        grouped[span.family_id].append(span)
    return grouped


def expected_weeks(
    spans: Iterable[EnrollmentSpan], start: date, end: date
) -> dict[int, list[date]]:
    """Each family's expected weeks in [start, end], as sorted Mondays.

    A week counts when, among its days inside [start, end], the family was enrolled on
    at least 4 and paused on fewer than 4. So a period starting on a Friday never counts
    its first week (3 days), a family discharged on a Wednesday has no expected week
    that week (3 enrolled days), and a week paused Monday-Thursday is not expected even
    if the family is enrolled all 7 days. Families with no expected week map to [].
    """
    _check_period(start, end)
    return {
        family: _family_expected(family_spans, start, end)
        for family, family_spans in sorted(_spans_by_family(spans).items())
    }


# --- 1. completed home visits ---------------------------------------------------------


def completed_home_visits(visits: Iterable[VisitFact], start: date, end: date) -> int:
    """Completed visits in the family's home dated inside [start, end].

    Attempted, cancelled or rescheduled visits do not count, nor do completed contacts
    somewhere else (another place, video, phone).
    """
    _check_period(start, end)
    return sum(1 for v in visits if v.is_home_visit and start <= v.day <= end)


def completed_contacts(visits: Iterable[VisitFact], start: date, end: date) -> int:
    """Completed visits outside the family's home dated inside [start, end]."""
    _check_period(start, end)
    return sum(1 for v in visits if v.completed and not v.in_home and start <= v.day <= end)


# --- 2. weekly coverage ---------------------------------------------------------------


def _home_weeks_by_family(visits: Iterable[VisitFact]) -> dict[int, set[date]]:
    weeks: dict[int, set[date]] = defaultdict(set)
    for v in visits:
        if v.is_home_visit:
            weeks[v.family_id].add(week_start(v.day))
    return weeks


def _home_counts_by_family(visits: Iterable[VisitFact]) -> dict[int, dict[date, int]]:
    """family -> Monday -> completed home visits that week."""
    counts: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for v in visits:
        if v.is_home_visit:
            counts[v.family_id][week_start(v.day)] += 1
    return counts


def _coverage_pairs(
    visits: Iterable[VisitFact], spans: Iterable[EnrollmentSpan], start: date, end: date
) -> list[tuple[date, bool]]:
    """(Monday, covered) for every expected week of every family."""
    home_weeks = _home_weeks_by_family(visits)
    pairs: list[tuple[date, bool]] = []
    for family, family_spans in _spans_by_family(spans).items():
        seen = home_weeks.get(family, set())
        pairs.extend(
            (monday, monday in seen) for monday in _family_expected(family_spans, start, end)
        )
    return pairs


def weekly_coverage(
    visits: Iterable[VisitFact], spans: Iterable[EnrollmentSpan], start: date, end: date
) -> Coverage:
    """Expected weeks (see `expected_weeks`) summed over families, and how many were covered.

    A week is covered when the family had at least one completed home visit on any day
    of that Monday-to-Sunday week; two visits in a week still cover one week. A paused
    week is not expected, so it is not a miss. Visits of families without a span, and
    visits in weeks that are not expected, change nothing. share = covered / expected,
    None when no week was expected.
    """
    _check_period(start, end)
    pairs = _coverage_pairs(visits, spans, start, end)
    covered = sum(1 for _, is_covered in pairs if is_covered)
    return Coverage(len(pairs), covered, _ratio(covered, len(pairs)))


def coverage_by_week(
    visits: Iterable[VisitFact],
    spans: Iterable[EnrollmentSpan],
    start: date,
    end: date,
    plans: Iterable[PlanChange] = (),
) -> list[WeekCoverage]:
    """`weekly_coverage` split by week, for trend charts: one row per week of the period.

    Every Monday of `weeks_between(start, end)` has a row, with zeros (share None) for a
    week no family was expected in. The rows add up to `weekly_coverage`, and their
    planned and delivered visits (per the plan in force each week, `plans`) to
    `plan_delivery` over the same expected weeks.
    """
    _check_period(start, end)
    visits = list(visits)
    home_weeks = _home_weeks_by_family(visits)
    home_counts = _home_counts_by_family(visits)
    by_family = histories(plans)
    expected: Counter[date] = Counter()
    covered: Counter[date] = Counter()
    planned: defaultdict[date, float] = defaultdict(float)
    delivered: Counter[date] = Counter()
    for family, family_spans in _spans_by_family(spans).items():
        seen = home_weeks.get(family, set())
        counts = home_counts.get(family, {})
        history = history_of(by_family, family)
        for monday in _family_expected(family_spans, start, end):
            expected[monday] += 1
            covered[monday] += monday in seen
            week_planned = history.planned_in_week(monday)
            planned[monday] += week_planned
            delivered[monday] += week_delivery(week_planned, counts.get(monday, 0))
    return [
        WeekCoverage(
            monday,
            expected[monday],
            covered[monday],
            _ratio(covered[monday], expected[monday]),
            planned[monday],
            delivered[monday],
        )
        for monday in weeks_between(start, end)
    ]
