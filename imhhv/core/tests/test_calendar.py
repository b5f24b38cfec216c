from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.calendar import (
    add_business_days,
    business_days_between,
    is_business_day,
    week_start,
    weeks_between,
)

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
