"""The retry schedule: 30 s after the first failure, doubling, never past an hour."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.jobs.backoff import BASE, CAP, retry_delay

attempts = st.integers(min_value=1, max_value=10_000)
bases = st.timedeltas(min_value=timedelta(milliseconds=1), max_value=timedelta(days=1))


def test_the_default_schedule():
    assert [retry_delay(n).total_seconds() for n in range(1, 10)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert (timedelta(seconds=30), timedelta(hours=1)) == (BASE, CAP)


@given(attempts)
def test_the_first_retry_waits_the_base_and_none_waits_past_the_cap(n):
    assert retry_delay(1) == BASE
    assert BASE <= retry_delay(n) <= CAP


@given(attempts, bases, st.integers(min_value=1, max_value=2**20))
def test_each_failure_doubles_the_wait_until_the_cap(n, base, factor):
    cap = base * factor
    now, after = retry_delay(n, base=base, cap=cap), retry_delay(n + 1, base=base, cap=cap)
    assert base <= now <= after <= cap
    assert after == min(cap, now * 2)


@given(st.integers(max_value=0))
def test_attempts_count_from_one(n):
    with pytest.raises(ValueError):
        retry_delay(n)


def test_a_cap_below_the_base_is_refused():
    with pytest.raises(ValueError):
        retry_delay(1, base=timedelta(seconds=10), cap=timedelta(seconds=5))
