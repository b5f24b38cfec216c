"""Drafts API: GET/PUT/DELETE /api/v1/drafts/<form>/<record_key>/ over the same calls as
the pages: works, another agency's record 404, missing capability 403, one audit event,
bad input 400."""

import pytest

from imhhv.api.services import issue_token
from imhhv.drafts.models import Draft


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {issue_token(user=user)[0]}"}


def url(cast, family=None):
    return f"/api/v1/drafts/visit-note/family-{(family or cast.family_a).pk}/"


def put(client, cast, user, data, family=None):
    return client.put(
        url(cast, family), {"data": data}, content_type="application/json", **auth(user)
    )


@pytest.fixture
def hv_a(cast):
    return auth(cast.hv_a)


def test_put_get_delete_each_audited_once(cast, client, new_events):
    new_events.reset()
    response = put(client, cast, cast.hv_a, {"note": "Synthetic.", "components": ["alliance"]})
    assert response.status_code == 200
    assert response.json()["data"] == {"note": ["Synthetic."], "components": ["alliance"]}
    assert [e.action for e in new_events() if e.action.startswith("draft")] == ["draft.save"]
    new_events.reset()
    got = client.get(url(cast), **auth(cast.hv_a))
    assert got.status_code == 200 and got.json()["data"]["note"] == ["Synthetic."]
    assert got.json()["form"] == "visit-note" and got.json()["saved_at"]
    assert [e.action for e in new_events() if e.action.startswith("draft")] == ["draft.read"]
    new_events.reset()
    assert client.delete(url(cast), **auth(cast.hv_a)).status_code == 204
    assert [e.action for e in new_events() if e.action.startswith("draft")] == ["draft.discard"]
    assert client.get(url(cast), **auth(cast.hv_a)).status_code == 404
    assert client.delete(url(cast), **auth(cast.hv_a)).status_code == 404


def test_another_agencys_family_is_404_with_one_denied_event(cast, client, new_events):
    headers = auth(cast.hv_b)
    new_events.reset()
    response = client.put(
        url(cast), {"data": {"note": "x"}}, content_type="application/json", **headers
    )
    assert response.status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("family.read", "denied")]
    new_events.reset()
    assert client.get(url(cast), **headers).status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("family.read", "denied")]
    assert not Draft.objects.exists()


def test_missing_capability_is_403_with_one_denied_event(cast, client, new_events):
    headers = auth(cast.hv_a)
    new_events.reset()
    response = client.put(
        "/api/v1/drafts/referral/new/",
        {"data": {"x": "1"}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert [(e.action, e.outcome) for e in new_events()] == [("draft.write", "denied")]


def test_my_draft_is_not_anothers(cast, client):
    put(client, cast, cast.sup_a, {"x": "1"}, family=cast.family_a2)  # sup_a's team family
    assert client.get(url(cast, cast.family_a2), **auth(cast.hv_a2)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"data": "text"}, {"data": {"note": [1]}}, {"data": {"note": "x" * 50_001}}],
    ids=["missing", "not-an-object", "not-text", "too-long"],
)
def test_bad_input_is_400_with_field_errors(cast, client, body, new_events):
    headers = auth(cast.hv_a)
    new_events.reset()
    response = client.put(url(cast), body, content_type="application/json", **headers)
    assert response.status_code == 400
    assert isinstance(response.json(), dict) and response.json()
    assert not Draft.objects.exists() and new_events(action="draft.save") == []


def test_an_unknown_form_is_404(cast, client):
    response = client.get("/api/v1/drafts/no-such-form/new/", **auth(cast.hv_a))
    assert response.status_code == 404


def test_my_drafts_lists_where_to_resume_without_the_text(cast, client, new_events):
    put(client, cast, cast.hv_a, {"note": "Synthetic."})
    new_events.reset()
    response = client.get("/api/v1/drafts/", **auth(cast.hv_a))
    assert response.status_code == 200
    (row,) = response.json()
    assert row["form"] == "visit-note" and row["url"] == f"/visits/family/{cast.family_a.pk}/new/"
    assert "data" not in row
    assert [e.action for e in new_events() if e.action.startswith("draft")] == ["draft.list"]
    assert client.get("/api/v1/drafts/", **auth(cast.hv_b)).json() == []
