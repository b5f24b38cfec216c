"""Signing in: generic errors, lockout, Argon2, password rules, audit of every attempt."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from imhhv.accounts.views import GENERIC_LOGIN_ERROR, LOCKED_OUT_MESSAGE

LOGIN = reverse("accounts:login")


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_home_visitor_signs_in_and_lands_home(cast, client, new_events):
    response = post_login(client, "hv_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("reports:home")
    assert client.get(reverse("reports:home")).status_code == 200
    assert [(e.action, e.outcome, e.username) for e in new_events(action="login")] == [
        ("login", "success", "hv_a")
    ]


def test_wrong_password_and_unknown_user_get_the_same_message(cast, client, new_events):
    wrong = post_login(client, "hv_a", "not-the-password-at-all")
    unknown = post_login(client, "no_such_user", "not-the-password-at-all")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC_LOGIN_ERROR in wrong.content.decode()
    assert GENERIC_LOGIN_ERROR in unknown.content.decode()
    failures = new_events(action="login", outcome="failure")
    assert [e.details["attempted_username"] for e in failures] == ["hv_a", "no_such_user"]
    assert all(e.user_id is None for e in failures)


@pytest.mark.parametrize("username", ["hv_a", "no_such_user"])
def test_five_failures_lock_out_for_fifteen_minutes(cast, client, new_events, username):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            post_login(client, username, "wrong-password-again")
        locked = post_login(client, username, PASSWORD if username == "hv_a" else "x" * 12)
        assert locked.status_code == 429
        assert LOCKED_OUT_MESSAGE in locked.content.decode()
        assert GENERIC_LOGIN_ERROR not in locked.content.decode()
        assert new_events(action="login.locked_out")
        clock.shift(timedelta(minutes=14))
        assert post_login(client, username, "x" * 12).status_code == 429
        clock.shift(timedelta(minutes=16))
        if username == "hv_a":
            assert post_login(client, "hv_a", PASSWORD).status_code == 302


def test_lockout_is_per_username_and_ip(cast, client):
    for _ in range(5):
        post_login(client, "hv_a", "wrong-password-again")
    assert post_login(client, "hv_a", PASSWORD).status_code == 429
    # The same username from another address, and another username from this one, still work.
    other_ip = client.post(
        LOGIN, {"username": "hv_a", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert other_ip.status_code == 302
    client.logout()
    assert post_login(client, "hv_b", PASSWORD).status_code == 302


def test_inactive_user_cannot_sign_in(cast, client):
    cast.hv_a.is_active = False
    cast.hv_a.save()
    response = post_login(client, "hv_a", PASSWORD)
    assert GENERIC_LOGIN_ERROR in response.content.decode()


def test_passwords_hash_with_argon2(cast):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    cast.hv_a.set_password("a-brand-new-passphrase-77")
    assert cast.hv_a.password.startswith("argon2$")


@pytest.mark.parametrize("password", ["short-pw1", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("tamarack-lantern-river-9")


def test_open_redirect_is_refused(cast, client):
    response = client.post(
        LOGIN, {"username": "hv_a", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("reports:home")


def test_logout_ends_the_session_server_side(cast, client, new_events):
    post_login(client, "hv_a", PASSWORD)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("accounts:logout")).status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=old_cookie).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert client.get(reverse("families:list")).status_code == 302  # back to sign-in
    assert new_events(action="logout")


def test_logout_needs_post(cast, login):
    client = login(cast.hv_a)
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_twenty_failures_from_one_address_lock_it_for_every_username(cast, client, new_events):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for i in range(19):
            post_login(client, f"sprayed-{i}", "wrong-password-again")  # one try per name
        # A valid sign-in from the address in between does not reset its count.
        assert post_login(client, "hv_b", PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))
        post_login(client, "sprayed-19", "wrong-password-again")
        locked = post_login(client, "hv_a", PASSWORD)
        assert locked.status_code == 429
        assert LOCKED_OUT_MESSAGE in locked.content.decode()
        assert GENERIC_LOGIN_ERROR not in locked.content.decode()
        event = new_events(action="login.locked_out")[-1]
        assert event.details == {"attempted_username": "hv_a", "limit": "address"}
        assert event.source_ip == "127.0.0.1"
        other = client.post(
            LOGIN, {"username": "hv_a", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
        )
        assert other.status_code == 302
        client.logout()
        # Refusals while locked do not extend the lock: it lifts 15 minutes on.
        clock.shift(timedelta(minutes=14))
        assert post_login(client, "hv_a", PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))
        assert post_login(client, "hv_a", PASSWORD).status_code == 302


def test_the_address_limit_is_a_setting(cast, client, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    for i in range(3):
        post_login(client, f"sprayed-{i}", "wrong-password-again")
    assert post_login(client, "hv_a", PASSWORD).status_code == 429
