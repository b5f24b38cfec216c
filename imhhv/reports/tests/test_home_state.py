"""The state's home: every agency's counts with small cells suppressed, each figure linking
to that agency's page; no names; one audit event; queries constant in data size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import add_families
from imhhv.agencies.tests.factories import AgencyFactory

HOME = reverse("reports:home")


def test_counts_per_agency_with_small_cells_suppressed(cast, login):
    add_families(cast.agency_b, cast.hv_b, 20)
    add_families(AgencyFactory(name="Gamma CMH"), cast.hv_b, 40)
    response = login(cast.state_admin).get(HOME)
    home = response.context["home"]
    rows = {r.agency.name: (r.teams, r.home_visitors, r.families) for r in home.rows}
    # Alpha's 3 is a small cell; with the statewide total shown, Beta's 21 (the smallest
    # other count) is hidden too, or 64 - 40 - 21 would give Alpha's 3 back.
    assert rows == {"Alpha CMH": (2, 3, None), "Beta CMH": (1, 1, None), "Gamma CMH": (0, 0, 40)}
    assert (home.total.families, home.total.waiting, home.total.home_visitors) == (64, 0, 4)
    page = response.content.decode()
    assert "Statewide" in page and ">64<" in page
    assert "Test Family" not in page and "Bulk" not in page


def test_no_hidden_figure_can_be_worked_out_from_the_total(cast, login):
    add_families(cast.agency_b, cast.hv_b, 20)
    home = login(cast.evaluator).get(HOME).context["home"]
    for field in ("families", "waiting"):
        values = [getattr(r, field) for r in home.rows]
        assert not [v for v in values if v is not None and 1 <= v <= 10]
        if getattr(home.total, field) is not None:
            assert sum(v is None for v in values) != 1
    assert all(r.open_slots is None for r in home.rows if r.families is None)


def test_every_figure_links_to_the_agencys_page(cast, login):
    page = login(cast.state_admin).get(HOME).content.decode()
    for agency in (cast.agency_a, cast.agency_b):
        url = reverse("reports:state_agency", args=[agency.pk])
        # The name and the six figures of the row.
        assert page.count(f'href="{url}"') == 1
        assert page.count(f'href="{url}#') == 6


def test_one_audit_event(cast, login, new_events):
    login(cast.state_admin).get(HOME)
    [event] = new_events()
    assert (event.action, event.outcome, event.object_type) == ("report.read", "success", "state")


def _queries(client) -> int:
    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


def test_queries_do_not_grow_from_15_to_150_families(cast, login):
    add_families(cast.agency_b, cast.hv_b, 11)  # 15 with the cast's four
    client = login(cast.state_admin)
    at_15 = _queries(client)
    add_families(cast.agency_a, cast.hv_a, 135)
    assert _queries(client) == at_15
