"""API v1: token sign-in, me, families; scoped, audited, clear errors."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import totp

from conftest import PASSWORD, verified_device
from imhhv.api.services import issue_token

TOKEN_URL = "/api/v1/auth/token/"


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def token_for(user):
    return issue_token(user=user)[0]


def test_token_sign_in_returns_a_token_that_works(cast, client, new_events):
    response = client.post(
        TOKEN_URL, {"username": "hv_a", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    me = client.get("/api/v1/me/", **auth(key))
    assert me.status_code == 200
    assert me.json() == {
        "username": "hv_a",
        "role": "home_visitor",
        "agency": "Alpha CMH",
        "team": "A1",
        "capabilities": ["document_visits", "edit_families", "view_families"],
    }
    assert [e.details.get("via") for e in new_events(action="login")] == ["api"]


def test_wrong_password_and_unknown_user_get_the_same_400(cast, client):
    wrong = client.post(
        TOKEN_URL,
        {"username": "hv_a", "password": "nope-nope-nope"},
        content_type="application/json",
    )
    unknown = client.post(
        TOKEN_URL,
        {"username": "ghost", "password": "nope-nope-nope"},
        content_type="application/json",
    )
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()


def test_missing_fields_and_malformed_json_are_400_with_field_errors(cast, client):
    missing = client.post(TOKEN_URL, {"username": "hv_a"}, content_type="application/json")
    assert missing.status_code == 400 and "password" in missing.json()
    malformed = client.post(TOKEN_URL, "{not json", content_type="application/json")
    assert malformed.status_code == 400 and "detail" in malformed.json()


def test_api_lockout_after_five_failures(cast, client):
    for _ in range(5):
        client.post(
            TOKEN_URL,
            {"username": "hv_a", "password": "nope-nope-nope"},
            content_type="application/json",
        )
    locked = client.post(
        TOKEN_URL, {"username": "hv_a", "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code == 429 and "15 minutes" in locked.json()["detail"]


def test_administrator_needs_otp_for_a_token(cast, client):
    body = {"username": "admin_a", "password": PASSWORD}
    not_enrolled = client.post(TOKEN_URL, body, content_type="application/json")
    assert not_enrolled.status_code == 400 and "otp" in not_enrolled.json()
    device = verified_device(cast.admin_a)
    without = client.post(TOKEN_URL, body, content_type="application/json")
    assert without.status_code == 400 and "otp" in without.json()
    code = f"{totp(device.bin_key):06d}"
    ok = client.post(TOKEN_URL, {**body, "otp": code}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["token"]


@override_settings(DEMO_MODE=True)
def test_demo_mode_lets_an_unenrolled_administrator_take_a_token(cast, client):
    body = {"username": "admin_a", "password": PASSWORD}
    assert client.post(TOKEN_URL, body, content_type="application/json").status_code == 200


def test_tokens_expire_after_eight_hours(cast, client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        key = token_for(cast.hv_a)
        clock.shift(timedelta(hours=7, minutes=59))
        assert client.get("/api/v1/me/", **auth(key)).status_code == 200
        clock.shift(timedelta(minutes=2))
        assert client.get("/api/v1/me/", **auth(key)).status_code == 401


def test_revoked_token_is_401(cast, client, new_events):
    key = token_for(cast.hv_a)
    assert client.delete(TOKEN_URL, **auth(key)).status_code == 204
    assert client.get("/api/v1/me/", **auth(key)).status_code == 401
    assert client.delete(TOKEN_URL, **auth(key)).status_code == 401
    assert new_events(action="api.token_revoked")


def test_garbage_token_is_401(cast, client):
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nope").status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token a b").status_code == 401
    assert client.get("/api/v1/me/").status_code == 401


def test_family_list_is_scoped_and_audited_once(cast, client, new_events):
    key = token_for(cast.sup_a)
    new_events.reset()
    response = client.get("/api/v1/families/", **auth(key))
    assert response.status_code == 200
    names = {f["display_name"] for f in response.json()["results"]}
    assert names == {"Test Family One", "Test Family Two"}
    events = new_events()
    assert [(e.action, e.outcome, e.username) for e in events] == [
        ("family.list", "success", "sup_a")
    ]


def test_family_detail_works_hides_other_agency_and_audits(cast, client, new_events):
    key = token_for(cast.admin_a)
    new_events.reset()
    ok = client.get(f"/api/v1/families/{cast.family_a2.pk}/", **auth(key))
    assert ok.status_code == 200 and ok.json()["display_name"] == "Test Family Two"
    hidden = client.get(f"/api/v1/families/{cast.family_b.pk}/", **auth(key))
    missing = client.get("/api/v1/families/999999/", **auth(key))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("family.read", "success"),
        ("family.read", "denied"),
        ("family.read", "denied"),
    ]


@pytest.mark.parametrize("who", ["state_admin", "evaluator", "nobody"])
def test_roles_without_family_access_get_403_and_audited(cast, client, new_events, who):
    key = token_for(getattr(cast, who))
    new_events.reset()
    assert client.get("/api/v1/families/", **auth(key)).status_code == 403
    assert client.get(f"/api/v1/families/{cast.family_a.pk}/", **auth(key)).status_code == 403
    assert [(e.action, e.outcome) for e in new_events()] == [("access.capability", "denied")] * 2


def test_session_api_use_respects_two_factor(cast, client):
    client.force_login(cast.admin_a)
    session = client.session
    session["imhhv_started_at"] = session["imhhv_last_seen_at"] = timezone.now().isoformat()
    session.save()
    assert client.get("/api/v1/families/").status_code == 403


def test_openapi_schema_generates_and_lists_the_endpoints(cast, login):
    client = login(cast.hv_a)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/families/",
        "/api/v1/families/{id}/",
    ):
        assert path in schema["paths"]
    assert client.get("/api/v1/docs/").status_code == 200


def test_schema_generation_has_no_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
