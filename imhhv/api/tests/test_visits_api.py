"""Visits API: scoped, audited, only the visit's home visitor writes, signed means amend."""

from datetime import timedelta

import pytest
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.visits.models import Visit

NOW = timezone.now().replace(microsecond=0)


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {issue_token(user=user)[0]}"}


def body(cast, **overrides):
    start = NOW - timedelta(days=1)
    data = {
        "family": cast.family_a.pk,
        "scheduled_at": start.isoformat(),
        "outcome": "completed",
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=100)).isoformat(),
        "place": "home",
        "components": ["alliance"],
        "strategies": {"follow_lead": 1},
        "note": "Synthetic.",
    }
    data.update(overrides)
    return data


def create(client, cast, user=None, **overrides):
    return client.post(
        "/api/v1/visits/",
        body(cast, **overrides),
        content_type="application/json",
        **auth(user or cast.hv_a),
    )


def test_create_read_list_audited(cast, client, catalogue, new_events):
    response = create(client, cast)
    assert response.status_code == 201
    visit = response.json()
    assert (
        visit["minutes"] == 100 and visit["is_home_visit"] and visit["components"] == ["alliance"]
    )
    assert visit["strategies"] == {"follow_lead": 1} and visit["catalogue_version"] == 1
    new_events.reset()
    assert client.get(f"/api/v1/visits/{visit['id']}/", **auth(cast.sup_a)).status_code == 200
    listed = client.get(f"/api/v1/visits/?family={cast.family_a.pk}", **auth(cast.sup_a)).json()
    assert [v["id"] for v in listed["results"]] == [visit["id"]]
    assert [e.action for e in new_events() if e.action.startswith("visit")] == [
        "visit.read",
        "visit.list",
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ended_at": (NOW - timedelta(days=1, minutes=10)).isoformat()}, "ended_at"),
        ({"ended_at": (NOW - timedelta(days=1) + timedelta(hours=7)).isoformat()}, "ended_at"),
        ({"components": []}, "components"),
        ({"components": ["no_such"]}, "components"),
        (
            {
                "scheduled_at": (NOW + timedelta(days=2)).isoformat(),
                "started_at": (NOW + timedelta(days=2)).isoformat(),
                "ended_at": (NOW + timedelta(days=2, hours=1)).isoformat(),
            },
            "outcome",
        ),
        (
            {
                "started_at": (NOW - timedelta(days=900)).isoformat(),
                "scheduled_at": (NOW - timedelta(days=900)).isoformat(),
                "ended_at": (NOW - timedelta(days=900) + timedelta(hours=1)).isoformat(),
            },
            "scheduled_at",
        ),
    ],
)
def test_bad_input_is_400_with_the_field(cast, client, catalogue, overrides, field):
    response = create(client, cast, **overrides)
    assert response.status_code == 400 and field in response.json()
    assert not Visit.objects.exists()


def test_malformed_json_is_400(cast, client, catalogue):
    response = client.post(
        "/api/v1/visits/", "{nope", content_type="application/json", **auth(cast.hv_a)
    )
    assert response.status_code == 400


def test_scope_and_capability(cast, client, catalogue, new_events):
    visit = create(client, cast).json()
    assert client.get(f"/api/v1/visits/{visit['id']}/", **auth(cast.hv_b)).status_code == 404
    assert client.get(f"/api/v1/visits/{visit['id']}/", **auth(cast.state_admin)).status_code == 403
    assert create(client, cast, user=cast.hv_b).status_code == 404  # another agency's family
    assert create(client, cast, user=cast.admin_a).status_code == 403  # no document_visits
    patch = client.patch(
        f"/api/v1/visits/{visit['id']}/",
        {"note": "x"},
        content_type="application/json",
        **auth(cast.sup_a),
    )
    assert patch.status_code == 403  # only the visit's own home visitor writes it


def test_signed_visits_change_only_by_amendment(cast, client, catalogue):
    visit = create(client, cast).json()
    signed = client.post(
        f"/api/v1/visits/{visit['id']}/sign/",
        {"attest": True},
        content_type="application/json",
        **auth(cast.hv_a),
    )
    assert signed.status_code == 200 and signed.json()["signed_at"]
    patch = client.patch(
        f"/api/v1/visits/{visit['id']}/",
        {"note": "changed"},
        content_type="application/json",
        **auth(cast.hv_a),
    )
    assert patch.status_code == 409
    version = signed.json()["version"]
    amend = client.post(
        f"/api/v1/visits/{visit['id']}/amend/",
        {"reason": "Wrong word", "note": "Corrected.", "version": version},
        content_type="application/json",
        **auth(cast.hv_a),
    )
    assert amend.status_code == 201 and amend.json()["changes"]["note"] == [
        "Synthetic.",
        "Corrected.",
    ]
    stale = client.post(
        f"/api/v1/visits/{visit['id']}/amend/",
        {"reason": "Again please", "note": "Other.", "version": version},
        content_type="application/json",
        **auth(cast.hv_a),
    )
    assert stale.status_code == 409


def test_a_video_contact_is_not_a_home_visit(cast, client, catalogue):
    assert create(client, cast, place="video").json()["is_home_visit"] is False


def test_catalogue(cast, client, catalogue):
    data = client.get("/api/v1/catalogue/", **auth(cast.hv_a)).json()
    assert data["version"] == 1 and data["is_starter"] and len(data["components"]) == 7
    assert {s["response_type"] for c in data["components"] for s in c["strategies"]} == {
        "yes_no",
        "rating",
    }


