"""Disengagement: families not seen at home for several expected weeks."""

from collections.abc import Iterable
from datetime import date, timedelta

from imhhv.core.calendar import week_start
from imhhv.core.fidelity.facts import (
    _WEEK,
    DEFAULT_STREAK_WEEKS,
    Disengagement,
    EnrollmentSpan,
    VisitFact,
    _check_positive,
)
from imhhv.core.fidelity.weeks import _family_expected, _spans_by_family

# --- 6. missed-visit streaks ----------------------------------------------------------


def _is_current(span: EnrollmentSpan, today: date) -> bool:
    return span.start <= today and (span.end is None or span.end > today)


def missed_streaks(
    visits: Iterable[VisitFact],
    spans: Iterable[EnrollmentSpan],
    today: date,
    *,
    threshold_weeks: int = DEFAULT_STREAK_WEEKS,
) -> list[Disengagement]:
    """Families currently enrolled and not seen at home for `threshold_weeks` full weeks.

    Currently enrolled: a span started on or before `today` and not ending by `today`
    (end None or after today). The last visit is the family's most recent completed home
    visit dated on or before `today`. The streak counts the weeks strictly after the
    last visit's week and strictly before the current week (which is not over yet) that
    were expected for the family (enrolled 4+ days, paused fewer than 4; see
    `expected_weeks`): weeks mostly paused, before enrollment or between two
    enrollments are skipped. With no visit at all, every expected week before the
    current one counts. An alert is raised when the streak is >= `threshold_weeks`.

    Today Wednesday 25 March 2026: last visit Monday 2 March leaves the weeks of 9 and
    16 March (2, no alert); last visit Friday 27 February adds the week of 2 March (3,
    alert). Sorted by longest streak first, then family id.
    """
    _check_positive("threshold_weeks", threshold_weeks)
    last_visit: dict[int, date] = {}
    for v in visits:
        if v.is_home_visit and v.day <= today and v.day > last_visit.get(v.family_id, date.min):
            last_visit[v.family_id] = v.day
    last_full_day = week_start(today) - timedelta(days=1)  # the Sunday before this week
    alerts: list[Disengagement] = []
    for family, family_spans in _spans_by_family(spans).items():
        if not any(_is_current(span, today) for span in family_spans):
            continue
        last = last_visit.get(family)
        first_day = (
            min(span.start for span in family_spans) if last is None else week_start(last) + _WEEK
        )
        weeks = (
            len(_family_expected(family_spans, first_day, last_full_day))
            if first_day <= last_full_day
            else 0
        )
        if weeks >= threshold_weeks:
            alerts.append(Disengagement(family, weeks, last))
    alerts.sort(key=lambda alert: (-alert.weeks_without_visit, alert.family_id))
    return alerts
