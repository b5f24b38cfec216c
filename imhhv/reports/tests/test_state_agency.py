"""One agency's page for the state (the drill-down of the statewide home): the agency's
row with the same cells hidden, its teams' staff and capacity; no names of people."""

from django.urls import reverse

from conftest import add_families


def url(agency_id: int) -> str:
    return reverse("reports:state_agency", args=[agency_id])


def test_shows_the_agencys_figures_suppressed_as_on_the_state_table(cast, login):
    add_families(cast.agency_b, cast.hv_b, 20)
    state = login(cast.state_admin).get(reverse("reports:home")).context["home"]
    response = login(cast.state_admin).get(url(cast.agency_a.pk))
    assert response.status_code == 200
    page = response.context["page"]
    row = next(r for r in state.rows if r.agency == cast.agency_a)
    assert (page.figures.families, page.figures.waiting) == (row.families, row.waiting)
    assert page.figures.families is None  # 3 families: a small cell
    assert [(t.team.name, t.home_visitors, t.capacity) for t in page.teams] == [
        ("A1", 2, 30),
        ("A2", 1, 15),
    ]
    text = response.content.decode()
    assert "Alpha CMH" in text and "Test Family" not in text and "Test sup_a" not in text


def test_the_evaluator_sees_it_too(cast, login):
    assert login(cast.evaluator).get(url(cast.agency_b.pk)).status_code == 200


def test_a_missing_agency_is_a_404_with_a_denial(cast, login, new_events):
    assert login(cast.state_admin).get(url(987654)).status_code == 404
    [event] = new_events()
    assert (event.action, event.outcome) == ("report.read", "denied")


def test_an_agency_role_is_refused(cast, login, new_events):
    assert login(cast.admin_a).get(url(cast.agency_a.pk)).status_code == 403
    [event] = new_events()
    assert event.outcome == "denied"


def test_one_audit_event(cast, login, new_events):
    login(cast.state_admin).get(url(cast.agency_a.pk))
    [event] = new_events()
    assert (event.action, event.outcome) == ("report.read", "success")
    assert (event.object_type, event.object_id) == ("agency", str(cast.agency_a.pk))
