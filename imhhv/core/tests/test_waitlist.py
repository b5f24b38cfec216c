import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.waitlist import (
    DEFAULT_PRIORITY,
    PRIORITY_CRITERIA,
    WaitlistEntry,
    days_waiting,
    parse_priority,
    rank,
)

TODAY = date(2026, 3, 1)


def entry(referral_id, *, referred=date(2026, 1, 1), pregnant=False, youngest=None, risks=1):
    return WaitlistEntry(referral_id, referred, pregnant, youngest, risks)


def ids(entries):
    return [e.referral_id for e in entries]


def test_days_waiting():
    assert days_waiting(entry(1, referred=date(2026, 2, 1)), TODAY) == 28
    assert days_waiting(entry(1, referred=TODAY), TODAY) == 0


def test_default_priority_order():
    entries = [
        entry(1, youngest=date(2025, 1, 1), risks=3, referred=date(2025, 6, 1)),
        entry(2, youngest=date(2025, 9, 1)),
        entry(3, pregnant=True, youngest=date(2024, 1, 1)),
        entry(4, pregnant=True),  # pregnant, no child born yet: youngest of all
        entry(5, youngest=date(2025, 1, 1), risks=3, referred=date(2025, 5, 1)),  # waited longer
        entry(6, youngest=date(2025, 1, 1), risks=1),
    ]
    assert ids(rank(entries, today=TODAY)) == [4, 3, 2, 5, 1, 6]


def test_referral_id_is_the_final_tie_break():
    entries = [entry(9), entry(2), entry(5)]
    assert ids(rank(entries, today=TODAY)) == [2, 5, 9]
    assert ids(rank(entries, today=TODAY, priority=())) == [2, 5, 9]


def test_criteria_not_named_do_not_count():
    entries = [entry(1, pregnant=True, risks=1), entry(2, risks=4)]
    assert ids(rank(entries, today=TODAY, priority=("risk_count",))) == [2, 1]
    assert ids(rank(entries, today=TODAY, priority=("days_waiting",))) == [1, 2]


def test_rank_rejects_bad_priority():
    with pytest.raises(ValueError, match="age"):
        rank([], today=TODAY, priority=("age",))
    with pytest.raises(ValueError, match="pregnant"):
        rank([], today=TODAY, priority=("pregnant", "pregnant"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pregnant, risk_count", ("pregnant", "risk_count")),
        (" Days_Waiting ,pregnant ", ("days_waiting", "pregnant")),
        (",".join(DEFAULT_PRIORITY), DEFAULT_PRIORITY),
        ("", ()),
        ("pregnant,,", ("pregnant",)),
    ],
)
def test_parse_priority(text, expected):
    assert parse_priority(text) == expected


@pytest.mark.parametrize("text", ["pregnant, age", "risk_count, pregnant, risk_count"])
def test_parse_priority_rejects_unknown_and_repeated(text):
    with pytest.raises(ValueError):
        parse_priority(text)


def test_every_default_criterion_is_declared():
    assert set(DEFAULT_PRIORITY) == set(PRIORITY_CRITERIA)


def comes_first(a, b):
    """Independent statement of the default order: True when a ranks strictly before b."""
    if a.pregnant != b.pregnant:
        return a.pregnant
    if a.youngest_child_birth != b.youngest_child_birth:
        if a.youngest_child_birth is None or b.youngest_child_birth is None:
            return a.youngest_child_birth is None
        return a.youngest_child_birth > b.youngest_child_birth
    if a.risk_count != b.risk_count:
        return a.risk_count > b.risk_count
    if a.referral_date != b.referral_date:
        return a.referral_date < b.referral_date
    return a.referral_id < b.referral_id


def test_rank_5000_entries_in_order():
    rng = random.Random(20260301)
    entries = [
        WaitlistEntry(
            referral_id=i,
            referral_date=TODAY - timedelta(days=rng.randrange(0, 400)),
            pregnant=rng.random() < 0.3,
            youngest_child_birth=(
                None if rng.random() < 0.2 else TODAY - timedelta(days=rng.randrange(0, 1100))
            ),
            risk_count=rng.randrange(1, 6),
        )
        for i in rng.sample(range(1, 100_000), 5000)
    ]
    ranked = rank(entries, today=TODAY)
    assert len(ranked) == 5000
    assert all(comes_first(a, b) for a, b in zip(ranked, ranked[1:]))


entries_strategy = st.lists(
    st.builds(
        WaitlistEntry,
        referral_id=st.integers(min_value=1, max_value=10_000),
        referral_date=st.dates(min_value=date(2024, 1, 1), max_value=TODAY),
        pregnant=st.booleans(),
        youngest_child_birth=st.none() | st.dates(min_value=date(2022, 1, 1), max_value=TODAY),
        risk_count=st.integers(min_value=0, max_value=6),
    ),
    max_size=30,
    unique_by=lambda e: e.referral_id,
)
priorities = st.permutations(list(PRIORITY_CRITERIA)).flatmap(
    lambda names: st.integers(min_value=0, max_value=len(names)).map(lambda k: tuple(names[:k]))
)


@given(entries_strategy, priorities)
def test_rank_is_a_permutation(entries, priority):
    ranked = rank(entries, today=TODAY, priority=priority)
    assert sorted(ids(ranked)) == sorted(ids(entries))


@given(entries_strategy, priorities, st.randoms(use_true_random=False))
def test_rank_does_not_depend_on_input_order(entries, priority, rnd):
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert rank(shuffled, today=TODAY, priority=priority) == rank(
        entries, today=TODAY, priority=priority
    )


@given(entries_strategy)
def test_pregnant_entries_come_first_by_default(entries):
    ranked = rank(entries, today=TODAY)
    flags = [e.pregnant for e in ranked]
    assert flags == sorted(flags, reverse=True)
    assert all(comes_first(a, b) for a, b in zip(ranked, ranked[1:]))
