"""POST /api/v1/auth/token/: one audit event per sign-in, a strict limit per address, the
per-address failure lock shared with the sign-in page."""

from datetime import timedelta

import time_machine
from django.utils import timezone
from django_otp.oath import totp

from conftest import PASSWORD, verified_device
from imhhv.accounts.tests.factories import UserFactory
from imhhv.accounts.views import LOCKED_OUT_MESSAGE

TOKEN_URL = "/api/v1/auth/token/"


def post(client, username, password, *, otp=None, **headers):
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return client.post(TOKEN_URL, body, content_type="application/json", **headers)


def test_a_token_sign_in_writes_exactly_one_audit_event(cast, client, new_events):
    assert post(client, "hv_a", PASSWORD).status_code == 200
    events = new_events()
    assert [(e.action, e.outcome, e.username) for e in events] == [("login", "success", "hv_a")]
    assert events[0].details == {"via": "api", "second_factor": None}
    assert events[0].object_type == "apitoken"


def test_a_sign_in_with_a_second_factor_is_still_one_event(cast, client, new_events):
    device = verified_device(cast.admin_a)
    new_events.reset()
    response = post(client, "admin_a", PASSWORD, otp=f"{totp(device.bin_key):06d}")
    assert response.status_code == 200
    assert [(e.action, e.details["second_factor"]) for e in new_events()] == [
        ("login", "authenticator")
    ]


def test_the_token_endpoint_allows_ten_requests_a_minute_per_address(cast, client, new_events):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(10):
            assert post(client, "hv_a", PASSWORD).status_code == 200
        refused = post(client, "hv_a", PASSWORD)
        assert refused.status_code == 429
        assert "sign-in requests from this address" in refused.json()["detail"]
        assert int(refused["Retry-After"]) > 0
        # Another username from the same address is limited too; another address is not.
        assert post(client, "hv_b", PASSWORD).status_code == 429
        assert post(client, "hv_b", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 200
        assert [e.details["limit"] for e in new_events(action="api.throttled")] == [
            "token_sign_in"
        ]  # the first refusal only
        clock.shift(timedelta(seconds=61))
        assert post(client, "hv_a", PASSWORD).status_code == 200


def test_twenty_failures_from_one_address_lock_it_for_every_username(cast, client, new_events):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for i in range(20):
            # Different usernames (a spray), slow enough for the per-minute throttle.
            UserFactory(username=f"sprayed{i}")
            assert post(client, f"sprayed{i}", "wrong-password-123").status_code == 400
            clock.shift(timedelta(seconds=7))
        locked = post(client, "hv_a", PASSWORD)  # right password, still refused
        assert locked.status_code == 429 and locked.json()["detail"] == LOCKED_OUT_MESSAGE
        assert "token" not in locked.json()
        event = new_events(action="login.locked_out")[-1]
        assert event.details == {"attempted_username": "hv_a", "limit": "address"}
        assert post(client, "hv_a", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 200
        clock.shift(timedelta(minutes=15))
        assert post(client, "hv_a", PASSWORD).status_code == 200


def test_every_refused_token_request_writes_one_event(cast, client, new_events):
    body_events = []
    for username, password, otp in [
        ("hv_a", "wrong-password-123", None),  # wrong password
        ("admin_a", PASSWORD, None),  # administrator without two-factor set up
    ]:
        new_events.reset()
        assert post(client, username, password, otp=otp).status_code == 400
        body_events.append([(e.action, e.outcome) for e in new_events()])
    device = verified_device(cast.admin_a)
    for otp in (None, "000000" if totp(device.bin_key) != 0 else "111111"):
        new_events.reset()
        assert post(client, "admin_a", PASSWORD, otp=otp).status_code == 400
        body_events.append([(e.action, e.outcome) for e in new_events()])
    assert body_events == [
        [("login", "failure")],
        [("login", "failure")],
        [("login", "failure")],
        [("mfa.verify", "failure")],
    ]
