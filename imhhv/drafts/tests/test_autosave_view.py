"""The autosave endpoint (drafts:save) and the discard page: works, other agency's record
404, missing capability 403, one audit event, bad input 400, CSRF-protected."""

import pytest
from django.test import Client
from django.urls import reverse

from imhhv.drafts.models import Draft


def save_url(form="referral", key="new"):
    return reverse("drafts:save", kwargs={"form": form, "record_key": key})


@pytest.fixture
def intake(cast, login):
    return login(cast.admin_a)


def test_autosave_keeps_the_fields_and_says_when(cast, intake, new_events):
    fields = {"referrer_name": "Test Referrer", "child-0-first_name": "B"}
    response = intake.post(save_url(), fields)
    assert response.status_code == 200
    body = response.json()
    assert body["message"].startswith("Draft saved at ") and body["saved_at"]
    draft = Draft.objects.get(user=cast.admin_a)
    assert draft.data == {"referrer_name": ["Test Referrer"], "child-0-first_name": ["B"]}
    assert [(e.action, e.outcome, e.details["via"]) for e in new_events()] == [
        ("draft.save", "success", "autosave")
    ]


def test_autosave_of_another_agencys_family_is_404_with_one_event(cast, login, new_events):
    client = login(cast.hv_b)
    response = client.post(save_url("visit-note", f"family-{cast.family_a.pk}"), {"note": "x"})
    assert response.status_code == 404
    assert [e.outcome for e in new_events()] == ["denied"]
    assert cast.family_a.display_name not in response.content.decode()
    assert not Draft.objects.exists()


def test_autosave_without_the_capability_is_403_with_one_event(cast, login, new_events):
    response = login(cast.hv_a).post(save_url(), {"referrer_name": "x"})
    assert response.status_code == 403
    assert [(e.action, e.outcome) for e in new_events()] == [("draft.write", "denied")]


def test_autosave_bad_input_is_400_with_field_errors(cast, intake, new_events):
    response = intake.post(save_url(), {"note": "x" * 50_001})
    assert response.status_code == 400
    assert response.json() == {"errors": {"note": ["This field is too long to keep as a draft."]}}
    assert not Draft.objects.exists() and new_events(action="draft.save") == []


def test_autosave_is_post_only_and_csrf_protected(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin_a)
    from django.utils import timezone

    session = client.session
    session["imhhv_started_at"] = session["imhhv_last_seen_at"] = timezone.now().isoformat()
    session.save()
    assert client.post(save_url(), {"referrer_name": "x"}).status_code == 403
    assert not Draft.objects.exists()


def test_autosave_needs_a_signed_in_user(client):
    response = client.post(save_url(), {"x": "1"})
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_the_discard_page_asks_then_discards_once(cast, intake, new_events):
    intake.post(save_url(), {"referrer_name": "x"})
    discard = reverse("drafts:discard", kwargs={"form": "referral", "record_key": "new"})
    new_events.reset()
    page = intake.get(discard)
    assert page.status_code == 200 and b"Discard this draft?" in page.content
    assert new_events() == []  # shows nothing of the draft
    response = intake.post(discard, {"next": reverse("families:referral_new")})
    assert response.status_code == 302
    assert response["Location"] == reverse("families:referral_new")
    assert not Draft.objects.exists()
    assert [e.action for e in new_events()] == ["draft.discard"]


def test_the_discard_page_never_sends_elsewhere(cast, intake):
    discard = reverse("drafts:discard", kwargs={"form": "referral", "record_key": "new"})
    response = intake.post(discard, {"next": "https://example.org/"})
    assert response["Location"] == reverse("families:referral_new")


def test_keepalive_answers_json_or_goes_back(cast, intake, new_events):
    url = reverse("accounts:keepalive")
    response = intake.post(url, HTTP_ACCEPT="application/json")
    assert response.json() == {"idle_seconds": 900}
    back = intake.post(url, {"next": "/families/referrals/new/"})
    assert back.status_code == 302 and back["Location"] == "/families/referrals/new/"
    assert new_events() == []  # not a PHI read
