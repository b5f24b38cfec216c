"""The visits a plan promises in a week, and which are still open (imhhv.core.visit_plan).

Pure dates: 2 March 2026 is a Monday.
"""

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.calendar import week_start
from imhhv.core.visit_plan import (
    DEFAULT_PLAN,
    FREQUENCIES,
    PlanRow,
    Slot,
    open_slots,
    plan_on,
    week_slots,
)

MON = date(2026, 3, 2)
TUE, WED, THU, FRI, SAT, SUN = (MON + timedelta(days=i) for i in range(1, 7))
TEN = time(10, 0)
ENROLLED = [(date(2025, 1, 1), None)]


def weekly(day=1, at=TEN, since=date(2025, 1, 1), **kw):
    return PlanRow(
        effective_from=since, frequency="weekly", preferred_day=day, preferred_time=at, **kw
    )


def test_weekly_plan_gives_one_visit_on_the_preferred_day():
    assert week_slots([weekly(day=1)], ENROLLED, THU) == [Slot(TUE, TEN)]


def test_twice_weekly_adds_the_day_three_days_later_inside_the_same_week():
    monday = PlanRow(date(2025, 1, 1), "twice_weekly", preferred_day=0, preferred_time=TEN)
    assert week_slots([monday], ENROLLED, MON) == [Slot(MON, TEN), Slot(THU, TEN)]
    friday = PlanRow(date(2025, 1, 1), "twice_weekly", preferred_day=4)
    assert week_slots([friday], ENROLLED, MON) == [Slot(MON), Slot(FRI)]


def test_every_other_week_counts_from_the_week_the_plan_took_effect():
    plan = PlanRow(WED, "every_other_week", preferred_day=4)  # takes effect this Wednesday
    assert week_slots([plan], ENROLLED, MON) == [Slot(FRI)]
    assert week_slots([plan], ENROLLED, MON + timedelta(weeks=1)) == []
    assert week_slots([plan], ENROLLED, MON + timedelta(weeks=2)) == [
        Slot(FRI + timedelta(weeks=2))
    ]


def test_a_pause_stops_visits_and_the_plan_before_it_comes_back():
    plans = [weekly(day=1), PlanRow(MON - timedelta(weeks=1), "paused", paused_until=WED)]
    assert week_slots(plans, ENROLLED, MON) == []  # Tuesday is inside the pause
    assert week_slots(plans, ENROLLED, MON + timedelta(weeks=1)) == [
        Slot(TUE + timedelta(weeks=1), TEN)
    ]


def test_the_newest_plan_effective_on_a_day_applies():
    old = weekly(day=0, order=1)
    new = weekly(day=3, since=WED, order=2)  # from Wednesday on: Thursdays
    # Monday still under the old plan, Thursday under the new one: both promised.
    assert week_slots([old, new], ENROLLED, MON) == [Slot(MON, TEN), Slot(THU, TEN)]
    assert week_slots([old, new], ENROLLED, MON + timedelta(weeks=1)) == [
        Slot(THU + timedelta(weeks=1), TEN)
    ]
    same_day = weekly(day=4, since=date(2025, 1, 1), order=3)  # same date, later row wins
    assert plan_on([old, same_day], MON) == same_day


def test_no_plan_means_weekly_without_a_day():
    assert plan_on([], MON) == DEFAULT_PLAN
    assert week_slots([], ENROLLED, MON) == [Slot(None)]
    twice = PlanRow(date(2025, 1, 1), "twice_weekly")
    assert week_slots([twice], ENROLLED, MON) == [Slot(None), Slot(None)]


def test_no_visit_outside_enrollment():
    assert week_slots([weekly(day=1)], [(WED, None)], MON) == []  # enrolled Wednesday
    assert week_slots([weekly(day=4)], [(WED, None)], MON) == [Slot(FRI, TEN)]
    assert week_slots([weekly(day=4)], [(date(2025, 1, 1), THU)], MON) == []  # discharged
    assert week_slots([], [], MON) == []


def test_any_visit_of_the_week_covers_a_weekly_slot():
    slots = [Slot(TUE, TEN)]
    assert open_slots(slots, [WED]) == []
    assert open_slots(slots, []) == slots


def test_same_day_visits_match_first():
    slots = [Slot(MON, TEN), Slot(THU, TEN)]
    assert open_slots(slots, [THU]) == [Slot(MON, TEN)]
    assert open_slots(slots, [SAT]) == [Slot(THU, TEN)]  # the earliest left
    assert open_slots(slots, [THU, SAT]) == []


def test_undated_slots_are_covered_last():
    assert open_slots([Slot(None), Slot(FRI)], [MON]) == [Slot(None)]


def test_plan_row_checks_its_values():
    with pytest.raises(ValueError):
        PlanRow(MON, "monthly")
    with pytest.raises(ValueError):
        PlanRow(MON, "paused")
    with pytest.raises(ValueError):
        PlanRow(MON, "weekly", preferred_day=7)


# --- properties -----------------------------------------------------------------------

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def plan_rows(draw):
    frequency = draw(st.sampled_from(FREQUENCIES))
    start = draw(days)
    return PlanRow(
        effective_from=start,
        frequency=frequency,
        paused_until=start + timedelta(days=draw(st.integers(0, 60)))
        if frequency == "paused"
        else None,
        preferred_day=draw(st.none() | st.integers(0, 6)),
        preferred_time=draw(st.none() | st.just(TEN)),
        order=draw(st.integers(0, 1000)),
    )


spans = st.lists(
    st.tuples(days, st.none() | st.integers(0, 400)).map(
        lambda t: (t[0], None if t[1] is None else t[0] + timedelta(days=t[1]))
    ),
    max_size=3,
)


@given(st.lists(plan_rows(), max_size=5), spans, days)
def test_slots_stay_inside_the_week_and_enrollment(plans, enrolled, day):
    slots = week_slots(plans, enrolled, day)
    monday = week_start(day)
    dated = [s.day for s in slots if s.day is not None]
    assert len(dated) == len(set(dated))  # at most one visit a day
    for slot in slots:
        if slot.day is not None:
            assert monday <= slot.day <= monday + timedelta(days=6)
            assert any(s <= slot.day and (e is None or slot.day <= e) for s, e in enrolled)
            assert plan_on(plans, slot.day) is not None  # never on a paused day


@given(st.lists(plan_rows(), max_size=5), spans, days, st.lists(days, max_size=4))
def test_open_slots_never_invents_or_covers_too_much(plans, enrolled, day, recorded):
    slots = week_slots(plans, enrolled, day)
    left = open_slots(slots, recorded)
    assert len(left) == max(0, len(slots) - len(recorded))
    remaining = list(slots)
    for slot in left:  # a sub-multiset of the planned slots
        remaining.remove(slot)


@given(plan_rows(), days)
def test_a_plan_is_in_force_from_its_date(row, day):
    found = plan_on([row], day)
    if day < row.effective_from:
        assert found == DEFAULT_PLAN
    elif row.frequency == "paused":
        assert found is None if day <= row.paused_until else found == DEFAULT_PLAN
    else:
        assert found == row
