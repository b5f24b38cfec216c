import itertools
import math
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.calendar import business_days_between, week_start, weeks_between
from imhhv.core.fidelity import (
    KEY_CODES,
    KEY_COMPONENTS,
    Coverage,
    Disengagement,
    EnrollmentSpan,
    VisitFact,
    completed_contacts,
    completed_home_visits,
    component_shares,
    coverage_by_week,
    distinct_components_rolling,
    documentation_timeliness,
    duration_summary,
    expected_weeks,
    fact_window,
    missed_streaks,
    note_deadline,
    summarize,
    weekly_coverage,
)

# March 2026: Sunday 1, Mondays 2, 9, 16, 23, 30.
_ids = itertools.count(1)


def d(month, day):
    return date(2026, month, day)


def visit(
    day,
    *,
    family=1,
    visitor=10,
    completed=True,
    home=True,
    minutes=100,
    components=None,
    documented=None,
):
    return VisitFact(
        visit_id=next(_ids),
        family_id=family,
        visitor_id=visitor,
        day=day,
        completed=completed,
        in_home=home,
        minutes=minutes,
        components=frozenset(components if components is not None else {"alliance"}),
        documented_on=documented,
    )


def span(start, end=None, *, family=1, paused=()):
    return EnrollmentSpan(family, start, end, tuple(paused))


ENROLLED = span(d(1, 5))  # enrolled long before March, still enrolled


# --- constants ------------------------------------------------------------------------


def test_the_seven_key_components():
    assert len(KEY_COMPONENTS) == len(set(KEY_CODES)) == 7
    assert KEY_CODES[0] == "alliance"
    assert dict(KEY_COMPONENTS)["infant_parent_psychotherapy"] == "Infant-parent psychotherapy"


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="end before"):
        EnrollmentSpan(1, d(3, 9), d(3, 2))
    with pytest.raises(ValueError, match="pause"):
        EnrollmentSpan(1, d(3, 2), None, ((d(3, 9), d(3, 8)),))
    with pytest.raises(ValueError, match="period"):
        completed_home_visits([], d(3, 9), d(3, 8))
    with pytest.raises(ValueError, match="bound"):
        duration_summary([], d(3, 1), d(3, 31), low=120, high=90)
    with pytest.raises(ValueError, match="window_weeks"):
        distinct_components_rolling([], 1, d(3, 1), d(3, 31), window_weeks=0)
    with pytest.raises(ValueError, match="threshold_weeks"):
        missed_streaks([], [], d(3, 25), threshold_weeks=0)
    with pytest.raises(ValueError, match="negative"):
        documentation_timeliness([], d(3, 1), d(3, 31), today=d(4, 1), late_after_business_days=-1)


def test_fact_window_reaches_back_for_the_rolling_window():
    # Period Wednesday 4 March - Tuesday 31 March: from Monday 9 February to Sunday 5 April.
    assert fact_window(d(3, 4), d(3, 31)) == (d(2, 9), d(4, 5))
    assert fact_window(d(3, 2), d(3, 8), window_weeks=1) == (d(3, 2), d(3, 8))


# --- 1. completed home visits ---------------------------------------------------------


def test_only_completed_visits_in_the_home_count():
    visits = [
        visit(d(3, 2)),
        visit(d(3, 9)),
        visit(d(3, 10), home=False),  # video, phone or another place: an other contact
        visit(d(3, 11), completed=False),  # attempted or cancelled
        visit(d(3, 12), completed=False, home=False),
        visit(d(2, 28)),  # before the period
        visit(d(3, 31)),  # last day: inclusive
    ]
    assert completed_home_visits(visits, d(3, 1), d(3, 31)) == 3
    assert completed_contacts(visits, d(3, 1), d(3, 31)) == 1
    assert completed_home_visits(visits, d(3, 2), d(3, 2)) == 1


# --- 2. weekly coverage ---------------------------------------------------------------


def test_a_week_with_two_visits_counts_once():
    visits = [visit(d(3, 2)), visit(d(3, 5)), visit(d(3, 16))]
    coverage = weekly_coverage(visits, [ENROLLED], d(3, 2), d(3, 29))
    assert coverage == Coverage(expected_weeks=4, covered_weeks=2, share=0.5)


def test_a_paused_week_is_not_a_miss():
    visits = [visit(d(3, 2)), visit(d(3, 16)), visit(d(3, 23))]
    paused = span(d(1, 5), paused=[(d(3, 9), d(3, 12))])  # Monday-Thursday: 4 days
    assert weekly_coverage(visits, [paused], d(3, 2), d(3, 29)) == Coverage(3, 3, 1.0)
    # Paused three days only: the family could still be seen that week, so it is a miss.
    short_pause = span(d(1, 5), paused=[(d(3, 9), d(3, 11))])
    assert weekly_coverage(visits, [short_pause], d(3, 2), d(3, 29)) == Coverage(4, 3, 0.75)


def test_pauses_are_days_in_the_week_not_whole_pause_periods():
    # A pause from Friday to the next Thursday: 3 days of one week, 4 of the next.
    paused = span(d(1, 5), paused=[(d(3, 6), d(3, 12))])
    assert expected_weeks([paused], d(3, 2), d(3, 29)) == {1: [d(3, 2), d(3, 16), d(3, 23)]}
    # Two overlapping pauses are not counted twice (3 + 3 overlapping days is 4 days).
    overlapping = span(d(1, 5), paused=[(d(3, 9), d(3, 11)), (d(3, 10), d(3, 12))])
    assert d(3, 9) not in expected_weeks([overlapping], d(3, 2), d(3, 29))[1]


def test_partial_first_and_last_weeks_count_with_four_days_in_the_period():
    # Thursday 5 - Wednesday 25 March: 4 days of the first week, 3 of the last.
    assert expected_weeks([ENROLLED], d(3, 5), d(3, 25)) == {1: [d(3, 2), d(3, 9), d(3, 16)]}
    # Friday 6 - Thursday 26: 3 days of the first week, 4 of the last.
    assert expected_weeks([ENROLLED], d(3, 6), d(3, 26)) == {1: [d(3, 9), d(3, 16), d(3, 23)]}


