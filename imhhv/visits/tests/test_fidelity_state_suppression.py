"""Fidelity figures shown to the state and evaluators hide small cells.

Agency A has 7 disengaged families and agency B 15, the statewide total 22 is shown: 7 is
a small cell (hidden), and since the total would give it back, B's 15 is hidden too
(complementary suppression). The same on /visits/fidelity/state/ and in the API at the
agency and state levels; the agency's own administrator still sees the exact figures.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import add_families
from imhhv.api.services import issue_token
from imhhv.core.calendar import week_start
from imhhv.visits.tests.factories import VisitFactory

LAST_WEEK = week_start(timezone.localdate()) - timedelta(days=6)


def api(client, user, **params):
    key, _ = issue_token(user=user)
    return client.get("/api/v1/fidelity/", params, HTTP_AUTHORIZATION=f"Token {key}").json()


@pytest.fixture
def agencies(cast, catalogue):
    # The cast's families (3 at A, 1 at B) have no visit: all disengaged.
    add_families(cast.agency_a, cast.hv_a, 4, prefix="Unseen A")
    add_families(cast.agency_b, cast.hv_b, 14, prefix="Unseen B")
    for agency, visitor, n in ((cast.agency_a, cast.hv_a, 15), (cast.agency_b, cast.hv_b, 12)):
        for family in add_families(agency, visitor, n, prefix="Seen"):
            VisitFactory(family=family, visitor=visitor, day=LAST_WEEK)


def test_the_agency_sees_its_own_exact_count(cast, login, agencies):
    page = login(cast.admin_a).get(reverse("visits:fidelity_agency"))
    assert page.context["total"].disengaged_count == 7


def test_the_state_page_hides_the_small_cell_and_its_complement(cast, login, agencies):
    page = login(cast.state_admin).get(reverse("visits:fidelity_state"))
    rows = {name: s for name, _, s in page.context["rows"]}
    assert rows["Alpha CMH"]["disengaged_count"] is None
    assert rows["Beta CMH"]["disengaged_count"] is None
    assert page.context["total"]["disengaged_count"] == 22
    assert b"All agencies" in page.content
    assert rows["Alpha CMH"]["families"] == 22 and rows["Beta CMH"]["families"] == 27


def test_the_api_hides_the_same_cells_at_agency_and_state_level(cast, client, agencies):
    by_agency = {
        r["unit"]["name"]: r["metrics"]
        for r in api(client, cast.evaluator, level="agency")["results"]
    }
    assert by_agency["Alpha CMH"]["disengaged_count"] is None
    assert by_agency["Beta CMH"]["disengaged_count"] is None
    state = api(client, cast.state_admin, level="state")
    assert state["results"][0]["metrics"]["disengaged_count"] == 22
    parts = {p["unit"]["name"]: p["metrics"] for p in state["parts"]}
    assert parts == by_agency
