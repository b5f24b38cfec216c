"""`supervised_weekly`: the fidelity pages' "home visitors supervised weekly" (DOMAIN §4).

The target is policy data (`WorkforcePolicy.supervised_weekly_target`, 9 in 10 by
default): one missed week in ten passes, a share on the target passes, one below fails.
"""

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.workforce import (
    DEFAULT_POLICY,
    supervised_weekly,
    weekly_supervision_share,
)

MONDAY = date(2026, 9, 7)  # a Monday
WEEKS = [MONDAY + timedelta(weeks=n) for n in range(12)]


def test_the_default_target_is_nine_in_ten():
    assert DEFAULT_POLICY.supervised_weekly_target == Fraction(9, 10)


@pytest.mark.parametrize(
    ("covered", "counted", "expected"),
    [
        (9, 10, True),  # one missed week in ten passes: exactly on the target
        (8, 10, False),
        (11, 12, True),
        (10, 12, False),  # two missed weeks in twelve: below 9 in 10
        (18, 20, True),
        (17, 20, False),
        (1, 1, True),
        (0, 1, False),
        (0, 5, False),
    ],
)
def test_the_share_is_judged_against_the_target_at_its_boundary(covered, counted, expected):
    assert supervised_weekly(Fraction(covered, counted)) is expected


def test_no_week_to_judge_is_neither_supervised_nor_missed():
    assert supervised_weekly(None) is None


def test_the_target_is_policy_data():
    stricter = replace(DEFAULT_POLICY, supervised_weekly_target=Fraction(1))
    assert supervised_weekly(Fraction(11, 12), stricter) is False
    assert supervised_weekly(Fraction(1), stricter) is True
    looser = replace(DEFAULT_POLICY, supervised_weekly_target=Fraction(3, 4))
    assert supervised_weekly(Fraction(9, 12), looser) is True


def test_a_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError):
        supervised_weekly(Fraction(13, 12))
    with pytest.raises(ValueError):
        supervised_weekly(Fraction(-1, 12))


def test_a_week_on_leave_is_left_out_of_the_share():
    # Sessions in 10 of 12 weeks; one of the two missed weeks was leave: 10 of 11 passes.
    missed = {WEEKS[3], WEEKS[8]}
    sessions = [w + timedelta(days=2) for w in WEEKS if w not in missed]
    assert supervised_weekly(weekly_supervision_share(sessions, WEEKS)) is False
    share = weekly_supervision_share(sessions, WEEKS, [WEEKS[8]])
    assert share == Fraction(10, 11)
    assert supervised_weekly(share) is True


def test_every_week_on_leave_leaves_nothing_to_judge():
    assert supervised_weekly(weekly_supervision_share([], WEEKS[:2], WEEKS[:2])) is None


@given(
    st.integers(min_value=1, max_value=104).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    )
)
def test_judged_exactly_as_the_share_against_the_target(pair):
    covered, counted = pair
    share = Fraction(covered, counted)
    assert supervised_weekly(share) is (covered * 10 >= counted * 9)


@given(
    st.sets(st.integers(min_value=0, max_value=11)),
    st.sets(st.integers(min_value=0, max_value=11)),
    st.integers(min_value=0, max_value=11),
)
def test_one_more_week_with_a_session_never_turns_supervised_into_missed(sessions, leave, extra):
    days = [WEEKS[i] + timedelta(days=1) for i in sessions]
    leave_weeks = [WEEKS[i] for i in leave]
    before = supervised_weekly(weekly_supervision_share(days, WEEKS, leave_weeks))
    after = supervised_weekly(
        weekly_supervision_share([*days, WEEKS[extra] + timedelta(days=3)], WEEKS, leave_weeks)
    )
    assert (before is None) == (after is None)
    if before:
        assert after


@given(st.sets(st.integers(min_value=0, max_value=11)), st.integers(min_value=0, max_value=11))
def test_a_week_on_leave_without_a_session_never_lowers_the_judgement(sessions, week):
    days = [WEEKS[i] + timedelta(days=1) for i in sessions if i != week]
    before = supervised_weekly(weekly_supervision_share(days, WEEKS))
    after = supervised_weekly(weekly_supervision_share(days, WEEKS, [WEEKS[week]]))
    if before:
        assert after
