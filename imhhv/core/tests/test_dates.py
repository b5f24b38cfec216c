from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.dates import future_errors, is_future, not_in_future

TODAY = date(2026, 3, 4)


def test_today_is_allowed_and_tomorrow_is_not():
    assert not_in_future(TODAY, today=TODAY, what="A birth date") is None
    assert not_in_future(TODAY - timedelta(days=400), today=TODAY, what="A birth date") is None
    assert (
        not_in_future(TODAY + timedelta(days=1), today=TODAY, what="A birth date")
        == "A birth date cannot be in the future."
    )


def test_a_missing_day_is_left_to_another_rule():
    assert not_in_future(None, today=TODAY, what="The discharge date") is None


def test_datetimes_compare_with_datetimes_only():
    now = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    assert is_future(now + timedelta(minutes=1), today=now)
    assert not is_future(now, today=now)
    with pytest.raises(TypeError):
        is_future(now, today=TODAY)


def test_several_fields_at_once():
    errors = future_errors(
        {
            "enrolled_on": (TODAY + timedelta(days=2), "The enrollment date"),
            "given_on": (TODAY, "A consent date"),
            "birth_date": (None, "A birth date"),
        },
        today=TODAY,
    )
    assert errors == {"enrolled_on": "The enrollment date cannot be in the future."}


@given(st.dates(), st.dates())
def test_refused_exactly_when_after_today(day, today):
    assert (not_in_future(day, today=today, what="A day") is not None) == (day > today)