def test_a_counted_partial_week_is_covered_by_a_visit_on_any_of_its_days():
    # Period from Thursday 5 March; the family was seen on Tuesday 3 March, same week.
    visits = [visit(d(3, 3))]
    assert weekly_coverage(visits, [ENROLLED], d(3, 5), d(3, 8)) == Coverage(1, 1, 1.0)
    assert completed_home_visits(visits, d(3, 5), d(3, 8)) == 0  # counts stay in the period


def test_each_week_counts_in_one_period_only():
    # Cut March at Wednesday 18 / Thursday 19: the week of 16 March belongs to the second.
    first = expected_weeks([ENROLLED], d(3, 2), d(3, 18))[1]
    second = expected_weeks([ENROLLED], d(3, 19), d(3, 29))[1]
    assert first == [d(3, 2), d(3, 9)]
    assert second == [d(3, 16), d(3, 23)]


def test_enrollment_and_discharge_mid_week():
    # Enrolled Thursday 5 March (4 days that week), discharged Wednesday 18 (3 days).
    assert expected_weeks([span(d(3, 5), d(3, 18))], d(3, 1), d(3, 31)) == {1: [d(3, 2), d(3, 9)]}
    # Enrolled Friday 6 (3 days), discharged Thursday 19 (4 days).
    assert expected_weeks([span(d(3, 6), d(3, 19))], d(3, 1), d(3, 31)) == {1: [d(3, 9), d(3, 16)]}


def test_discharge_mid_period_ends_the_expected_weeks():
    visits = [visit(d(3, 3)), visit(d(3, 10)), visit(d(3, 24))]  # a visit after discharge
    discharged = span(d(1, 5), d(3, 13))
    assert weekly_coverage(visits, [discharged], d(3, 1), d(3, 31)) == Coverage(2, 2, 1.0)


def test_coverage_sums_families_and_ignores_other_contacts():
    visits = [
        visit(d(3, 3), family=1),
        visit(d(3, 10), family=1, home=False),  # video: not a home visit
        visit(d(3, 3), family=2),
        visit(d(3, 11), family=2),
        visit(d(3, 4), family=3),  # no enrollment span: ignored
    ]
    spans = [span(d(1, 5), family=1), span(d(1, 5), family=2)]
    assert weekly_coverage(visits, spans, d(3, 2), d(3, 15)) == Coverage(4, 3, 0.75)


def test_two_enrollments_and_overlapping_spans():
    # Discharged Friday 6 March, re-enrolled Monday 16: the week of 9 March is not expected.
    spans = [span(d(1, 5), d(3, 6)), span(d(3, 16))]
    assert expected_weeks(spans, d(3, 2), d(3, 22))[1] == [d(3, 2), d(3, 16)]
    # Overlapping spans (a data-entry slip) do not count a week twice.
    assert expected_weeks([ENROLLED, span(d(3, 1))], d(3, 2), d(3, 8))[1] == [d(3, 2)]


def test_no_expected_week_gives_no_share():
    assert weekly_coverage([visit(d(3, 3))], [], d(3, 2), d(3, 8)) == Coverage(0, 0, None)
    assert weekly_coverage([], [span(d(4, 1))], d(3, 1), d(3, 31)) == Coverage(0, 0, None)


def test_coverage_by_week_rows_add_up():
    visits = [visit(d(3, 3), family=1), visit(d(3, 3), family=2), visit(d(3, 17), family=2)]
    spans = [span(d(1, 5), family=1), span(d(3, 12), family=2)]
    rows = coverage_by_week(visits, spans, d(3, 2), d(3, 22))
    assert [(r.week, r.expected, r.covered, r.share) for r in rows] == [
        (d(3, 2), 1, 1, 1.0),  # family 2 not enrolled yet: its visit that week changes nothing
        (d(3, 9), 2, 0, 0.0),  # family 2 enrolled Thursday 12: 4 days, expected, not seen
        (d(3, 16), 2, 1, 0.5),
    ]
    empty = coverage_by_week([], [], d(3, 2), d(3, 8))
    assert [(r.expected, r.covered, r.share) for r in empty] == [(0, 0, None)]
    total = weekly_coverage(visits, spans, d(3, 2), d(3, 22))
    assert sum(r.expected for r in rows) == total.expected_weeks == 5
    assert sum(r.covered for r in rows) == total.covered_weeks == 2


# --- 3. durations ---------------------------------------------------------------------


def test_a_visit_of_89_minutes_is_outside_90_to_120():
    summary = duration_summary([visit(d(3, 2), minutes=89)], d(3, 1), d(3, 31))
    assert (summary.within_share, summary.short_share, summary.long_share) == (0.0, 1.0, 0.0)
    for inside in (90, 120):
        summary = duration_summary([visit(d(3, 2), minutes=inside)], d(3, 1), d(3, 31))
        assert summary.within_share == 1.0
    summary = duration_summary([visit(d(3, 2), minutes=121)], d(3, 1), d(3, 31))
    assert summary.long_share == 1.0


def test_duration_distribution():
    visits = [
        visit(d(3, day), minutes=m) for day, m in zip((2, 9, 16, 23, 30), (121, 89, 100, 90, 120))
    ]
    visits += [
        visit(d(3, 3), minutes=None),  # no end time recorded: left out
        visit(d(3, 4), minutes=30, home=False),  # phone call: not a home visit
        visit(d(3, 5), minutes=10, completed=False),
        visit(d(4, 1), minutes=15),  # after the period
    ]
    summary = duration_summary(visits, d(3, 1), d(3, 31))
    assert (summary.count, summary.minimum, summary.maximum) == (5, 89, 121)
    assert summary.mean == (121 + 89 + 100 + 90 + 120) / 5
    assert (summary.within_share, summary.short_share, summary.long_share) == (0.6, 0.2, 0.2)


