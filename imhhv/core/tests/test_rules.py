from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.ages import age_in_months
from imhhv.core.caseload import caseload_capacity, open_slots
from imhhv.core.roles import CAPABILITIES, ROLE_CAPABILITIES, Role, capabilities_of


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (date(2025, 1, 15), date(2025, 1, 15), 0),
        (date(2025, 1, 15), date(2025, 2, 14), 0),
        (date(2025, 1, 15), date(2025, 2, 15), 1),
        (date(2025, 1, 31), date(2025, 2, 28), 1),  # end of a shorter month
        (date(2024, 1, 31), date(2024, 2, 29), 1),  # leap year
        (date(2024, 1, 31), date(2024, 3, 30), 1),
        (date(2024, 1, 31), date(2024, 3, 31), 2),
        (date(2023, 11, 22), date(2026, 11, 21), 35),  # the day before the 3rd birthday
        (date(2023, 11, 22), date(2026, 11, 22), 36),  # the 3rd birthday
    ],
)
def test_age_in_completed_months(birth, on, months):
    assert age_in_months(birth, on) == months


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(min_value=0, max_value=2000),
)
def test_age_never_decreases_as_days_pass(birth, days):
    on = date.fromordinal(birth.toordinal() + days)
    later = date.fromordinal(on.toordinal() + 1)
    assert 0 <= age_in_months(birth, on) <= age_in_months(birth, later)


@pytest.mark.parametrize(("fte", "cap"), [("1.00", 15), ("0.50", 7), ("0.80", 12), ("0.05", 0)])
def test_capacity_is_cap_times_fte_rounded_down(fte, cap):
    assert caseload_capacity(Decimal(fte)) == cap


def test_open_slots_go_negative_over_the_cap():
    assert open_slots(Decimal("1.00"), 16) == -1
    assert open_slots(Decimal("1.00"), 12, cap_per_fte=12) == 0


def test_every_role_capability_is_declared():
    for caps in ROLE_CAPABILITIES.values():
        assert caps <= set(CAPABILITIES)


def test_state_and_evaluator_never_see_family_records():
    assert "view_families" not in capabilities_of(Role.STATE_ADMIN)
    assert "view_families" not in capabilities_of(Role.EVALUATOR)
    assert capabilities_of(None) == frozenset()
    assert capabilities_of("janitor") == frozenset()
