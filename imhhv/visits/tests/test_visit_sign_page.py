"""GET/POST /visits/<id>/sign/ and POST /api/v1/visits/<id>/sign/: signing asks for the
attestation, on a confirmation step separate from Edit; a scheduled visit has no sign
action."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.visits.models import Visit
from imhhv.visits.services import ATTESTATION
from imhhv.visits.tests.factories import VisitFactory


def sign_url(visit):
    return reverse("visits:sign", args=[visit.pk])


def test_the_visit_page_links_to_the_sign_page_not_a_one_click_sign(cast, login, catalogue):
    visit = VisitFactory(family=cast.family_a)
    page = login(cast.hv_a).get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert f'href="{sign_url(visit)}"' in page
    assert f'action="{sign_url(visit)}"' not in page


def test_the_sign_page_shows_the_note_and_the_attestation_audited_once(
    cast, login, catalogue, new_events
):
    visit = VisitFactory(family=cast.family_a, note="Synthetic note about bedtime.")
    response = login(cast.hv_a).get(sign_url(visit))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Synthetic note about bedtime." in page
    assert ATTESTATION in page and 'type="checkbox" name="attest"' in page
    assert [(e.action, e.details.get("view")) for e in new_events()] == [("visit.read", "sign")]
    visit.refresh_from_db()
    assert visit.signed_at is None  # the page itself signs nothing


def test_signing_without_the_attestation_is_refused_and_nothing_signed(
    cast, login, catalogue, new_events
):
    visit = VisitFactory(family=cast.family_a)
    response = login(cast.hv_a).post(sign_url(visit), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "to sign the note" in page and 'href="#id_attest"' in page  # the error summary
    visit.refresh_from_db()
    assert visit.signed_at is None
    assert [e.action for e in new_events()] == ["visit.read"]


def test_signing_with_the_attestation_signs_and_records_it(cast, login, catalogue, new_events):
    visit = VisitFactory(family=cast.family_a)
    response = login(cast.hv_a).post(sign_url(visit), {"attest": "on"})
    assert response["Location"] == reverse("visits:detail", args=[visit.pk])
    visit.refresh_from_db()
    assert visit.signed_at is not None and visit.signed_by == cast.hv_a
    (event,) = new_events()
    assert event.action == "visit.sign"
    assert event.details["attested"] is True and event.details["attestation"] == ATTESTATION


def test_only_the_visits_home_visitor_has_the_sign_page(cast, login, catalogue, new_events):
    visit = VisitFactory(family=cast.family_a)
    assert login(cast.sup_a).get(sign_url(visit)).status_code == 403
    assert [(e.action, e.outcome) for e in new_events()] == [("visit.write", "denied")]
    assert login(cast.hv_b).get(sign_url(visit)).status_code == 404


def test_a_signed_note_has_no_sign_page(cast, login, catalogue):
    visit = VisitFactory(family=cast.family_a, signed=True)
    response = login(cast.hv_a).get(sign_url(visit))
    assert response.status_code == 409 and b"already signed" in response.content


def scheduled(cast):
    return Visit.objects.create(
        family=cast.family_a,
        visitor=cast.hv_a,
        created_by=cast.hv_a,
        scheduled_at=timezone.now() + timedelta(days=2),
    )


def test_a_scheduled_visit_shows_no_sign_action(cast, login, catalogue):
    visit = scheduled(cast)
    client = login(cast.hv_a)
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert sign_url(visit) not in page and "Sign the note" not in page
    assert "Document" in page  # the one action: document the visit
    assert client.get(sign_url(visit)).status_code == 409


def api_sign(client, visit, key, payload=None):
    return client.post(
        f"/api/v1/visits/{visit.pk}/sign/",
        payload or {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )


def test_the_api_needs_attest_true(cast, client, catalogue, new_events):
    visit = VisitFactory(family=cast.family_a)
    key, _ = issue_token(user=cast.hv_a)
    for payload in ({}, {"attest": False}):
        response = api_sign(client, visit, key, payload)
        assert response.status_code == 400
        assert "attest" in response.json()
    assert api_sign(client, visit, key, {"attest": "maybe"}).status_code == 400
    visit.refresh_from_db()
    assert visit.signed_at is None
    new_events.reset()
    response = api_sign(client, visit, key, {"attest": True})
    assert response.status_code == 200 and response.json()["signed_at"]
    assert [e.action for e in new_events()] == ["visit.sign"]
