from datetime import date, timedelta

from imhhv.core.policy import check_policy

TODAY = date(2026, 3, 4)


def policy(**overrides):
    values = {
        "today": TODAY,
        "effective_from": TODAY,
        "age_limit_months": 36,
        "transition_planning_months": 33,
        "waitlist_priority": "pregnant,youngest_child,risk_count,days_waiting",
    }
    return check_policy(**(values | overrides))


def test_the_default_policy_from_today_is_valid():
    assert policy() == {}
    assert policy(effective_from=TODAY + timedelta(days=90)) == {}


def test_every_broken_rule_is_reported_at_once():
    errors = policy(
        effective_from=TODAY - timedelta(days=1),
        transition_planning_months=36,
        waitlist_priority="pregnant,shoe_size",
    )
    assert set(errors) == {"effective_from", "transition_planning_months", "waitlist_priority"}
    assert "shoe_size" in errors["waitlist_priority"]


def test_missing_values_are_left_to_the_form():
    assert policy(effective_from=None, age_limit_months=None, waitlist_priority=None) == {}
