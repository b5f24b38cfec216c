"""Automatic logoff (frozen clock): 15 minutes idle, 12 hours absolute."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD

HOME = reverse("reports:home")


def sign_in(client):
    assert (
        client.post(
            reverse("accounts:login"), {"username": "hv_a", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_idle_fifteen_minutes_signs_out(cast, client, new_events):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client)
        clock.shift(timedelta(minutes=14))
        assert client.get(HOME).status_code == 200  # activity resets the idle clock
        clock.shift(timedelta(minutes=14))
        assert client.get(HOME).status_code == 200
        clock.shift(timedelta(minutes=15, seconds=1))
        response = client.get(HOME)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
        assert [e.details["reason"] for e in new_events(action="session.timeout")] == ["idle"]


def test_twelve_hours_is_the_absolute_limit_even_when_active(cast, client, new_events):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client)
        statuses = []
        for _ in range(12 * 6 + 1):  # a request every 10 minutes for 12 h 10 min
            clock.shift(timedelta(minutes=10))
            statuses.append(client.get(HOME).status_code)
        assert statuses[: 12 * 6] == [200] * 72  # never idle, so signed in for 12 hours
        assert statuses[-1] == 302
        assert [e.details["reason"] for e in new_events(action="session.timeout")] == ["absolute"]


def test_deactivation_ends_sessions_and_tokens(cast, client):
    from django.contrib.sessions.models import Session

    from imhhv.accounts.services import deactivate_user
    from imhhv.api.services import issue_token

    sign_in(client)
    key, _ = issue_token(user=cast.hv_a)
    deactivate_user(user=cast.hv_a, by=cast.admin_a)
    assert not Session.objects.exists()
    assert client.get(HOME).status_code == 302
    api = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 401