def test_mean_and_bounds_are_settings():
    summary = duration_summary(
        [visit(d(3, 2), minutes=60), visit(d(3, 9), minutes=90)], d(3, 1), d(3, 31), low=60, high=75
    )
    assert summary.mean == 75.0
    assert (summary.within_share, summary.long_share) == (0.5, 0.5)


def test_no_durations():
    summary = duration_summary([visit(d(3, 2), minutes=None)], d(3, 1), d(3, 31))
    assert summary.count == 0
    assert summary.mean is None and summary.within_share is None and summary.minimum is None


# --- 4. components --------------------------------------------------------------------


def test_component_shares_over_completed_home_visits():
    visits = [
        visit(d(3, 2), components={"alliance", "developmental_guidance"}),
        visit(d(3, 9), components={"developmental_guidance", "infant_parent_psychotherapy"}),
        visit(d(3, 16), components={"developmental_guidance", "not_a_component"}),
        visit(d(3, 23), components={"material_needs"}),
        visit(d(3, 24), components={"emotional_support"}, home=False),  # other contact
        visit(d(3, 25), components={"emotional_support"}, completed=False),
    ]
    shares = component_shares(visits, d(3, 1), d(3, 31))
    assert list(shares) == list(KEY_CODES)
    assert shares == {
        "alliance": 0.25,
        "material_needs": 0.25,
        "emotional_support": 0.0,
        "developmental_guidance": 0.75,
        "infant_parent_psychotherapy": 0.25,
        "life_coping": 0.0,
        "culturally_responsive": 0.0,
    }
    assert component_shares(visits, d(3, 1), d(3, 31), ("material_needs", "alliance")) == {
        "material_needs": 0.25,
        "alliance": 0.25,
    }


def test_component_shares_without_visits():
    assert component_shares([], d(3, 1), d(3, 31), ("alliance",)) == {"alliance": None}


def test_distinct_components_over_a_rolling_four_weeks():
    visits = [
        visit(d(2, 10), components={"alliance"}),
        visit(d(2, 17), components={"material_needs", "emotional_support"}),
        visit(d(3, 2), components={"alliance", "developmental_guidance"}),
        visit(d(3, 4), components={"alliance"}),
        visit(d(3, 10), components={"infant_parent_psychotherapy"}),
        visit(d(3, 17), components={"life_coping"}, home=False),  # video: left out
        visit(d(3, 17), components={"life_coping"}, family=2),  # another family
    ]
    # Week of 2 March: weeks of 9 Feb - 2 March; 9 March: 16 Feb - 9 March; 16 March: 23 Feb on.
    assert distinct_components_rolling(visits, 1, d(3, 2), d(3, 22)) == [
        (d(3, 2), 4),
        (d(3, 9), 5),
        (d(3, 16), 3),
    ]
    assert distinct_components_rolling(visits, 1, d(3, 4), d(3, 22), window_weeks=1) == [
        (d(3, 2), 2),
        (d(3, 9), 1),
        (d(3, 16), 0),
    ]
    assert distinct_components_rolling(visits, 3, d(3, 2), d(3, 8)) == [(d(3, 2), 0)]


# --- 6. missed-visit streaks ----------------------------------------------------------

TODAY = d(3, 25)  # a Wednesday; the current week began Monday 23 March


def test_two_empty_weeks_are_not_yet_a_streak():
    # Last visit Monday 2 March: the weeks of 9 and 16 March were missed.
    assert missed_streaks([visit(d(3, 2))], [ENROLLED], TODAY) == []
    assert missed_streaks([visit(d(3, 2))], [ENROLLED], TODAY, threshold_weeks=2) == [
        Disengagement(1, 2, d(3, 2))
    ]


def test_three_empty_weeks_raise_an_alert():
    # Last visit Friday 27 February: the weeks of 2, 9 and 16 March were missed.
    assert missed_streaks([visit(d(2, 27))], [ENROLLED], TODAY) == [Disengagement(1, 3, d(2, 27))]
    # The current week is not over: on Sunday 22 March the streak was still 2.
    assert missed_streaks([visit(d(2, 27))], [ENROLLED], d(3, 22)) == []
    assert missed_streaks([visit(d(2, 27))], [ENROLLED], d(3, 23)) == [
        Disengagement(1, 3, d(2, 27))
    ]


def test_paused_weeks_do_not_lengthen_a_streak():
    paused = span(d(1, 5), paused=[(d(3, 9), d(3, 13))])
    assert missed_streaks([visit(d(2, 27))], [paused], TODAY) == []
    assert missed_streaks([visit(d(2, 27))], [paused], TODAY, threshold_weeks=2) == [
        Disengagement(1, 2, d(2, 27))
    ]


def test_a_new_family_never_seen():
    # Enrolled Monday 9 March: weeks of 9 and 16 March, no alert yet.
    assert missed_streaks([], [span(d(3, 9))], TODAY) == []
    # Enrolled Thursday 5 March (4 days that week): three weeks, no visit at all.
    assert missed_streaks([], [span(d(3, 5))], TODAY) == [Disengagement(1, 3, None)]
    # Enrolled Friday 6 March (3 days): the first week does not count.
    assert missed_streaks([], [span(d(3, 6))], TODAY) == []


def test_only_currently_enrolled_families_are_alerted():
    last = [visit(d(2, 2))]
    assert missed_streaks(last, [span(d(1, 5), d(3, 20))], TODAY) == []  # discharged
    assert missed_streaks(last, [span(d(1, 5), TODAY)], TODAY) == []  # discharged today
    assert missed_streaks(last, [span(d(1, 5), d(3, 26))], TODAY)[0].weeks_without_visit == 6
    assert missed_streaks(last, [span(d(4, 1))], TODAY) == []  # not enrolled yet


