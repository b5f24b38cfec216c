"""Each role's home page shows real figures for its own scope, and nothing beyond."""

from django.urls import reverse

from conftest import add_families
from imhhv.agencies.tests.factories import AgencyFactory, ProgramPolicyFactory

HOME = reverse("reports:home")


def test_home_visitor_sees_own_caseload(cast, login, new_events):
    page = login(cast.hv_a).get(HOME).content.decode()
    assert "My caseload" in page and "Test Family One" in page
    assert "Test Family Two" not in page
    assert "your cap at 1.00 FTE is 15" in page
    assert [e.action for e in new_events()] == ["family.list"]


def test_supervisor_sees_each_visitor_load(cast, login):
    response = login(cast.sup_a).get(HOME)
    loads = {v.user_id: (v.families, v.capacity) for v in response.context["loads"]}
    assert loads == {cast.hv_a.pk: (1, 15), cast.hv_a2.pk: (1, 15)}
    assert "Test Family" not in response.content.decode()  # counts, not names


def test_agency_admin_sees_teams(cast, login):
    response = login(cast.admin_a).get(HOME)
    teams = {
        t.team.name: (t.home_visitors, t.families, t.capacity) for t in response.context["teams"]
    }
    assert teams == {"A1": (2, 2, 30), "A2": (1, 1, 15)}


def test_agency_and_team_pages_use_the_cap_in_force(cast, login):
    """Regression: the agency page said "15 families per full-time home visitor" whatever
    the policy; it reads the cap of the policy in force today."""
    ProgramPolicyFactory(caseload_cap_per_fte=12)
    agency = login(cast.admin_a).get(HOME)
    assert "at 12 families per full-time home visitor" in agency.content.decode()
    assert {t.team.name: t.capacity for t in agency.context["teams"]} == {"A1": 24, "A2": 12}
    team = login(cast.sup_a).get(HOME).content.decode()
    assert "(12 families per full-time home visitor)" in team and "15 famil" not in team
    visitor = login(cast.hv_a).get(HOME).content.decode()
    assert "your cap at 1.00 FTE is 12" in visitor


def test_state_admin_sees_counts_per_agency_with_small_cells_suppressed(cast, login):
    add_families(cast.agency_b, cast.hv_b, 20)
    add_families(AgencyFactory(name="Gamma CMH"), cast.hv_b, 40)
    response = login(cast.state_admin).get(HOME)
    rows = {r.agency.name: (r.teams, r.home_visitors, r.families) for r in response.context["rows"]}
    # Alpha's 3 is a small cell; with the statewide total shown, Beta's 21 (the smallest
    # other count) is hidden too, or 64 - 40 - 21 would give Alpha's 3 back.
    assert rows == {"Alpha CMH": (2, 3, None), "Beta CMH": (1, 1, None), "Gamma CMH": (0, 0, 40)}
    total = response.context["total"]
    assert (total.families, total.waiting, total.home_visitors) == (64, 0, 4)
    page = response.content.decode()
    assert "Statewide" in page and ">64<" in page
    assert "Test Family" not in page and "Bulk" not in page


def test_no_hidden_state_figure_can_be_worked_out_from_the_total(cast, login):
    """Regression: the statewide total must never leave exactly one hidden agency count."""
    add_families(cast.agency_b, cast.hv_b, 20)
    response = login(cast.evaluator).get(HOME)
    rows, total = response.context["rows"], response.context["total"]
    for field in ("families", "waiting"):
        values = [getattr(r, field) for r in rows]
        assert not [v for v in values if v is not None and 1 <= v <= 10]
        if getattr(total, field) is not None:
            assert sum(v is None for v in values) != 1
    assert all(r.open_slots is None for r in rows if r.families is None)


def test_evaluator_sees_aggregates_only(cast, login):
    page = login(cast.evaluator).get(HOME).content.decode()
    assert "Alpha CMH" in page and "Test Family" not in page


def test_user_without_membership_sees_nothing(cast, login):
    page = login(cast.nobody).get(HOME).content.decode()
    assert "no active role" in page and "Test Family" not in page


def test_navigation_follows_capabilities(cast, login):
    visitor = login(cast.hv_a).get(HOME).content.decode()
    assert 'href="/families/"' in visitor and 'href="/audit/"' not in visitor
    admin = login(cast.admin_a).get(HOME).content.decode()
    assert 'href="/audit/"' in admin
    state = login(cast.state_admin).get(HOME).content.decode()
    assert 'href="/families/"' not in state


def test_health_check_is_public(client, db):
    assert client.get(reverse("reports:health")).content == b"ok"
