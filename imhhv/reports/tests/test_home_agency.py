"""The agency administrator's home: the waitlist (length and first places), capacity,
teams and staff items due; their own agency only; one audit event."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import add_families, verified_device
from imhhv.accounts.tests.factories import MembershipProposalFactory, member
from imhhv.core.roles import Role
from imhhv.families.models import Referral
from imhhv.families.tests.factories import ReferralFactory

HOME = reverse("reports:home")


def waiting(agency, n, *, prefix="Waiting"):
    return [
        ReferralFactory(
            agency=agency,
            status=Referral.Status.ELIGIBLE,
            referral_date=timezone.localdate() - timedelta(days=30 - i),
            caregiver__first_name=f"{prefix}{i}",
        )
        for i in range(n)
    ]


def test_waitlist_count_and_first_places(cast, login):
    waiting(cast.agency_a, 7)
    waiting(cast.agency_b, 3, prefix="Elsewhere")
    response = login(cast.admin_a).get(HOME)
    home = response.context["home"]
    assert home.waiting == 7
    assert [r.position for r in home.waitlist.rows] == [1, 2, 3, 4, 5]
    page = response.content.decode()
    assert "Waitlist (7)" in page and 'href="/families/waitlist/"' in page
    assert "Waiting0 Example" in page  # the longest waiting first
    assert "Elsewhere" not in page


def test_capacity_and_teams(cast, login):
    add_families(cast.agency_a, cast.hv_a, 15)  # hv_a at 16 of 15
    home = login(cast.admin_a).get(HOME).context["home"]
    assert home.open_slots == 14 + 14  # hv_a2 and hv_a3; hv_a over the cap gives none
    assert [c.membership.user_id for c in home.over_cap] == [cast.hv_a.pk]
    assert {t.team.name: (t.home_visitors, t.families) for t in home.teams} == {
        "A1": (2, 17),
        "A2": (1, 1),
    }


def test_staff_items_due(cast, login):
    today = timezone.localdate()
    leaving = member(Role.HOME_VISITOR, team=cast.team_a, end_date=today + timedelta(days=10))
    member(Role.HOME_VISITOR, team=cast.team_a, end_date=today + timedelta(days=90))
    other_admin = member(Role.AGENCY_ADMIN, agency=cast.agency_a)
    verified_device(cast.admin_a)
    MembershipProposalFactory(agency=cast.agency_a, proposed_by=cast.state_admin)
    MembershipProposalFactory(agency=cast.agency_b, proposed_by=cast.state_admin)
    response = login(cast.admin_a).get(HOME)
    staff = response.context["home"].staff
    assert len(staff.proposals) == 1
    assert staff.without_two_factor == [other_admin]
    assert [m.user for m in staff.ending] == [leaving]
    page = response.content.decode()
    assert "1 role proposal waiting for your decision" in page
    assert f'href="/staff/{leaving.pk}/"' in page


def test_one_audit_event_the_waitlist_read(cast, login, new_events):
    [referral] = waiting(cast.agency_a, 1)
    login(cast.admin_a).get(HOME)
    [event] = new_events()
    assert (event.action, event.outcome) == ("waitlist.read", "success")
    assert event.details["via"] == "home" and event.details["ids"] == [referral.pk]


def _queries(client) -> int:
    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


def test_queries_do_not_grow_from_15_to_150_families(cast, login):
    add_families(cast.agency_a, cast.hv_a, 12)  # 15 with the cast's three
    waiting(cast.agency_a, 6)
    client = login(cast.admin_a)
    at_15 = _queries(client)
    add_families(cast.agency_a, cast.hv_a2, 135, prefix="More")
    waiting(cast.agency_a, 30, prefix="More")
    assert _queries(client) == at_15