def test_what_resets_a_streak():
    spans = [ENROLLED]
    # A video call or an attempted visit does not reset the streak; a future visit is ignored.
    visits = [
        visit(d(2, 27)),
        visit(d(3, 17), home=False),
        visit(d(3, 18), completed=False),
        visit(d(3, 30)),
    ]
    assert missed_streaks(visits, spans, TODAY) == [Disengagement(1, 3, d(2, 27))]
    # A home visit this week does.
    assert missed_streaks([*visits, visit(d(3, 24))], spans, TODAY) == []


def test_weeks_between_enrollments_are_skipped():
    # Seen 2 February; discharged Friday 6 February, re-enrolled Monday 9 March.
    spans = [span(d(1, 5), d(2, 6)), span(d(3, 9))]
    assert missed_streaks([visit(d(2, 2))], spans, TODAY) == []  # weeks of 9 and 16 March
    assert missed_streaks([visit(d(2, 2))], spans, d(3, 30)) == [Disengagement(1, 3, d(2, 2))]


def test_alerts_are_sorted_longest_first():
    visits = [visit(d(2, 27), family=3), visit(d(2, 2), family=1), visit(d(2, 27), family=2)]
    spans = [span(d(1, 5), family=f) for f in (3, 2, 1)]
    assert [(a.family_id, a.weeks_without_visit) for a in missed_streaks(visits, spans, TODAY)] == [
        (1, 6),
        (2, 3),
        (3, 3),
    ]


# --- 7. documentation timeliness ------------------------------------------------------

THANKSGIVING = frozenset({d(11, 26), d(11, 27)})


def test_note_deadline():
    assert note_deadline(d(3, 2)) == d(3, 4)  # Monday visit: due Wednesday
    assert note_deadline(d(3, 5)) == d(3, 9)  # Thursday visit: due Monday
    assert note_deadline(d(11, 25), holidays=THANKSGIVING) == d(12, 1)
    assert note_deadline(d(3, 2), late_after_business_days=0) == d(3, 2)


def timeliness_of(visit_day, signed, *, today=d(12, 31), holidays=frozenset(), n=2):
    return documentation_timeliness(
        [visit(visit_day, documented=signed)],
        visit_day,
        visit_day,
        today=today,
        holidays=holidays,
        late_after_business_days=n,
    )


@pytest.mark.parametrize(
    ("visit_day", "signed", "late"),
    [
        (d(3, 2), d(3, 2), False),  # same day
        (d(3, 2), d(3, 4), False),  # Monday -> Wednesday: 2 business days
        (d(3, 2), d(3, 5), True),  # Thursday: 3
        (d(3, 5), d(3, 7), False),  # Thursday -> Saturday: 1
        (d(3, 5), d(3, 8), False),  # Thursday -> Sunday: 1
        (d(3, 5), d(3, 9), False),  # Thursday -> Monday: 2, over the weekend
        (d(3, 5), d(3, 10), True),  # Thursday -> Tuesday: 3
        (d(3, 7), d(3, 10), False),  # Saturday visit -> Tuesday: 2
    ],
)
def test_late_after_two_business_days(visit_day, signed, late):
    result = timeliness_of(visit_day, signed)
    assert (result.on_time, result.late) == ((0, 1) if late else (1, 0))
    assert (business_days_between(visit_day, signed) > 2) == late


def test_holidays_extend_the_deadline():
    # Wednesday before Thanksgiving; Thursday and Friday off.
    assert timeliness_of(d(11, 25), d(12, 1), holidays=THANKSGIVING).on_time == 1
    assert timeliness_of(d(11, 25), d(12, 2), holidays=THANKSGIVING).late == 1
    assert timeliness_of(d(11, 25), d(11, 30)).late == 1  # without the holidays: 3 days


def test_unsigned_notes_become_overdue_when_signing_would_be_late():
    assert timeliness_of(d(3, 2), None, today=d(3, 4)).pending == 1
    overdue = timeliness_of(d(3, 2), None, today=d(3, 5))
    assert (overdue.undocumented_overdue, overdue.pending, overdue.share_on_time) == (1, 0, 0.0)
    assert timeliness_of(d(3, 6), None, today=d(3, 10)).pending == 1  # Friday -> Tuesday: 2


def test_timeliness_counts_every_completed_visit():
    visits = [
        visit(d(3, 2), documented=d(3, 3)),  # on time
        visit(d(3, 3), documented=d(3, 4), home=False),  # video: on time, counts here
        visit(d(3, 4), documented=d(3, 20)),  # late
        visit(d(3, 9), documented=None),  # overdue on 13 March
        visit(d(3, 12), documented=None),  # pending on 13 March
        visit(d(3, 10), completed=False, documented=None),  # not completed: no note due
        visit(d(2, 27), documented=d(3, 20)),  # outside the period
    ]
    result = documentation_timeliness(visits, d(3, 1), d(3, 31), today=d(3, 13))
    assert (result.on_time, result.late, result.undocumented_overdue, result.pending) == (
        2,
        1,
        1,
        1,
    )
    assert result.share_on_time == 0.5
    empty = documentation_timeliness([], d(3, 1), d(3, 31), today=d(3, 13))
    assert empty.share_on_time is None


# --- 8. summary -----------------------------------------------------------------------