# --- ids in filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"family": "12345678901234567890"},
        {"visitor": "12345678901234567890"},
        {"family": "abc"},
        {"family": "-1"},
        {"start": "2026-02-30"},
    ],
)
def test_bad_filters_are_400_not_500(cast, client, catalogue, params):
    response = client.get("/api/v1/visits/", params, **auth(cast.sup_a))
    assert response.status_code == 400 and set(response.json()) == set(params)


# --- the visit plan: GET/PUT /api/v1/families/<id>/visit-plan/ -------------------------


def plan_url(family):
    return f"/api/v1/families/{family.pk}/visit-plan/"


def test_visit_plan_put_then_get_keeps_the_history(cast, client, new_events):
    today = timezone.localdate()
    put = client.put(
        plan_url(cast.family_a),
        {"frequency": "every_other_week", "effective_from": today.isoformat()},
        content_type="application/json",
        **auth(cast.hv_a),
    )
    assert put.status_code == 200 and put.json()["current"]["frequency"] == "every_other_week"
    assert [e.action for e in new_events(object_type="family")] == ["visitplan.set"]
    new_events.reset()
    got = client.get(plan_url(cast.family_a), **auth(cast.sup_a)).json()
    assert [p["frequency"] for p in got["history"]] == ["every_other_week"]
    assert [(e.action, e.object_id) for e in new_events(object_type="family")] == [
        ("family.read", str(cast.family_a.pk))
    ]


def test_visit_plan_other_agency_404_capability_403_bad_input_400(cast, client, new_events):
    assert client.get(plan_url(cast.family_a), **auth(cast.hv_b)).status_code == 404
    assert [e.outcome for e in new_events(action="family.read")] == ["denied"]
    assert client.get(plan_url(cast.family_a), **auth(cast.state_admin)).status_code == 403
    put = client.put(
        plan_url(cast.family_a),
        {"frequency": "weekly", "effective_from": timezone.localdate().isoformat()},
        content_type="application/json",
        **auth(cast.admin_a),  # sees the family, does not document visits
    )
    assert put.status_code == 403
    for bad in (
        {"frequency": "monthly", "effective_from": "2026-01-01"},
        {"frequency": "paused", "effective_from": timezone.localdate().isoformat()},
        {"frequency": "weekly"},
    ):
        response = client.put(
            plan_url(cast.family_a), bad, content_type="application/json", **auth(cast.hv_a)
        )
        assert response.status_code == 400, bad
    assert (
        client.get(
            "/api/v1/families/12345678901234567890/visit-plan/", **auth(cast.hv_a)
        ).status_code
        == 404
    )


# --- catalogue publish: POST /api/v1/catalogue/versions/ -------------------------------


def strategies_of(client, user):
    current = client.get("/api/v1/catalogue/", **auth(user)).json()
    return [
        {
            "component": c["code"],
            "code": s["code"],
            "text": s["text"],
            "response_type": s["response_type"],
        }
        for c in current["components"]
        for s in c["strategies"]
    ]


def test_the_state_publishes_a_new_catalogue_version(cast, client, catalogue, new_events):
    rows = strategies_of(client, cast.state_admin)
    rows[0]["text"] = "Followed the baby's lead (reworded)"
    response = client.post(
        "/api/v1/catalogue/versions/",
        {"title": "Version two", "strategies": rows},
        content_type="application/json",
        **auth(cast.state_admin),
    )
    assert response.status_code == 201 and response.json()["version"] == 2
    assert [e.action for e in new_events(action="catalogue.publish")] == ["catalogue.publish"]
    assert client.get("/api/v1/catalogue/", **auth(cast.hv_a)).json()["version"] == 2


def test_catalogue_publish_needs_manage_policy_and_good_input(cast, client, catalogue):
    rows = strategies_of(client, cast.state_admin)
    post = lambda user, data: client.post(  # noqa: E731
        "/api/v1/catalogue/versions/", data, content_type="application/json", **auth(user)
    )
    assert post(cast.admin_a, {"title": "Mine", "strategies": rows}).status_code == 403
    assert post(cast.state_admin, {"title": "No rows", "strategies": []}).status_code == 400
    missing = [r for r in rows if r["component"] != "alliance"]
    response = post(cast.state_admin, {"title": "Gap", "strategies": missing})
    assert response.status_code == 400 and "strategies" in response.json()


# --- my week and team week: GET /api/v1/visits/week/ and …/week/team/ -----------------


def test_my_week_is_the_pages_call(cast, client, login, catalogue, new_events):
    from imhhv.visits.tests.factories import VisitFactory

    visit = VisitFactory(family=cast.family_a, day=timezone.localdate() - timedelta(days=20))
    data = client.get("/api/v1/visits/week/", **auth(cast.hv_a)).json()
    assert [v["id"] for v in data["to_sign"]] == [visit.pk]
    assert [f["family"] for f in data["not_seen"]] == [cast.family_a.pk]
    assert [e.action for e in new_events(action="visit.list")] == ["visit.list"]
    page = login(cast.hv_a).get("/visits/week/").context["week"]
    assert [v.pk for v in page.to_sign] == [v["id"] for v in data["to_sign"]]
    assert client.get("/api/v1/visits/week/", **auth(cast.admin_a)).status_code == 403
    assert client.get("/api/v1/visits/week/?week=soon", **auth(cast.hv_a)).status_code == 400


def test_team_week_lists_the_supervisors_home_visitors(cast, client, catalogue):
    data = client.get("/api/v1/visits/week/team/", **auth(cast.sup_a)).json()
    assert {r["visitor"] for r in data["rows"]} == {cast.hv_a.pk, cast.hv_a2.pk}
    assert client.get("/api/v1/visits/week/team/", **auth(cast.hv_a)).status_code == 403
