"""The staff page: writes go through the person's current agency; past members are
read-only history for the agency they left (issue 7)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.models import Membership
from imhhv.accounts.tests.factories import member, moved
from imhhv.core.roles import Role


def detail(user):
    return reverse("staff:detail", args=[user.pk])


def change(team, role="home_visitor", fte="0.80"):
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {"role": role, "team": team.pk, "fte": fte, "start_date": tomorrow.isoformat()}


def test_agency_reads_the_history_of_someone_who_moved_away_but_only_its_own(cast, login):
    moved(cast.hv_a, role=Role.HOME_VISITOR, team=cast.team_b)
    response = login(cast.admin_a).get(detail(cast.hv_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Alpha CMH" in page and "History only" in page
    assert "Beta CMH" not in page and "B1" not in page  # not where they went next
    assert "Save the change" not in page and "Deactivate" not in page


def test_old_agency_cannot_change_role_team_or_fte_of_someone_who_moved(cast, login, new_events):
    moved(cast.hv_a, role=Role.HOME_VISITOR, team=cast.team_b)
    before = list(Membership.objects.filter(user=cast.hv_a).values_list("pk", "end_date"))
    client = login(cast.admin_a)
    for body in (
        change(cast.team_a, role="supervisor"),
        change(cast.team_a_other),
        change(cast.team_a, fte="0.50"),
    ):
        assert client.post(detail(cast.hv_a), body).status_code == 403
    after = list(Membership.objects.filter(user=cast.hv_a).values_list("pk", "end_date"))
    assert after == before
    denials = new_events(action="staff.write")
    assert [(e.outcome, e.details["reason"]) for e in denials] == [
        ("denied", "not a current member of your agency")
    ] * 3


def test_new_agency_manages_the_person_who_moved_in(cast, login, new_events):
    admin_b = member(Role.AGENCY_ADMIN, agency=cast.agency_b)
    moved(cast.hv_a, role=Role.HOME_VISITOR, team=cast.team_b)
    response = login(admin_b).post(detail(cast.hv_a), change(cast.team_b, fte="0.60"))
    assert response.status_code == 302
    assert new_events(action="membership.change")[0].details["changes"] == {"fte": ["1.00", "0.60"]}


def test_agency_may_take_back_its_own_former_member(cast, login):
    # `nobody` left agency A yesterday and has no membership anywhere now.
    response = login(cast.admin_a).post(detail(cast.nobody), change(cast.team_a))
    assert response.status_code == 302
    assert cast.nobody.memberships.count() == 2


def test_a_future_starter_belongs_to_the_agency_they_will_join(cast, login):
    starter = member(
        Role.HOME_VISITOR,
        team=cast.team_a,
        start_date=timezone.localdate() + timedelta(days=20),
    )
    assert login(cast.admin_a).post(detail(starter), change(cast.team_a)).status_code == 302


def test_someone_moving_to_agency_a_next_month_is_still_bs_to_manage(cast, login):
    hv = member(Role.HOME_VISITOR, team=cast.team_b)
    Membership.objects.filter(user=hv).update(end_date=timezone.localdate() + timedelta(days=29))
    member(
        Role.HOME_VISITOR,
        team=cast.team_a,
        user=hv,
        start_date=timezone.localdate() + timedelta(days=30),
    )
    client = login(cast.admin_a)
    assert client.get(detail(hv)).status_code == 200  # visible: a membership at A exists
    assert client.post(detail(hv), change(cast.team_a)).status_code == 403


def test_state_administrator_changes_non_phi_roles_directly(cast, login, new_events):
    body = {"role": "evaluator", "fte": "1", "start_date": timezone.localdate().isoformat()}
    assert login(cast.state_admin).post(detail(cast.hv_a), body).status_code == 302
    cast.hv_a.__dict__.pop("membership", None)
    assert cast.hv_a.role == Role.EVALUATOR
    assert len(new_events(action="membership.change")) == 1


def test_state_administrator_elevating_to_a_phi_role_only_proposes(cast, login, new_events):
    body = {
        "role": "agency_admin",
        "agency": cast.agency_a.pk,
        "fte": "1",
        "start_date": timezone.localdate().isoformat(),
    }
    client = login(cast.state_admin)
    assert client.post(detail(cast.evaluator), body).status_code == 302
    cast.evaluator.__dict__.pop("membership", None)
    assert cast.evaluator.role == Role.EVALUATOR and not cast.evaluator.can("view_families")
    proposal = cast.evaluator.membership_proposals.get()
    assert proposal.is_pending and proposal.proposed_by == cast.state_admin
    events = new_events()
    assert [e.action for e in events] == ["membership.propose"]
    assert events[0].details["proposal_id"] == proposal.pk
    assert "needs the agency" in client.get(detail(cast.evaluator)).content.decode()


def test_the_page_writes_one_read_event(cast, login, new_events):
    assert login(cast.admin_a).get(detail(cast.hv_a)).status_code == 200
    assert [(e.action, e.object_id) for e in new_events()] == [("staff.read", str(cast.hv_a.pk))]


def test_huge_or_missing_ids_are_404(cast, login):
    client = login(cast.admin_a)
    assert client.get("/staff/99999999999999999999/").status_code == 404
    assert client.get("/staff/999999/").status_code == 404


def test_the_agency_sees_a_new_account_proposed_for_it_read_only(cast, login):
    from imhhv.accounts.tests.factories import MembershipProposalFactory, UserFactory

    proposal = MembershipProposalFactory(
        user=UserFactory(), agency=cast.agency_a, proposed_by=cast.state_admin
    )
    client = login(cast.admin_a)
    page = client.get(detail(proposal.user)).content.decode()
    assert "not a member of your agency yet" in page and "Save the change" not in page
    admin_b = member(Role.AGENCY_ADMIN, agency=cast.agency_b)
    assert login(admin_b).get(detail(proposal.user)).status_code == 404