def test_summary_of_a_small_team():
    spans = [
        span(d(1, 5), family=1),
        span(d(1, 5), family=2, paused=[(d(3, 16), d(3, 22))]),
        span(d(1, 5), d(2, 20), family=3),  # discharged before the period
    ]
    visits = [
        visit(d(3, 2), family=1, minutes=95, components={"alliance"}, documented=d(3, 2)),
        visit(d(3, 4), family=1, minutes=60, components={"material_needs"}, documented=d(3, 9)),
        visit(d(3, 10), family=1, minutes=110, components={"alliance"}, documented=d(3, 11)),
        visit(d(3, 11), family=1, home=False, minutes=30, documented=d(3, 11)),
        visit(
            d(2, 2),
            family=2,
            minutes=100,
            components={"developmental_guidance"},
            documented=d(2, 3),
        ),
    ]
    summary = summarize(visits, spans, d(3, 2), d(3, 15), today=d(3, 18))
    assert summary.families == 2
    assert summary.completed_home_visits == 3
    assert summary.completed_contacts == 1
    assert summary.visits_per_family == 1.5
    assert summary.coverage == Coverage(4, 2, 0.5)
    assert summary.durations.count == 3 and summary.durations.mean == (95 + 60 + 110) / 3
    assert summary.component_shares["alliance"] == pytest.approx(2 / 3)
    # Family 1: window to 2 March {alliance, material_needs}, to 9 March the same + alliance.
    # Family 2: windows to 2 and 9 March hold no visit (the 2 February one is 4+ weeks back).
    assert summary.mean_distinct_components == 2.0
    # Family 2: weeks of 9 Feb - 9 March (5) since the week of 2 February; 16 March is now.
    assert summary.disengaged == (Disengagement(2, 5, d(2, 2)),)
    assert (summary.timeliness.on_time, summary.timeliness.late) == (3, 1)


def synthetic(n_families, weeks, seed=4):
    rng = random.Random(seed)
    start = d(1, 5)
    spans, visits = [], []
    for family in range(1, n_families + 1):
        enrolled = start + timedelta(days=rng.randrange(0, 60))
        end = None if rng.random() < 0.8 else enrolled + timedelta(days=rng.randrange(30, 300))
        pause_start = enrolled + timedelta(days=rng.randrange(0, 200))
        paused = ((pause_start, pause_start + timedelta(days=rng.randrange(3, 30))),)
        spans.append(EnrollmentSpan(family, enrolled, end, paused if rng.random() < 0.3 else ()))
        engagement = rng.choice((0.95, 0.8, 0.5))
        for week in range(weeks):
            if rng.random() < engagement:
                day = start + timedelta(weeks=week, days=rng.randrange(0, 5))
                visits.append(
                    VisitFact(
                        visit_id=len(visits) + 1,
                        family_id=family,
                        visitor_id=family % 15,
                        day=day,
                        completed=rng.random() < 0.9,
                        in_home=rng.random() < 0.9,
                        minutes=rng.choice((None, *range(45, 150, 5))),
                        components=frozenset(rng.sample(KEY_CODES, rng.randrange(1, 4))),
                        documented_on=(
                            None
                            if rng.random() < 0.1
                            else day + timedelta(days=rng.randrange(0, 8))
                        ),
                    )
                )
    return visits, spans


def test_summary_matches_the_single_metrics_on_an_agency_year():
    visits, spans = synthetic(225, 60)
    assert len(visits) > 10_000
    start, end, today = d(1, 5), d(12, 27), d(12, 30)
    summary = summarize(visits, spans, start, end, today=today)
    assert summary.completed_home_visits == completed_home_visits(visits, start, end)
    assert summary.coverage == weekly_coverage(visits, spans, start, end)
    assert summary.durations == duration_summary(visits, start, end)
    assert summary.component_shares == component_shares(visits, start, end)
    assert list(summary.disengaged) == missed_streaks(visits, spans, today)
    assert summary.timeliness == documentation_timeliness(visits, start, end, today=today)
    rows = coverage_by_week(visits, spans, start, end)
    assert sum(r.expected for r in rows) == summary.coverage.expected_weeks
    assert sum(r.covered for r in rows) == summary.coverage.covered_weeks


# --- properties -----------------------------------------------------------------------

FIRST, LAST = d(1, 1), d(4, 30)
days = st.dates(min_value=FIRST, max_value=LAST)
families = st.integers(min_value=1, max_value=4)


@st.composite
def visit_facts(draw):
    day = draw(days)
    return VisitFact(
        visit_id=draw(st.integers(min_value=1, max_value=10**6)),
        family_id=draw(families),
        visitor_id=draw(st.integers(min_value=1, max_value=3)),
        day=day,
        completed=draw(st.booleans()),
        in_home=draw(st.booleans()),
        minutes=draw(st.none() | st.integers(min_value=0, max_value=360)),
        components=draw(st.frozensets(st.sampled_from((*KEY_CODES, "other")), max_size=4)),
        documented_on=draw(st.none() | st.integers(0, 15).map(lambda n: day + timedelta(days=n))),
    )


@st.composite
def pauses(draw):
    first = draw(days)
    return (first, first + timedelta(days=draw(st.integers(min_value=0, max_value=20))))


@st.composite
def enrollment_spans(draw):
    start = draw(days)
    end = draw(st.none() | st.integers(0, 120).map(lambda n: start + timedelta(days=n)))
    return EnrollmentSpan(draw(families), start, end, tuple(draw(st.lists(pauses(), max_size=3))))


@st.composite
def periods(draw):
    start = draw(days)
    return start, start + timedelta(days=draw(st.integers(min_value=0, max_value=90)))


visit_lists = st.lists(visit_facts(), max_size=40)
span_lists = st.lists(enrollment_spans(), max_size=5)


def brute_expected(spans, start, end):
    """The expected-week rule day by day: an independent statement of it."""
    result = {}
    for family in {s.family_id for s in spans}:
        own = [s for s in spans if s.family_id == family]
        weeks = []
        for monday in weeks_between(start, end):
            week = [monday + timedelta(days=i) for i in range(7)]
            week = [day for day in week if start <= day <= end]
            enrolled = [day for day in week if any(_in_span(s, day) for s in own)]
            paused = [
                day
                for day in enrolled
                if any(_in_span(s, day) and any(a <= day <= b for a, b in s.paused) for s in own)
            ]
            if len(enrolled) >= 4 and len(paused) < 4:
                weeks.append(monday)
        result[family] = weeks
    return result


