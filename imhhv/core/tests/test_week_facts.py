"""Week facts add up to the fidelity summary: `imhhv.core.fidelity.weekly` against
`summarize`, the definition, on random histories (and a hand-worked example)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from imhhv.core.calendar import week_start
from imhhv.core.fidelity import EnrollmentSpan, PlanChange, VisitFact, summarize
from imhhv.core.fidelity.engagement import _is_current
from imhhv.core.fidelity.weekly import (
    disengaged_of,
    summary_from_totals,
    totals_of,
    unsigned_timeliness,
    week_facts,
    weekly_rows,
    whole_weeks,
)
from imhhv.core.fidelity.weeks import coverage_by_week
from imhhv.core.tests.test_fidelity import enrollment_spans, families, visit_facts

TODAY = date(2026, 4, 15)  # a Wednesday, after every generated visit (they end on 30 April)
HOLIDAYS = frozenset({date(2026, 1, 19), date(2026, 2, 16), date(2026, 5, 25)})


def figures_from_weeks(visits, spans, plans, start, end, today):
    first, last = whole_weeks(start, end)
    rows = week_facts(visits, spans, plans, through=max(last, today), holidays=HOLIDAYS)
    totals = totals_of(rows, week_start(first), week_start(last))
    current = {s.family_id for s in spans if _is_current(s, today)}
    overdue, pending = unsigned_timeliness(
        [
            v.day
            for v in visits
            if v.completed and v.documented_on is None and first <= v.day <= last
        ],
        today=today,
        holidays=HOLIDAYS,
    )
    return rows, summary_from_totals(
        totals,
        first,
        last,
        disengaged=disengaged_of(rows, today, current),
        overdue=overdue,
        pending=pending,
    )


plan_changes = st.builds(
    PlanChange,
    families,
    st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 4, 30)),
    st.sampled_from(("weekly", "twice_weekly", "every_other_week", "paused")),
    st.integers(0, 50),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(visit_facts(), max_size=40),
    st.lists(enrollment_spans(), max_size=5),
    st.lists(plan_changes, max_size=4),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 4, 30)),
    st.integers(0, 12),
)
def test_week_facts_add_up_to_the_summary(visits, spans, plans, start, weeks):
    visits = [v for v in visits if v.day <= TODAY]  # nothing is completed in the future
    first, last = whole_weeks(start, start + timedelta(weeks=weeks))
    expected = summarize(visits, spans, first, last, today=TODAY, holidays=HOLIDAYS, plans=plans)
    rows, got = figures_from_weeks(visits, spans, plans, first, last, TODAY)
    assert got == expected
    trend = coverage_by_week(visits, spans, first, last, plans)
    by_week = weekly_rows(rows, week_start(first), week_start(last))
    assert [(w.week, w.expected, w.covered, w.planned, w.delivered) for w in trend] == by_week


def test_a_hand_worked_family():
    # Enrolled Wednesday 4 March 2026 (5 days that week: expected), weekly plan.
    span = EnrollmentSpan(1, date(2026, 3, 4), None)
    visits = [
        VisitFact(1, 1, 7, date(2026, 3, 5), True, True, 95, frozenset({"alliance"}), None),
        VisitFact(2, 1, 7, date(2026, 3, 6), True, False, 20, frozenset(), date(2026, 3, 6)),
    ]
    rows = week_facts(visits, [span], through=date(2026, 3, 30))
    assert [r.week for r in rows] == [date(2026, 3, 2) + timedelta(weeks=i) for i in range(5)]
    first = rows[0]
    assert (first.enrolled_days, first.expected, first.home_visits, first.contacts) == (
        5,
        True,
        1,
        1,
    )
    assert (first.within, first.minutes, first.unsigned, first.on_time) == (1, 95, 1, 1)
    # No home visit after the 5th: weeks of 9, 16, 23 March missed; the row of the week
    # of 30 March enters it with a streak of 3 (an alert on any day that week).
    assert [r.streak_in for r in rows] == [0, 0, 1, 2, 3]
    assert rows[-1].last_home_visit == date(2026, 3, 5)
    alerts = disengaged_of(rows, date(2026, 4, 1), {1})
    assert [(a.family_id, a.weeks_without_visit) for a in alerts] == [(1, 3)]
