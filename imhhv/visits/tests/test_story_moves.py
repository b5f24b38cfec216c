"""Stories: families stay in scope on visit pages when people and families move.

1. A home visitor moves from agency A to agency B (a new membership). Agency B's
   supervisor and administrator, and the visitor themself, see none of agency A's
   families on the visitor's fidelity page, My week or Team week.
2. A family is transferred from hv_a to hv_a2 on the same team. hv_a no longer sees it on
   My week or their fidelity page; hv_a2 does. hv_a's figures keep the weeks they had it.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.tests.factories import member, moved
from imhhv.core.roles import Role
from imhhv.families.services import assign_home_visitor
from imhhv.visits.tests.factories import VisitFactory

TODAY = timezone.localdate()
NAME = "Test Family One"  # the cast's family_a, on hv_a's caseload at agency A


def fidelity_page(client, visitor):
    return client.get(reverse("visits:fidelity_visitor", args=[visitor.pk]))


@pytest.fixture
def moved_to_b(cast, catalogue):
    """hv_a made a visit with family_a last week (note unsigned), then moved to B1."""
    VisitFactory(family=cast.family_a, visitor=cast.hv_a, day=TODAY - timedelta(days=9))
    VisitFactory(family=cast.family_a, visitor=cast.hv_a, day=TODAY - timedelta(days=30))
    moved(cast.hv_a, role=Role.HOME_VISITOR, team=cast.team_b, days_ago=2)
    return {
        "sup_b": member(Role.SUPERVISOR, team=cast.team_b),
        "admin_b": member(Role.AGENCY_ADMIN, agency=cast.agency_b),
    }


def test_new_agency_supervisor_and_admin_see_none_of_the_old_agencys_families(
    cast, login, moved_to_b
):
    for viewer in (moved_to_b["sup_b"], moved_to_b["admin_b"]):
        page = fidelity_page(login(viewer), cast.hv_a)
        assert page.status_code == 200
        assert NAME not in page.content.decode()
        assert cast.family_a.pk not in [fid for _, fid, _ in page.context["rows"]]
        assert reverse("families:detail", args=[cast.family_a.pk]) not in page.content.decode()
    team_week = login(moved_to_b["sup_b"]).get(reverse("visits:team_week"))
    rows = {
        visitor.pk: (visits, unsigned)
        for visitor, visits, unsigned in team_week.context["week"].rows
    }
    assert rows[cast.hv_a.pk] == ([], 0)
    assert NAME not in team_week.content.decode()


def test_the_visitor_who_moved_sees_none_of_the_old_agencys_families(cast, login, moved_to_b):
    client = login(cast.hv_a)
    week = client.get(reverse("visits:week"), {"week": (TODAY - timedelta(days=9)).isoformat()})
    assert NAME not in week.content.decode()
    assert week.context["week"].to_sign == [] and week.context["week"].alerts == []
    page = fidelity_page(client, cast.hv_a)
    assert NAME not in page.content.decode() and page.context["rows"] == []
    # Agency A's visits no longer count on the page agency B sees.
    assert page.context["total"].completed_home_visits == 0


def test_the_old_agency_no_longer_sees_the_visitor_at_all(cast, login, moved_to_b):
    assert fidelity_page(login(cast.sup_a), cast.hv_a).status_code == 404


@pytest.fixture
def transferred(cast, qualified_visitors, catalogue):
    """hv_a saw family_a 20 days ago; today the supervisor transfers it to hv_a2."""
    VisitFactory(family=cast.family_a, visitor=cast.hv_a, day=TODAY - timedelta(days=20))
    assign_home_visitor(
        family=cast.family_a, home_visitor=cast.hv_a2, by=cast.sup_a, start_date=TODAY
    )


def test_after_a_transfer_the_old_visitor_no_longer_sees_the_family(cast, login, transferred):
    client = login(cast.hv_a)
    for week in (TODAY, TODAY - timedelta(days=20)):
        page = client.get(reverse("visits:week"), {"week": week.isoformat()})
        assert NAME not in page.content.decode()
    page = fidelity_page(client, cast.hv_a)
    assert NAME not in page.content.decode()
    assert page.context["rows"] == []
    # What hv_a delivered still counts in their own figures, without the name.
    assert page.context["total"].completed_home_visits == 1


def test_after_a_transfer_the_new_visitor_sees_the_family(cast, login, transferred):
    client = login(cast.hv_a2)
    week = client.get(reverse("visits:week"))
    assert NAME in week.content.decode()
    # Fidelity judges weeks that are over: the family is on hv_a2's page once the week of
    # the transfer has ended (signed in again then: sessions time out).
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=True):
        page = fidelity_page(login(cast.hv_a2), cast.hv_a2)
    assert cast.family_a.pk in [fid for _, fid, _ in page.context["rows"]]
    assert NAME in page.content.decode()
