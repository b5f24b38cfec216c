"""The holiday calendar: federal days computed, state days from the database, one query."""

from datetime import date

from imhhv.agencies.tests.factories import StateHolidayFactory
from imhhv.core.visit_rules import is_late
from imhhv.reference.holidays import calendar_between, holidays_between

VISIT, MONDAY, TUESDAY = date(2026, 11, 25), date(2026, 11, 30), date(2026, 12, 1)


def test_federal_days_come_without_any_row(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        days = holidays_between(VISIT, TUESDAY)
    assert days == {date(2026, 11, 26)}
    assert not is_late(VISIT, MONDAY, business_days=2, holidays=days)
    assert is_late(VISIT, TUESDAY, business_days=2, holidays=days)


def test_a_state_added_day_counts(db, django_assert_num_queries):
    StateHolidayFactory(day=date(2026, 11, 27), name="Day after Thanksgiving")
    StateHolidayFactory(day=date(2027, 3, 5), name="Outside the range")
    with django_assert_num_queries(1):
        days = holidays_between(VISIT, TUESDAY)
    assert days == {date(2026, 11, 26), date(2026, 11, 27)}
    assert not is_late(VISIT, TUESDAY, business_days=2, holidays=days)


def test_an_empty_range_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert holidays_between(TUESDAY, VISIT) == frozenset()


def test_the_settings_calendar_names_each_day(db):
    StateHolidayFactory(day=date(2026, 11, 27), name="Day after Thanksgiving")
    days = calendar_between(date(2026, 11, 1), date(2026, 12, 31))
    assert [(h.day, h.name, h.federal) for h in days] == [
        (date(2026, 11, 11), "Veterans Day", True),
        (date(2026, 11, 26), "Thanksgiving Day", True),
        (date(2026, 11, 27), "Day after Thanksgiving", False),
        (date(2026, 12, 25), "Christmas Day", True),
    ]
