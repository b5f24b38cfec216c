"""The two-person rule as a property: whoever grants a role that reads family records
directly is an administrator of that agency; everyone else's grant waits for one."""

from hypothesis import given
from hypothesis import strategies as st

from imhhv.accounts.access import may_grant, needs_agency_confirmation, reads_phi
from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency
from imhhv.core.roles import Role, capabilities_of

AGENCIES = {"A": Agency(pk=1, name="A"), "B": Agency(pk=2, name="B"), None: None}


def granter(role: Role, agency_key: str | None) -> User:
    """An unsaved user whose membership is `role` at the agency (no database needed)."""
    user = User(pk=99, username="granter")
    agency = AGENCIES[agency_key]
    user.__dict__["membership"] = Membership(
        role=role, agency=agency, agency_id=agency.pk if agency else None
    )
    return user


roles = st.sampled_from(list(Role))
agency_keys = st.sampled_from(["A", "B", None])


@given(roles, agency_keys, roles, agency_keys)
def test_a_direct_phi_grant_comes_only_from_that_agencys_administrator(
    by_role, by_agency, role, agency_key
):
    by = granter(by_role, by_agency)
    agency = AGENCIES[agency_key]
    if not may_grant(by, role, agency):
        return  # refused outright
    direct = not needs_agency_confirmation(by, role, agency)
    if direct and reads_phi(role):
        assert "manage_staff" in capabilities_of(by_role)
        assert agency is not None and by_agency == agency_key
        assert "manage_staff_statewide" not in capabilities_of(by_role)


@given(roles, agency_keys)
def test_statewide_reach_grants_every_role_but_phi_ones_only_as_proposals(role, agency_key):
    state = granter(Role.STATE_ADMIN, None)
    agency = AGENCIES[agency_key]
    assert may_grant(state, role, agency)
    assert needs_agency_confirmation(state, role, agency) == reads_phi(role)


def test_the_system_itself_needs_no_confirmation():
    assert not needs_agency_confirmation(None, Role.AGENCY_ADMIN, AGENCIES["A"])
