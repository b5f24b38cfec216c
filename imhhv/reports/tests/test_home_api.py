"""GET /api/v1/home/: the same call as the home page, for the caller's role; scoped, one
audit event, 401 without a token."""

from datetime import time

from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.visits.tests.factories import VisitPlanFactory

URL = reverse("api:home")


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {issue_token(user=user)[0]}"}


def get(client, user, headers=None):
    return client.get(URL, **(headers or auth(user)))


def test_home_visitor_gets_the_planned_visit_with_its_document_link(cast, client, new_events):
    today = timezone.localdate()
    for family in (cast.family_a, cast.family_b):
        VisitPlanFactory(family=family, preferred_day=today.weekday(), preferred_time=time(9, 30))
    headers = auth(cast.hv_a)
    new_events.reset()
    response = get(client, cast.hv_a, headers)
    assert response.status_code == 200
    data = response.json()
    assert data["role"] == "visitor"
    [item] = data["home"]["agenda_today"]
    assert item["family"] == {"id": cast.family_a.pk, "name": "Test Family One"}
    assert item["document_url"] == (
        f"/visits/family/{cast.family_a.pk}/new/?on={today.isoformat()}&at=09:30"
    )
    assert "Test Family Four" not in response.content.decode()
    [event] = new_events()
    assert (event.action, event.details["view"]) == ("family.list", "home")


def test_each_role_gets_its_shape(cast, client):
    roles = {who: get(client, getattr(cast, who)).json()["role"] for who in ("sup_a", "evaluator")}
    assert roles == {"sup_a": "supervisor", "evaluator": "state"}
    team = get(client, cast.sup_a).json()["home"]
    assert {v["name"] for v in team["visitors"]} == {
        cast.hv_a.display_name(),
        cast.hv_a2.display_name(),
    }
    state = get(client, cast.state_admin).json()["home"]
    alpha = next(a for a in state["agencies"] if a["agency"]["name"] == "Alpha CMH")
    assert alpha["families"] is None  # a small cell, suppressed as on the page
    assert "Test Family" not in str(state)


def test_agency_admin_gets_waitlist_and_staff_items(cast, client, new_events):
    from conftest import verified_device

    verified_device(cast.admin_a)
    headers = auth(cast.admin_a)
    new_events.reset()
    data = get(client, cast.admin_a, headers).json()
    assert data["role"] == "agency"
    assert data["home"]["waiting"] == 0 and data["home"]["waitlist"] == []
    assert [t["name"] for t in data["home"]["teams"]] == ["A1", "A2"]
    assert [e.action for e in new_events()] == ["waitlist.read"]


def test_no_role_gets_nothing(cast, client):
    response = get(client, cast.nobody)
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.json() == {"role": "none", "home": {}}


def test_anonymous_is_refused(client, db):
    assert client.get(URL).status_code == 401
