"""A POST that arrives after the idle timeout keeps what was typed as the user's draft,
then goes on to sign-in with ?next= the form; signed in again, the form has it back."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import verified_device
from imhhv.drafts.models import Draft

LATE = timedelta(minutes=16)  # past the 15-minute idle timeout


@pytest.fixture
def intake(cast, login):
    return login(cast.admin_a)


def late_post(client, url, data, **extra):
    with time_machine.travel(timezone.now() + LATE, tick=False):
        return client.post(url, data, **extra)


def test_a_late_submit_is_kept_as_a_draft_and_restored_after_signing_in(cast, intake, new_events):
    url = reverse("families:referral_new")
    response = late_post(intake, url, {"referrer_name": "Synthetic Late Referrer"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    draft = Draft.objects.get(user=cast.admin_a, form="referral", record_key="new")
    assert draft.data == {"referrer_name": ["Synthetic Late Referrer"]}
    assert [(e.action, e.details.get("via")) for e in new_events()] == [
        ("session.timeout", None),
        ("draft.save", "timeout"),
    ]
    login_page = intake.get(response["Location"])
    assert "kept as a draft" in login_page.content.decode()
    # Signing in again (the login fixture's session) and opening the form: it is there.
    intake.force_login(cast.admin_a)
    session = intake.session
    session["imhhv_started_at"] = session["imhhv_last_seen_at"] = timezone.now().isoformat()
    session["otp_device_id"] = verified_device(cast.admin_a).persistent_id
    session.save()
    page = intake.get(url).content.decode()
    assert 'value="Synthetic Late Referrer"' in page and "We restored the draft" in page


def test_a_late_autosave_is_kept_and_answers_401(cast, intake, new_events):
    response = late_post(
        intake,
        reverse("drafts:save", kwargs={"form": "referral", "record_key": "new"}),
        {"referrer_name": "Synthetic"},
    )
    assert response.status_code == 401
    assert response.json()["kept"] is True and response.json()["signed_out"] is True
    assert Draft.objects.filter(user=cast.admin_a).count() == 1
    assert [e.action for e in new_events()] == ["session.timeout", "draft.save"]


def test_a_late_post_elsewhere_keeps_nothing(cast, intake):
    response = late_post(intake, reverse("accounts:keepalive"), {"x": "1"})
    assert response.status_code == 302 and not Draft.objects.exists()


def test_a_late_post_to_a_record_out_of_scope_keeps_nothing(cast, login, new_events):
    client = login(cast.hv_b)
    url = reverse("visits:new", kwargs={"family_id": cast.family_a.pk})
    response = late_post(client, url, {"note": "x"})
    assert response.status_code == 302 and not Draft.objects.exists()
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [
        ("session.timeout", "success"),
        ("family.read", "denied"),
    ]
    assert events[1].user == cast.hv_b  # the person signed out, not "anonymous"


def test_a_late_forged_post_without_the_csrf_token_keeps_nothing(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin_a)
    session = client.session
    session["imhhv_started_at"] = session["imhhv_last_seen_at"] = timezone.now().isoformat()
    session.save()
    late_post(client, reverse("families:referral_new"), {"referrer_name": "Forged"})
    assert not Draft.objects.exists()


def test_a_late_post_with_the_page_csrf_token_is_kept(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin_a)
    session = client.session
    session["imhhv_started_at"] = session["imhhv_last_seen_at"] = timezone.now().isoformat()
    session["otp_device_id"] = verified_device(cast.admin_a).persistent_id
    session.save()
    page = client.get(reverse("families:referral_new"))
    token = page.context["csrf_token"]
    response = late_post(
        client,
        reverse("families:referral_new"),
        {"referrer_name": "Synthetic", "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302
    assert Draft.objects.get().data == {"referrer_name": ["Synthetic"]}
