from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.ages import (
    add_months,
    age_in_months,
    check_child_dates,
    corrected_age_months,
    needs_transition_planning,
    transition_date,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 10), 1, date(2026, 1, 10)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@given(dates, st.integers(min_value=0, max_value=60))
def test_a_child_is_n_months_old_exactly_from_add_months(birth, n):
    reached = add_months(birth, n)
    assert age_in_months(birth, reached) == n
    assert age_in_months(birth, reached - timedelta(days=1)) == n - 1


def test_transition_date_is_the_third_birthday():
    assert transition_date(date(2023, 11, 22)) == date(2026, 11, 22)
    assert transition_date(date(2023, 11, 22), 24) == date(2025, 11, 22)


def test_leap_day_child_reaches_the_limit_on_28_february():
    assert transition_date(date(2024, 2, 29)) == date(2027, 2, 28)
    assert age_in_months(date(2024, 2, 29), date(2027, 2, 28)) == 36
    assert age_in_months(date(2024, 2, 29), date(2027, 2, 27)) == 35
    assert transition_date(date(2024, 2, 29), 48) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 8, 21), False),  # the day before the 33-month birthday
        (date(2026, 8, 22), True),  # the 33-month birthday
        (date(2026, 11, 21), True),  # the day before the third birthday
        (date(2026, 11, 22), False),  # the third birthday: over the limit
    ],
)
def test_transition_planning_window(on, expected):
    assert needs_transition_planning(date(2023, 11, 22), on) is expected


def test_transition_planning_with_a_24_month_limit():
    birth = date(2024, 5, 1)
    assert needs_transition_planning(birth, date(2026, 2, 1), from_months=21, age_limit_months=24)
    assert not needs_transition_planning(
        birth, date(2026, 5, 1), from_months=21, age_limit_months=24
    )


@given(dates, st.integers(min_value=-400, max_value=2000))
def test_transition_planning_is_exactly_the_window(birth, offset):
    on = birth + timedelta(days=offset)
    start = add_months(birth, 33)
    assert needs_transition_planning(birth, on) is (start <= on < transition_date(birth))
    assert needs_transition_planning(birth, on) is (33 <= age_in_months(birth, on) < 36)


@pytest.mark.parametrize(
    ("weeks", "on", "expected"),
    [
        (None, date(2025, 7, 1), None),
        (37, date(2025, 7, 1), None),  # born at term
        (40, date(2025, 7, 1), None),
        (36, date(2025, 7, 1), 5),  # 4 weeks early: term date 2025-01-29
        (32, date(2025, 7, 1), 4),  # 8 weeks early: term date 2025-02-26
        (28, date(2025, 7, 1), 3),  # 12 weeks early: term date 2025-03-26
        (28, date(2025, 1, 1), -3),  # birth day: 2 months 25 days before the term date
        (28, date(2025, 2, 1), -2),  # counted like age_in_months before birth (floored)
        (28, date(2025, 3, 26), 0),  # the 40-week date
        (28, date(2026, 12, 31), 21),  # chronological 23 months: still corrected
        (28, date(2027, 1, 1), None),  # chronological 24 months: correction stops
    ],
)
def test_corrected_age(weeks, on, expected):
    assert corrected_age_months(date(2025, 1, 1), on, weeks) == expected


def test_corrected_age_rejects_nonsense_gestation():
    with pytest.raises(ValueError):
        corrected_age_months(date(2025, 1, 1), date(2025, 6, 1), 0)


@given(dates, st.integers(min_value=0, max_value=800), st.integers(min_value=22, max_value=42))
def test_corrected_age_never_exceeds_chronological(birth, days, weeks):
    on = birth + timedelta(days=days)
    corrected = corrected_age_months(birth, on, weeks)
    chronological = age_in_months(birth, on)
    if weeks >= 37 or chronological >= 24:
        assert corrected is None
    else:
        assert corrected is not None
        assert corrected <= chronological


TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("birth_date", "due_date", "errors"),
    [
        (None, None, {"birth_date": "Give a birth date or a due date."}),
        (TODAY, None, {}),
        (TODAY + timedelta(days=1), None, {"birth_date": "A birth date cannot be in the future."}),
        (None, date(2026, 4, 15), {}),  # exactly 10 months ahead
        (None, date(2026, 4, 16), {"due_date": "A due date cannot be more than 10 months away."}),
        (None, TODAY - timedelta(days=28), {}),  # exactly 4 weeks overdue
        (
            None,
            TODAY - timedelta(days=29),
            {
                "due_date": "The due date passed more than 4 weeks ago: record the birth "
                "(date, gestational age, weight) instead."
            },
        ),
        (date(2025, 1, 1), date(2024, 12, 1), {}),  # born: a past due date is history
    ],
)
def test_check_child_dates(birth_date, due_date, errors):
    assert check_child_dates(today=TODAY, birth_date=birth_date, due_date=due_date) == errors


def test_check_child_dates_reports_both_fields():
    errors = check_child_dates(
        today=TODAY, birth_date=TODAY + timedelta(days=3), due_date=date(2027, 1, 1)
    )
    assert set(errors) == {"birth_date", "due_date"}