def _in_span(s, day):
    return s.start <= day and (s.end is None or day <= s.end)


@given(span_lists, periods())
def test_expected_weeks_match_the_rule_day_by_day(spans, period):
    assert expected_weeks(spans, *period) == brute_expected(spans, *period)


@given(visit_lists, span_lists, periods(), days)
def test_every_share_stays_between_0_and_1(visits, spans, period, today):
    summary = summarize(visits, spans, *period, today=today)
    shares = [
        summary.coverage.share,
        summary.durations.within_share,
        summary.durations.short_share,
        summary.durations.long_share,
        summary.timeliness.share_on_time,
        *summary.component_shares.values(),
        *(row.share for row in coverage_by_week(visits, spans, *period)),
    ]
    assert all(share is None or 0 <= share <= 1 for share in shares)
    assert 0 <= summary.coverage.covered_weeks <= summary.coverage.expected_weeks
    assert summary.mean_distinct_components is None or 0 <= summary.mean_distinct_components <= 7


@given(visit_lists, span_lists, periods(), visit_facts())
def test_adding_a_completed_home_visit_never_lowers_the_weekly_share(visits, spans, period, new):
    new = replace(new, completed=True, in_home=True)
    before = weekly_coverage(visits, spans, *period)
    after = weekly_coverage([*visits, new], spans, *period)
    assert after.expected_weeks == before.expected_weeks
    assert after.covered_weeks >= before.covered_weeks
    if before.share is not None:
        assert after.share >= before.share


@given(visit_lists, span_lists, periods(), pauses(), st.integers(min_value=0, max_value=4))
def test_adding_a_pause_never_adds_expected_weeks(visits, spans, period, pause, which):
    if not spans:
        return
    index = which % len(spans)
    changed = list(spans)
    changed[index] = replace(spans[index], paused=(*spans[index].paused, pause))
    before = weekly_coverage(visits, spans, *period)
    after = weekly_coverage(visits, changed, *period)
    assert after.expected_weeks <= before.expected_weeks


@given(visit_lists, span_lists, periods(), days, st.randoms(use_true_random=False))
def test_summary_does_not_depend_on_input_order(visits, spans, period, today, rnd):
    shuffled_visits, shuffled_spans = list(visits), list(spans)
    rnd.shuffle(shuffled_visits)
    rnd.shuffle(shuffled_spans)
    assert summarize(shuffled_visits, shuffled_spans, *period, today=today) == summarize(
        visits, spans, *period, today=today
    )


@given(visit_lists, periods(), st.integers(0, 200), st.integers(0, 200))
def test_duration_shares_add_up_to_one(visits, period, low, width):
    summary = duration_summary(visits, *period, low=low, high=low + width)
    if summary.count:
        total = summary.within_share + summary.short_share + summary.long_share
        assert total == pytest.approx(1)
        assert summary.minimum <= summary.mean <= summary.maximum
    else:
        assert summary.within_share is None


@given(visit_lists, periods(), days, st.integers(0, 5))
def test_timeliness_matches_business_days_between(visits, period, today, n):
    result = documentation_timeliness(visits, *period, today=today, late_after_business_days=n)
    judged = [v for v in visits if v.completed and period[0] <= v.day <= period[1]]
    signed = [v for v in judged if v.documented_on is not None]
    late = sum(business_days_between(v.day, v.documented_on) > n for v in signed)
    unsigned = [v for v in judged if v.documented_on is None]
    overdue = sum(business_days_between(v.day, today) > n for v in unsigned)
    assert (result.late, result.on_time) == (late, len(signed) - late)
    assert (result.undocumented_overdue, result.pending) == (overdue, len(unsigned) - overdue)


@given(visit_lists, families, periods(), st.integers(1, 6))
def test_rolling_components_match_a_direct_count(visits, family, period, window):
    rows = distinct_components_rolling(visits, family, *period, window_weeks=window)
    assert [monday for monday, _ in rows] == weeks_between(*period)
    for monday, count in rows:
        first = monday - timedelta(weeks=window - 1)
        codes = {
            code
            for v in visits
            if v.family_id == family and v.is_home_visit and first <= week_start(v.day) <= monday
            for code in v.components
        }
        assert count == len(codes)


@given(visit_lists, span_lists, days, st.integers(1, 5))
def test_streaks_match_a_week_by_week_count(visits, spans, today, threshold):
    alerts = {
        a.family_id: a for a in missed_streaks(visits, spans, today, threshold_weeks=threshold)
    }
    current = week_start(today)
    for family in {s.family_id for s in spans}:
        own = [s for s in spans if s.family_id == family]
        if not any(s.start <= today and (s.end is None or s.end > today) for s in own):
            assert family not in alerts
            continue
        seen = [
            v.day for v in visits if v.family_id == family and v.is_home_visit and v.day <= today
        ]
        last = max(seen, default=None)
        counted = [
            monday
            for monday in brute_expected(
                own, d(1, 1) - timedelta(days=14), current - timedelta(days=1)
            )[family]
            if last is None or monday > week_start(last)
        ]
        if len(counted) >= threshold:
            assert alerts[family] == Disengagement(family, len(counted), last)
        else:
            assert family not in alerts


# --- visits delivered / planned per the plan in force ---------------------------------

from imhhv.core.fidelity import PLANNED_PER_WEEK, PlanChange, PlanHistory  # noqa: E402


def plan(day, frequency, *, family=1, order=0):
    return PlanChange(family, day, frequency, order)


MARCH = (d(3, 2), d(3, 29))  # four whole weeks: Mondays 2, 9, 16, 23


