"""Proposed PHI-reading roles: the state proposes, an administrator of the agency confirms
(or declines) on the proposals page; audited either way, one event per decision."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts import services
from imhhv.accounts.errors import AgencyConfirmationRequired
from imhhv.accounts.models import MembershipProposal
from imhhv.accounts.tests.factories import MembershipProposalFactory, UserFactory, member
from imhhv.core.roles import Role

LIST = reverse("staff:proposals")


def page(proposal):
    return reverse("staff:proposal", args=[proposal.pk])


def proposed(cast, *, agency=None, role=Role.AGENCY_ADMIN, **kw):
    return MembershipProposalFactory(
        user=kw.pop("user", None) or UserFactory(),
        agency=agency or cast.agency_a,
        role=role,
        proposed_by=cast.state_admin,
        **kw,
    )


def test_agency_admin_sees_and_confirms_the_proposal(cast, login, new_events):
    proposal = proposed(cast)
    client = login(cast.admin_a)
    assert proposal.user.display_name() in client.get(LIST).content.decode()
    assert b"Confirm the role" in client.get(page(proposal)).content
    assert [e.action for e in new_events()] == ["proposal.read"]  # the page read
    new_events.reset()
    response = client.post(page(proposal), {"action": "confirm"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    user = proposal.user
    user.__dict__.pop("membership", None)
    assert proposal.status == "confirmed" and proposal.decided_by == cast.admin_a
    assert user.membership == proposal.membership and user.can("view_families")
    events = new_events()
    assert [e.action for e in events] == ["membership.confirm"]
    assert events[0].details["proposed_by"] == cast.state_admin.pk
    assert events[0].details["changes"]["role"] == [None, "agency_admin"]


def test_a_late_confirmation_starts_the_role_today_not_backdated(cast, login):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        proposal = proposed(cast, start_date=timezone.localdate())
        clock.shift(timedelta(days=3))
        login(cast.admin_a).post(page(proposal), {"action": "confirm"})
        proposal.refresh_from_db()
        assert proposal.membership.start_date == timezone.localdate()


def test_another_agency_cannot_see_or_decide_it(cast, login, new_events):
    proposal = proposed(cast)
    admin_b = member(Role.AGENCY_ADMIN, agency=cast.agency_b)
    client = login(admin_b)
    assert proposal.user.display_name() not in client.get(LIST).content.decode()
    assert client.post(page(proposal), {"action": "confirm"}).status_code == 404
    assert [e.outcome for e in new_events(action="proposal.read")] == ["denied"]
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_the_proposer_cannot_confirm_their_own_proposal(cast, login, new_events):
    proposal = proposed(cast)
    client = login(cast.state_admin)
    assert b"Confirm the role" not in client.get(page(proposal)).content
    assert client.post(page(proposal), {"action": "confirm"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.is_pending and not proposal.user.memberships.exists()
    assert [e.outcome for e in new_events(action="membership.confirm")] == ["denied"]


def test_roles_without_manage_staff_get_403(cast, login):
    proposal = proposed(cast)
    for user in (cast.hv_a, cast.sup_a, cast.evaluator):
        assert login(user).get(page(proposal)).status_code == 403


def test_declining_gives_no_role_and_a_decided_proposal_is_409(cast, login, new_events):
    proposal = proposed(cast)
    client = login(cast.admin_a)
    assert client.post(page(proposal), {"action": "decline"}).status_code == 302
    assert [e.action for e in new_events()] == ["membership.decline"]
    proposal.refresh_from_db()
    assert proposal.status == "declined" and not proposal.user.memberships.exists()
    again = client.post(page(proposal), {"action": "confirm"})
    assert again.status_code == 409 and b"already" in again.content


def test_state_withdraws_its_proposal(cast, login):
    proposal = proposed(cast)
    assert login(cast.state_admin).post(page(proposal), {"action": "withdraw"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


def test_an_unknown_action_is_400_and_changes_nothing(cast, login):
    proposal = proposed(cast)
    assert login(cast.admin_a).post(page(proposal), {"action": "approve"}).status_code == 400
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_a_new_agency_without_an_administrator_is_confirmed_by_a_second_state_person(cast, login):
    from imhhv.agencies.models import Agency

    new_agency = Agency.objects.create(state=cast.state, name="Gamma CMH", county="Kent")
    proposal = proposed(cast, agency=new_agency)
    second = member(Role.STATE_ADMIN)
    assert login(second).post(page(proposal), {"action": "confirm"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "confirmed"


def test_a_second_state_person_cannot_confirm_where_the_agency_has_an_administrator(cast, login):
    proposal = proposed(cast)
    second = member(Role.STATE_ADMIN)
    assert login(second).post(page(proposal), {"action": "confirm"}).status_code == 403


def test_the_service_refuses_a_direct_phi_grant_by_the_state(cast):
    import pytest

    with pytest.raises(AgencyConfirmationRequired):
        services.change_membership(
            user=cast.evaluator,
            role=Role.AGENCY_ADMIN,
            agency=cast.agency_a,
            team=None,
            by=cast.state_admin,
        )
    assert not MembershipProposal.objects.exists()


def test_a_new_proposal_supersedes_a_pending_one(cast):
    first = services.propose_membership(
        user=cast.evaluator,
        role=Role.AGENCY_ADMIN,
        agency=cast.agency_a,
        team=None,
        by=cast.state_admin,
    )
    second = services.propose_membership(
        user=cast.evaluator,
        role=Role.HOME_VISITOR,
        agency=cast.agency_a,
        team=cast.team_a,
        by=cast.state_admin,
    )
    first.refresh_from_db()
    assert first.status == "withdrawn" and second.is_pending
