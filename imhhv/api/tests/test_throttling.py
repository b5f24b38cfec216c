"""The API-wide limit: per person once signed in, 429 with a clear detail and Retry-After."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from imhhv.api.services import issue_token

SMALL = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "api_user": "5/min",
    },
}


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_the_default_is_generous():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_user"] == "600/min"


@override_settings(REST_FRAMEWORK=SMALL)
def test_over_the_per_person_rate_is_429_until_the_minute_passes(cast, client, new_events):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        key = issue_token(user=cast.hv_a)[0]
        other = issue_token(user=cast.hv_b)[0]
        for _ in range(5):
            assert client.get("/api/v1/me/", **auth(key)).status_code == 200
        refused = client.get("/api/v1/me/", **auth(key))
        assert refused.status_code == 429
        assert refused.json()["detail"].startswith("Too many requests: the API allows 5/min")
        assert 0 < int(refused["Retry-After"]) <= 60
        assert client.get("/api/v1/me/", **auth(other)).status_code == 200  # per person
        assert client.get("/api/v1/me/", **auth(key)).status_code == 429
        events = new_events(action="api.throttled")
        assert [(e.username, e.outcome) for e in events] == [("hv_a", "denied")]
        clock.shift(timedelta(seconds=61))
        assert client.get("/api/v1/me/", **auth(key)).status_code == 200


@override_settings(REST_FRAMEWORK=SMALL)
def test_the_limit_counts_a_person_not_a_token(cast, client):
    with time_machine.travel(timezone.now(), tick=False):
        keys = [issue_token(user=cast.hv_a)[0] for _ in range(6)]
        statuses = [client.get("/api/v1/me/", **auth(k)).status_code for k in keys]
        assert statuses == [200] * 5 + [429]