def test_every_other_week_family_seen_every_other_week_meets_its_plan():
    # Enrolled all March, plan every other week since February; home visits on 3 and
    # 17 March. Weekly coverage: 2 of 4 weeks = 50 %. Plan: 4 weeks x 0.5 = 2 planned,
    # 2 delivered = 100 %.
    visits = [visit(d(3, 3)), visit(d(3, 17))]
    summary = summarize(
        visits, [ENROLLED], *MARCH, today=d(3, 30), plans=[plan(d(2, 2), "every_other_week")]
    )
    assert summary.coverage.share == 0.5
    assert (summary.plan.planned, summary.plan.delivered, summary.plan.share) == (2.0, 2, 1.0)


def test_twice_weekly_counts_two_visits_a_week_and_no_more():
    # Twice weekly: 4 weeks x 2 = 8 planned. Week of 2 March: 3 visits count 2 (capped);
    # 9 March: 1; 16 March: 0; 23 March: 2. Delivered 5 of 8.
    visits = [visit(d(3, 2)), visit(d(3, 4)), visit(d(3, 6)), visit(d(3, 10))]
    visits += [visit(d(3, 23)), visit(d(3, 26))]
    summary = summarize(
        visits, [ENROLLED], *MARCH, today=d(3, 30), plans=[plan(d(1, 5), "twice_weekly")]
    )
    assert (summary.plan.planned, summary.plan.delivered) == (8.0, 5)
    assert summary.plan.share == 5 / 8
    assert summary.coverage.share == 0.75


def test_a_change_applies_from_the_week_it_is_in_force_by_thursday():
    # Weekly until a change to every other week on Thursday 12 March (in force for the
    # week of 9 March); a further change on Friday 20 March comes too late for its week.
    changes = [
        plan(d(1, 5), "weekly"),
        plan(d(3, 12), "every_other_week"),
        plan(d(3, 20), "twice_weekly"),
    ]
    history = PlanHistory(changes)
    assert [history.frequency_in_week(m) for m in (d(3, 2), d(3, 9), d(3, 16), d(3, 23))] == [
        "weekly",
        "every_other_week",
        "every_other_week",
        "twice_weekly",
    ]
    summary = summarize([], [ENROLLED], *MARCH, today=d(3, 30), plans=history_changes(history))
    assert summary.plan.planned == 1 + 0.5 + 0.5 + 2


def history_changes(history):
    # Rebuild the changes the history was made from (for summarize's input).
    return [plan(day, frequency) for day, frequency in zip(history._days, history._frequencies)]


def test_a_pause_plans_nothing_and_the_plan_before_it_resumes():
    # Every other week from February; paused 9-22 March (two whole weeks, not expected);
    # the every-other-week plan applies again from 23 March. Planned: 0.5 + 0.5 = 1.
    paused = span(d(1, 5), paused=[(d(3, 9), d(3, 22))])
    plans = [plan(d(2, 2), "every_other_week"), plan(d(3, 9), "paused", order=2)]
    summary = summarize([visit(d(3, 24))], [paused], *MARCH, today=d(3, 30), plans=plans)
    assert summary.coverage.expected_weeks == 2
    assert (summary.plan.planned, summary.plan.delivered, summary.plan.share) == (1.0, 1, 1.0)


def test_without_a_plan_every_week_is_weekly_and_the_same_day_later_row_wins():
    summary = summarize([visit(d(3, 3))], [ENROLLED], *MARCH, today=d(3, 30))
    assert (summary.plan.planned, summary.plan.delivered) == (4.0, 1)
    assert summary.plan.share == summary.coverage.share == 0.25
    same_day = PlanHistory(
        [plan(d(3, 2), "twice_weekly", order=7), plan(d(3, 2), "weekly", order=3)]
    )
    assert same_day.frequency_in_week(d(3, 2)) == "twice_weekly"
    assert PlanHistory([]).planned_in_week(d(3, 2)) == 1.0
    with pytest.raises(ValueError, match="frequency"):
        plan(d(3, 2), "monthly")


frequencies = st.sampled_from(sorted(PLANNED_PER_WEEK))


@st.composite
def plan_changes(draw):
    return PlanChange(draw(families), draw(days), draw(frequencies), draw(st.integers(0, 1000)))


plan_lists = st.lists(plan_changes(), max_size=6)


@given(visit_lists, span_lists, periods(), plan_lists)
def test_plan_share_stays_between_0_and_1_and_delivered_within_planned_rounded_up(
    visits, spans, period, plans
):
    summary = summarize(visits, spans, *period, today=period[1], plans=plans)
    p = summary.plan
    assert p.planned >= 0 and p.delivered >= 0
    assert (p.share is None) == (p.planned == 0)
    assert p.share is None or 0 <= p.share <= 1
    # Each expected week plans at most 2 and delivers at most ceil(planned).
    assert p.planned <= 2 * summary.coverage.expected_weeks
    assert p.delivered <= 2 * summary.coverage.expected_weeks


@given(visit_lists, span_lists, periods())
def test_all_weekly_plans_give_the_weekly_share(visits, spans, period):
    weekly = [PlanChange(f, FIRST - timedelta(days=30), "weekly") for f in range(1, 5)]
    summary = summarize(visits, spans, *period, today=period[1], plans=weekly)
    assert summary.plan.planned == summary.coverage.expected_weeks
    assert summary.plan.delivered == summary.coverage.covered_weeks
    assert summary.plan.share == summary.coverage.share


@given(visit_lists, span_lists, periods(), plan_lists, visit_facts())
def test_another_completed_home_visit_never_lowers_the_plan_share(
    visits, spans, period, plans, new
):
    before = summarize(visits, spans, *period, today=period[1], plans=plans).plan
    home = replace(new, completed=True, in_home=True)
    after = summarize([*visits, home], spans, *period, today=period[1], plans=plans).plan
    assert after.planned == before.planned and after.delivered >= before.delivered


@given(visit_lists, span_lists, periods(), plan_lists, st.randoms(use_true_random=False))
def test_plan_delivery_does_not_depend_on_the_order_of_plan_rows(visits, spans, period, plans, rnd):
    shuffled = list(plans)
    rnd.shuffle(shuffled)
    first = summarize(visits, spans, *period, today=period[1], plans=plans).plan
    assert summarize(visits, spans, *period, today=period[1], plans=shuffled).plan == first


