"""The account page's "sign out everywhere": every session and API token of the person
ends (tokens through the accounts hook the API registers), one audit event."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from imhhv.api.services import issue_token

ACCOUNT = reverse("accounts:account")


def test_sign_out_everywhere_ends_other_sessions_and_tokens(cast, login, new_events):
    laptop = Client()
    laptop.post(reverse("accounts:login"), {"username": "hv_a", "password": PASSWORD})
    key, _ = issue_token(user=cast.hv_a)
    client = login(cast.hv_a)
    response = client.post(ACCOUNT, {"action": "sign_out_everywhere"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert not Session.objects.filter(session_key=laptop.session.session_key).exists()
    assert laptop.get(reverse("reports:home")).status_code == 302
    assert client.get(reverse("reports:home")).status_code == 302
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    events = new_events()
    assert [e.action for e in events] == ["logout.everywhere"]
    assert events[0].details["revoked"] == {"api_tokens": 1}


def test_another_persons_sessions_are_untouched(cast, login):
    other = Client()
    other.post(reverse("accounts:login"), {"username": "hv_b", "password": PASSWORD})
    login(cast.hv_a).post(ACCOUNT, {"action": "sign_out_everywhere"})
    assert other.get(reverse("reports:home")).status_code == 200
