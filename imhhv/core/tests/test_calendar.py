from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.calendar import (
    add_business_days,
    business_days_between,
    federal_holidays,
    is_business_day,
    week_start,
    weeks_between,
)
from imhhv.core.visit_rules import is_late

# 2026: Monday 2 March; Thanksgiving Thursday 26 November, Friday 27 November also off.
THANKSGIVING = frozenset({date(2026, 11, 26), date(2026, 11, 27)})
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
holiday_sets = st.frozensets(
    st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 2, 28)), max_size=20
)
near_dates = st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 2, 28))


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 3, 2), date(2026, 3, 2)),  # a Monday is its own week start
        (date(2026, 3, 4), date(2026, 3, 2)),
        (date(2026, 3, 8), date(2026, 3, 2)),  # Sunday closes the week
        (date(2026, 3, 9), date(2026, 3, 9)),
        (date(2026, 1, 1), date(2025, 12, 29)),  # across the new year
    ],
)
def test_week_start(day, monday):
    assert week_start(day) == monday


def test_weeks_between():
    assert weeks_between(date(2026, 3, 4), date(2026, 3, 10)) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
    ]
    assert weeks_between(date(2026, 3, 2), date(2026, 3, 8)) == [date(2026, 3, 2)]
    assert weeks_between(date(2026, 3, 8), date(2026, 3, 8)) == [date(2026, 3, 2)]
    assert weeks_between(date(2025, 12, 31), date(2026, 1, 5)) == [
        date(2025, 12, 29),
        date(2026, 1, 5),
    ]
    assert weeks_between(date(2026, 3, 9), date(2026, 3, 8)) == []


def test_is_business_day():
    assert is_business_day(date(2026, 3, 6))  # Friday
    assert not is_business_day(date(2026, 3, 7))  # Saturday
    assert not is_business_day(date(2026, 3, 8))  # Sunday
    assert not is_business_day(date(2026, 11, 26), THANKSGIVING)
    assert is_business_day(date(2026, 11, 26))


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 3, 2), 2, date(2026, 3, 4)),  # Monday + 2 = Wednesday
        (date(2026, 3, 5), 2, date(2026, 3, 9)),  # Thursday + 2 = Monday, over the weekend
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday + 1 = Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday + 1 = Monday
        (date(2026, 3, 8), 0, date(2026, 3, 8)),  # 0: the day itself, even a Sunday
        (date(2026, 3, 2), 5, date(2026, 3, 9)),
        (date(2026, 3, 9), -1, date(2026, 3, 6)),  # Monday - 1 = Friday
        (date(2026, 3, 4), -2, date(2026, 3, 2)),
    ],
)
def test_add_business_days(day, n, expected):
    assert add_business_days(day, n) == expected


def test_add_business_days_skips_holidays():
    # Wednesday before Thanksgiving + 2: Thursday and Friday are off, so Monday, Tuesday.
    assert add_business_days(date(2026, 11, 25), 2, THANKSGIVING) == date(2026, 12, 1)
    assert add_business_days(date(2026, 11, 25), 2) == date(2026, 11, 27)
    assert add_business_days(date(2026, 11, 30), -1, THANKSGIVING) == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 4), 2),  # Monday -> Wednesday
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday -> Monday: the weekend is skipped
        (date(2026, 3, 6), date(2026, 3, 8), 0),  # Friday -> Sunday
        (date(2026, 3, 7), date(2026, 3, 9), 1),  # Saturday -> Monday
        (date(2026, 3, 2), date(2026, 3, 2), 0),
        (date(2026, 3, 4), date(2026, 3, 2), 0),  # b before a
        (date(2026, 3, 2), date(2026, 3, 30), 20),  # four whole weeks
        (date(2025, 12, 31), date(2026, 1, 2), 2),  # across the new year
    ],
)
def test_business_days_between(a, b, expected):
    assert business_days_between(a, b) == expected


def test_business_days_between_skips_weekday_holidays_only():
    wednesday, monday = date(2026, 11, 25), date(2026, 11, 30)
    assert business_days_between(wednesday, monday) == 3
    assert business_days_between(wednesday, monday, THANKSGIVING) == 1
    # A holiday on a Saturday, or on the first day itself (not counted anyway), changes nothing.
    assert business_days_between(wednesday, monday, {date(2026, 11, 28), wednesday}) == 3
    # A holiday on the last day counts (b is included).
    assert business_days_between(wednesday, monday, {monday}) == 2


