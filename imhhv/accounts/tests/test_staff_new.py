"""A new account: the agency's own administrator creates PHI-reading accounts directly;
the state office only proposes them, and the account reads nothing until confirmed."""

from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.models import User

NEW = reverse("staff:new")


def body(**over):
    data = {
        "username": "new.person",
        "first_name": "Test",
        "last_name": "New",
        "password": "lantern-meadow-quartz-7",
        "fte": "1",
        "start_date": timezone.localdate().isoformat(),
    }
    return {**data, **over}


def test_state_creating_an_agency_admin_gets_a_pending_proposal_not_phi(cast, login, new_events):
    client = login(cast.state_admin)
    response = client.post(NEW, body(role="agency_admin", agency=cast.agency_a.pk))
    assert response.status_code == 302
    created = User.objects.get(username="new.person")
    assert not created.memberships.exists()
    assert not created.can("view_families")
    proposal = created.membership_proposals.get()
    assert (proposal.role, proposal.agency, proposal.status) == (
        "agency_admin",
        cast.agency_a,
        "pending",
    )
    events = new_events()
    assert [e.action for e in events] == ["user.create"]
    assert events[0].details["proposal_id"] == proposal.pk
    assert "needs the agency" in client.get(response["Location"]).content.decode()


def test_state_creating_a_home_visitor_also_only_proposes(cast, login):
    login(cast.state_admin).post(NEW, body(role="home_visitor", team=cast.team_b.pk))
    created = User.objects.get(username="new.person")
    assert not created.memberships.exists()
    assert created.membership_proposals.get().agency == cast.agency_b


def test_state_creates_an_evaluator_directly(cast, login):
    assert login(cast.state_admin).post(NEW, body(role="evaluator")).status_code == 302
    created = User.objects.get(username="new.person")
    assert created.role == "evaluator" and not created.membership_proposals.exists()


def test_agency_admin_creates_an_agency_admin_of_their_own_agency_directly(cast, login):
    assert login(cast.admin_a).post(NEW, body(role="agency_admin")).status_code == 302
    created = User.objects.get(username="new.person")
    assert created.membership.agency == cast.agency_a and created.can("view_families")


def test_agency_admin_cannot_create_statewide_roles(cast, login):
    response = login(cast.admin_a).post(NEW, body(role="state_admin"))
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert not User.objects.filter(username="new.person").exists()
