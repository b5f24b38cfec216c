"""Who reads which audit events follows capabilities, never role names."""

from imhhv.audit.access import events_visible_to
from imhhv.audit.services import record
from imhhv.core import roles
from imhhv.core.roles import Role


def events_by(cast):
    record(action="test.event", user=cast.hv_a)
    record(action="test.event", user=cast.hv_b)
    record(action="login.failed", details={"username": "unknown"})


def usernames(user):
    return set(events_visible_to(user).values_list("username", flat=True))


def test_agency_administrator_sees_the_own_agency_only(cast):
    events_by(cast)
    assert usernames(cast.admin_a) == {"hv_a"}


def test_state_administrator_sees_every_agency(cast):
    events_by(cast)
    assert usernames(cast.state_admin) == {"hv_a", "hv_b", ""}


def test_statewide_reach_is_the_capability_not_the_role(cast, monkeypatch):
    events_by(cast)
    caps = roles.ROLE_CAPABILITIES
    monkeypatch.setitem(caps, Role.AGENCY_ADMIN, caps[Role.AGENCY_ADMIN] | {"view_audit_statewide"})
    monkeypatch.setitem(caps, Role.STATE_ADMIN, caps[Role.STATE_ADMIN] - {"view_audit_statewide"})
    assert usernames(cast.admin_a) == {"hv_a", "hv_b", ""}
    # Without the statewide capability and without an agency: nothing (not the NULL agency).
    assert usernames(cast.state_admin) == set()


def test_no_capability_no_events(cast):
    events_by(cast)
    assert usernames(cast.hv_a) == set() and usernames(cast.evaluator) == set()
