"""Every metric for one unit over a period, in one pass."""

from collections.abc import Collection, Iterable, Sequence
from datetime import date

from imhhv.core.fidelity.delivery import (
    _component_weeks,
    _window,
    component_shares,
    duration_summary,
)
from imhhv.core.fidelity.engagement import missed_streaks
from imhhv.core.fidelity.facts import (
    DEFAULT_HIGH_MINUTES,
    DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    DEFAULT_LOW_MINUTES,
    DEFAULT_STREAK_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    KEY_CODES,
    Coverage,
    EnrollmentSpan,
    FidelitySummary,
    VisitFact,
    _check_period,
    _check_positive,
    _ratio,
)
from imhhv.core.fidelity.plan import PlanChange, delivery, histories, history_of, week_delivery
from imhhv.core.fidelity.timeliness import documentation_timeliness
from imhhv.core.fidelity.weeks import (
    _family_expected,
    _home_counts_by_family,
    _home_weeks_by_family,
    _spans_by_family,
    completed_contacts,
    completed_home_visits,
)

# --- 8. summary -----------------------------------------------------------------------


def summarize(
    visits: Iterable[VisitFact],
    spans: Iterable[EnrollmentSpan],
    start: date,
    end: date,
    *,
    today: date,
    low: int = DEFAULT_LOW_MINUTES,
    high: int = DEFAULT_HIGH_MINUTES,
    components: Sequence[str] = KEY_CODES,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    threshold_weeks: int = DEFAULT_STREAK_WEEKS,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
    plans: Iterable[PlanChange] = (),
) -> FidelitySummary:
    """Every metric above for one unit over [start, end] (disengagement as of `today`).

    The unit is whatever the facts describe: one family's, one home visitor's, a team's,
    an agency's or the state's visits and enrollment spans. Beyond the single metrics:

    - families: families enrolled on at least one day of [start, end];
    - visits_per_family: completed home visits / families (None with no family);
    - mean_distinct_components: the mean, over every family's expected weeks whose
      rolling window holds at least one completed home visit, of the distinct components
      in that window (so it measures breadth of the work, not how often it happened);
    - plan: visits delivered / planned per the visit plan in force each expected week
      (`imhhv.core.fidelity.plan`; no plan rows: every week planned weekly).

    The result does not depend on the order of `visits` or `spans`.
    """
    _check_period(start, end)
    _check_positive("window_weeks", window_weeks)
    visits = list(visits)
    spans = list(spans)
    grouped_spans = _spans_by_family(spans)
    home_weeks = _home_weeks_by_family(visits)
    component_weeks = _component_weeks(visits)
    home_counts = _home_counts_by_family(visits)
    plan_of = histories(plans)
    planned = 0.0
    delivered = 0

    families = 0
    expected = covered = 0
    windows = distinct_total = 0
    for family, family_spans in grouped_spans.items():
        if any(s.start <= end and (s.end is None or s.end >= start) for s in family_spans):
            families += 1
        seen = home_weeks.get(family, set())
        weeks = component_weeks.get(family, {})
        counts = home_counts.get(family, {})
        history = history_of(plan_of, family)
        for monday in _family_expected(family_spans, start, end):
            expected += 1
            covered += monday in seen
            week_planned = history.planned_in_week(monday)
            planned += week_planned
            delivered += week_delivery(week_planned, counts.get(monday, 0))
            visited, distinct = _window(weeks, monday, window_weeks)
            if visited:
                windows += 1
                distinct_total += distinct

    home_count = completed_home_visits(visits, start, end)
    return FidelitySummary(
        start=start,
        end=end,
        families=families,
        completed_home_visits=home_count,
        completed_contacts=completed_contacts(visits, start, end),
        visits_per_family=_ratio(home_count, families),
        coverage=Coverage(expected, covered, _ratio(covered, expected)),
        durations=duration_summary(visits, start, end, low=low, high=high),
        component_shares=component_shares(visits, start, end, components),
        mean_distinct_components=_ratio(distinct_total, windows),
        disengaged=tuple(missed_streaks(visits, spans, today, threshold_weeks=threshold_weeks)),
        timeliness=documentation_timeliness(
            visits,
            start,
            end,
            today=today,
            late_after_business_days=late_after_business_days,
            holidays=holidays,
        ),
        plan=delivery(planned, delivered),
    )