def test_the_weekly_trend_shows_each_week_against_its_plan():
    # Every other week: each March week plans half a visit; visits on 3 and 17 March.
    weeks = coverage_by_week(
        [visit(d(3, 3)), visit(d(3, 17))],
        [ENROLLED],
        *MARCH,
        plans=[plan(d(2, 2), "every_other_week")],
    )
    assert [(w.planned, w.delivered) for w in weeks] == [(0.5, 1), (0.5, 0), (0.5, 1), (0.5, 0)]
    assert [w.plan_share for w in weeks] == [1.0, 0.0, 1.0, 0.0]
    assert [w.share for w in weeks] == [1.0, 0.0, 1.0, 0.0]


@given(visit_lists, span_lists, periods(), plan_lists)
def test_the_weeks_add_up_to_the_plan_delivery_of_the_period(visits, spans, period, plans):
    weeks = coverage_by_week(visits, spans, *period, plans=plans)
    summary = summarize(visits, spans, *period, today=period[1], plans=plans)
    assert math.isclose(sum(w.planned for w in weeks), summary.plan.planned)
    assert sum(w.delivered for w in weeks) == summary.plan.delivered


# --- figures shown outside an agency --------------------------------------------------

from imhhv.core.fidelity import (  # noqa: E402
    Durations,
    FidelitySummary,
    PlanDelivery,
    Timeliness,
    public_figures,
)
from imhhv.core.fidelity.public import _columns, _counts  # noqa: E402


def fake_summary(families, home, disengaged, expected, covered, on_time=0, late=0):
    return FidelitySummary(
        start=d(3, 2),
        end=d(3, 29),
        families=families,
        completed_home_visits=home,
        completed_contacts=0,
        visits_per_family=home / families if families else None,
        coverage=Coverage(expected, covered, covered / expected if expected else None),
        durations=Durations(0, None, None, None, None, None, None),
        component_shares={code: None for code in KEY_CODES},
        mean_distinct_components=None,
        disengaged=tuple(Disengagement(i, 3, None) for i in range(disengaged)),
        timeliness=Timeliness(on_time, late, 0, None),
        plan=PlanDelivery(float(expected), covered, covered / expected if expected else None),
    )


def test_a_small_cell_and_its_complement_are_hidden_the_total_shown():
    rows, total = public_figures(
        [fake_summary(40, 80, 7, 100, 80), fake_summary(50, 90, 15, 120, 90)],
        fake_summary(90, 170, 22, 220, 170),
    )
    assert [r["disengaged_count"] for r in rows] == [None, None]
    assert total["disengaged_count"] == 22
    assert [r["families"] for r in rows] == [40, 50] and total["families"] == 90
    # 80 of 100 weeks: both counts large, and so is the 20 not covered.
    assert rows[0]["coverage"]["share"] == 0.8
    assert "disengaged" not in rows[0]


def test_a_rate_whose_complement_is_small_is_hidden():
    rows, _ = public_figures([fake_summary(40, 95, 0, 100, 95)] * 2)
    assert rows[0]["coverage"]["share"] is None  # 5 weeks without a visit would show


summary_counts = st.tuples(
    st.integers(0, 60), st.integers(0, 60), st.integers(0, 30), st.integers(0, 80)
).map(lambda t: fake_summary(t[0], t[1], min(t[2], t[0]), t[3], min(t[1], t[3])))


@given(st.lists(summary_counts, min_size=1, max_size=6))
def test_no_shown_count_is_small_and_no_column_holds_one_hidden_cell(rows):
    totals = fake_summary(
        sum(s.families for s in rows),
        sum(s.completed_home_visits for s in rows),
        sum(len(s.disengaged) for s in rows),
        sum(s.coverage.expected_weeks for s in rows),
        sum(s.coverage.covered_weeks for s in rows),
    )
    shown, total = public_figures(rows, totals)
    paths = {
        "families": ("families",),
        "completed_home_visits": ("completed_home_visits",),
        "disengaged_count": ("disengaged_count",),
        "expected_weeks": ("coverage", "expected_weeks"),
        "covered_weeks": ("coverage", "covered_weeks"),
    }

    def at(figures, path):
        for key in path:
            figures = figures[key]
        return figures

    for name, path in paths.items():
        column = [at(r, path) for r in shown]
        assert all(v is None or v == 0 or v > 10 for v in column), name
        if at(total, path) is not None:
            assert sum(v is None for v in column) != 1, name
    for r in shown:
        share = r["coverage"]["share"]
        assert share is None or (
            r["coverage"]["covered_weeks"] is not None
            and r["coverage"]["expected_weeks"] is not None
        )
    assert set(_counts(rows[0])) == set(_columns(rows))


def test_a_hidden_component_share_cannot_be_worked_out_from_the_statewide_share():
    """5 of agency A's 80 home visits addressed material needs: A's share is hidden, and
    so is a second agency's, or the statewide share (shown) would give A's count away."""
    code = KEY_CODES[1]

    def with_component(summary, visits):
        shares = {**summary.component_shares, code: visits / summary.completed_home_visits}
        return FidelitySummary(**{**summary.__dict__, "component_shares": shares})

    rows = [
        with_component(fake_summary(40, 80, 0, 100, 80), 5),
        with_component(fake_summary(50, 90, 0, 120, 90), 45),
        with_component(fake_summary(60, 100, 0, 130, 100), 70),
    ]
    total = with_component(fake_summary(150, 270, 0, 350, 270), 120)
    shown, statewide = public_figures(rows, total)
    column = [r["component_shares"][code] for r in shown]
    assert column[0] is None
    assert sum(v is None for v in column) >= 2
    assert statewide["component_shares"][code] == 120 / 270