def brute_business_days(a, b, holidays):
    count, day = 0, a + timedelta(days=1)
    while day <= b:
        count += day.weekday() < 5 and day not in holidays
        day += timedelta(days=1)
    return count


@given(near_dates, near_dates, holiday_sets)
def test_business_days_between_counts_day_by_day(a, b, holidays):
    assert business_days_between(a, b, holidays) == brute_business_days(a, b, holidays)


@given(near_dates, st.integers(min_value=0, max_value=40), holiday_sets)
def test_add_then_count_round_trips(day, n, holidays):
    later = add_business_days(day, n, holidays)
    assert business_days_between(day, later, holidays) == n
    if n:
        assert is_business_day(later, holidays)
        # The first day reaching n: one day earlier is one business day short.
        assert business_days_between(day, later - timedelta(days=1), holidays) == n - 1


@given(near_dates, st.integers(min_value=0, max_value=40), holiday_sets)
def test_add_business_days_backwards_undoes_forwards(day, n, holidays):
    if is_business_day(day, holidays):
        assert add_business_days(add_business_days(day, n, holidays), -n, holidays) == day


@given(dates)
def test_week_start_is_the_monday_of_the_week(day):
    monday = week_start(day)
    assert monday.weekday() == 0
    assert 0 <= (day - monday).days <= 6


@given(dates, st.integers(min_value=0, max_value=400))
def test_weeks_between_covers_the_range(start, length):
    end = start + timedelta(days=length)
    mondays = weeks_between(start, end)
    assert all(m.weekday() == 0 for m in mondays)
    assert all((b - a).days == 7 for a, b in zip(mondays, mondays[1:]))
    assert mondays[0] <= start <= mondays[0] + timedelta(days=6)
    assert mondays[-1] <= end <= mondays[-1] + timedelta(days=6)


# --- the federal calendar and the late-note check -------------------------------------------


def test_federal_holidays_include_observed_weekdays():
    days = federal_holidays(date(2026, 1, 1), date(2027, 12, 31))
    assert date(2026, 11, 26) in days  # Thanksgiving, the fourth Thursday
    assert date(2026, 11, 27) not in days  # the Friday after is not federal
    assert date(2026, 7, 3) in days  # the 4th is a Saturday: observed on Friday
    assert date(2027, 12, 31) in days  # New Year's Day 2028 (a Saturday), observed
    assert date(2026, 6, 19) in days  # Juneteenth
    assert len([d for d in days if d.year == 2026 and d.weekday() < 5]) == 11


def test_federal_holidays_of_a_range_stay_inside_it():
    assert federal_holidays(date(2026, 11, 27), date(2026, 12, 24)) == frozenset()
    assert federal_holidays(date(2026, 12, 25), date(2026, 12, 1)) == frozenset()


def test_thanksgiving_week_note_signed_monday_is_on_time():
    """Visit on the Wednesday before Thanksgiving, note signed the following Monday, due
    within 2 business days: Thursday is a federal holiday, so Friday is the first business
    day and Monday the second. On time. Without the holiday calendar: late."""
    visit, signed = date(2026, 11, 25), date(2026, 11, 30)
    holidays = federal_holidays(visit, signed)
    assert not is_late(visit, signed, business_days=2, holidays=holidays)
    assert is_late(visit, signed, business_days=2)
    assert is_late(visit, date(2026, 12, 1), business_days=2, holidays=holidays)


def test_a_state_day_counts_like_a_federal_one():
    visit, signed = date(2026, 11, 25), date(2026, 12, 1)  # signed Tuesday
    federal = federal_holidays(visit, signed)
    assert is_late(visit, signed, business_days=2, holidays=federal)
    state_friday = federal | {date(2026, 11, 27)}
    assert not is_late(visit, signed, business_days=2, holidays=state_friday)


@given(near_dates, st.integers(0, 30), st.integers(0, 5), holiday_sets, holiday_sets)
def test_adding_holidays_never_makes_an_on_time_note_late(visit, delay, n, some, more):
    signed = visit + timedelta(days=delay)
    if not is_late(visit, signed, business_days=n, holidays=some):
        assert not is_late(visit, signed, business_days=n, holidays=some | more)


def test_existing_calls_without_holidays_still_work():
    assert is_late(date(2026, 3, 2), date(2026, 3, 5), business_days=2)
    assert not is_late(date(2026, 3, 2), date(2026, 3, 4), business_days=2)
