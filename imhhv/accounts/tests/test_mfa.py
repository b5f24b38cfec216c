"""Two-factor: required for administrators, optional for others, recovery codes."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

HOME = reverse("reports:home")


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("username", ["admin_a", "state_admin"])
def test_administrators_must_enroll_before_anything_else(cast, client, username):
    response = sign_in(client, username)
    assert response["Location"] == reverse("accounts:mfa_enroll")
    assert client.get(HOME)["Location"] == reverse("accounts:mfa_enroll")
    assert client.get(reverse("audit:log"))["Location"] == reverse("accounts:mfa_enroll")
    page = client.get(reverse("accounts:mfa_enroll"))
    assert page.status_code == 200 and b"data:image/svg+xml;base64," in page.content


def wrong_code(device):
    return "000000" if code_for(device) != "000000" else "111111"


def test_enrollment_with_a_right_code_gives_recovery_codes_and_access(cast, client, new_events):
    sign_in(client, "admin_a")
    client.get(reverse("accounts:mfa_enroll"))
    device = TOTPDevice.objects.get(user=cast.admin_a)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = client.post(reverse("accounts:mfa_enroll"), {"code": wrong_code(device)})
        assert b"did not match" in wrong.content
        clock.shift(timedelta(seconds=3))  # django-otp throttles for a moment after a failure
        response = client.post(reverse("accounts:mfa_enroll"), {"code": code_for(device)})
    assert response.status_code == 200
    assert response.content.count(b"<li><code>") == 10
    assert client.get(HOME).status_code == 200
    assert [e.outcome for e in new_events(action="mfa.enroll")] == ["failure", "success"]


def enrolled_admin(client, cast):
    sign_in(client, "admin_a")
    client.get(reverse("accounts:mfa_enroll"))
    device = TOTPDevice.objects.get(user=cast.admin_a)
    response = client.post(reverse("accounts:mfa_enroll"), {"code": code_for(device)})
    codes = re.findall(r"<li><code>([^<]+)</code>", response.content.decode())
    client.post(reverse("accounts:logout"))
    return device, codes


def test_enrolled_user_must_give_a_code_at_each_sign_in(cast, client, new_events):
    device, _ = enrolled_admin(client, cast)
    assert sign_in(client, "admin_a")["Location"] == reverse("accounts:mfa_verify")
    assert client.get(HOME)["Location"] == reverse("accounts:mfa_verify")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        bad = client.post(reverse("accounts:mfa_verify"), {"code": wrong_code(device)})
        assert b"not valid" in bad.content
        clock.shift(timedelta(seconds=31))  # a new code: each code is accepted only once
        ok = client.post(reverse("accounts:mfa_verify"), {"code": code_for(device)})
    assert ok["Location"] == HOME and client.get(HOME).status_code == 200
    assert [e.outcome for e in new_events(action="mfa.verify")] == ["failure", "success"]


def test_a_recovery_code_works_once(cast, client, new_events):
    _, codes = enrolled_admin(client, cast)
    assert len(codes) == 10
    sign_in(client, "admin_a")
    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0]})["Location"] == HOME
    client.post(reverse("accounts:logout"))
    sign_in(client, "admin_a")
    again = client.post(reverse("accounts:mfa_verify"), {"code": codes[0]})
    assert again.status_code == 200 and b"not valid" in again.content
    assert (
        new_events(action="mfa.verify", outcome="success")[0].details["method"] == "recovery code"
    )


def test_two_factor_is_optional_for_home_visitors(cast, client):
    assert sign_in(client, "hv_a")["Location"] == HOME
    assert client.get(reverse("accounts:mfa_enroll")).status_code == 200


@override_settings(DEMO_MODE=True)
def test_demo_mode_skips_the_requirement(cast, client):
    assert sign_in(client, "admin_a")["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert b"synthetic data" in client.get(HOME).content


def test_administrators_cannot_remove_required_two_factor(cast, client):
    enrolled_admin(client, cast)
    sign_in(client, "admin_a")
    device = TOTPDevice.objects.get(user=cast.admin_a)
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        assert (
            client.post(reverse("accounts:mfa_verify"), {"code": code_for(device)})["Location"]
            == HOME
        )
        client.post(reverse("accounts:account"), {"action": "remove"})
    assert TOTPDevice.objects.filter(user=cast.admin_a).exists()


def test_a_quick_retry_after_a_wrong_code_is_told_to_wait(cast, client):
    sign_in(client, "admin_a")
    client.get(reverse("accounts:mfa_enroll"))
    device = TOTPDevice.objects.get(user=cast.admin_a)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(reverse("accounts:mfa_enroll"), {"code": wrong_code(device)})
        too_soon = client.post(reverse("accounts:mfa_enroll"), {"code": code_for(device)})
        assert b"Wait 1 second," in too_soon.content
        clock.shift(timedelta(seconds=2))
        done = client.post(reverse("accounts:mfa_enroll"), {"code": code_for(device)})
        assert done.content.count(b"<li><code>") == 10
