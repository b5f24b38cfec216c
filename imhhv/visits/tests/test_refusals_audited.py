"""A refused write writes exactly one audit event, even when the service's own transaction
rolled back (signing a visit that is only scheduled: nothing to sign yet)."""

from datetime import timedelta

from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.visits.models import Visit


def scheduled_visit(cast):
    return Visit.objects.create(
        family=cast.family_a,
        visitor=cast.hv_a,
        created_by=cast.hv_a,
        scheduled_at=timezone.now() + timedelta(days=2),
    )


def test_signing_a_scheduled_visit_on_the_page_writes_one_denial(
    cast, catalogue, login, new_events
):
    visit = scheduled_visit(cast)
    response = login(cast.hv_a).post(f"/visits/{visit.pk}/sign/")
    assert response.status_code == 409
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("request.refused", "denied")]
    assert events[0].details["reason"] == "not_documented"


def test_signing_a_scheduled_visit_through_the_api_writes_one_denial(
    cast, catalogue, client, new_events
):
    visit = scheduled_visit(cast)
    key, _ = issue_token(user=cast.hv_a)
    new_events.reset()
    response = client.post(f"/api/v1/visits/{visit.pk}/sign/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 409 and response.json()["code"] == "not_documented"
    assert [(e.action, e.outcome) for e in new_events()] == [("request.refused", "denied")]
