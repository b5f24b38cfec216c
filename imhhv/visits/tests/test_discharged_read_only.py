"""A discharged family's visits are read-only, on pages and in the API.

Nothing is created, edited, signed or amended, and the plan does not change: the API
answers 409 `discharged`, a page shows the message (409), and the refusal is audited.
The one exception: the unsigned note of a visit made on or before the discharge day
may still be finished and signed until its documentation deadline.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.families.models import Enrollment
from imhhv.visits.models import Visit, VisitPlan
from imhhv.visits.tests.factories import VisitFactory

TODAY = timezone.localdate()


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {issue_token(user=user)[0]}"}


@pytest.fixture
def discharged(cast, catalogue):
    """family_a: an unsigned and a signed note from 10 days ago, an unsigned one from
    yesterday; discharged today."""
    visits = {
        "old": VisitFactory(family=cast.family_a, day=TODAY - timedelta(days=10)),
        "signed": VisitFactory(family=cast.family_a, day=TODAY - timedelta(days=11), signed=True),
        "last": VisitFactory(family=cast.family_a, day=TODAY - timedelta(days=1)),
    }
    Enrollment.objects.filter(family=cast.family_a).update(discharged_on=TODAY)
    return visits


def test_api_refuses_edit_sign_and_amend_with_409(cast, client, discharged, new_events):
    old, signed = discharged["old"], discharged["signed"]
    headers = auth(cast.hv_a)
    new_events.reset()
    patch = client.patch(
        f"/api/v1/visits/{old.pk}/",
        {"note": "late edit"},
        content_type="application/json",
        **headers,
    )
    assert patch.status_code == 409 and patch.json()["code"] == "discharged"
    sign = client.post(f"/api/v1/visits/{old.pk}/sign/", **headers)
    assert sign.status_code == 409 and sign.json()["code"] == "discharged"
    amend = client.post(
        f"/api/v1/visits/{signed.pk}/amend/",
        {"reason": "Fix a word", "note": "Changed.", "version": signed.version},
        content_type="application/json",
        **headers,
    )
    assert amend.status_code == 409 and amend.json()["code"] == "discharged"
    old.refresh_from_db()
    signed.refresh_from_db()
    assert old.note == "Synthetic note." and old.signed_at is None
    assert signed.note == "Synthetic note." and not signed.amendments.exists()
    assert [(e.action, e.outcome) for e in new_events(action="visit.write")] == [
        ("visit.write", "denied")
    ] * 3


def test_api_refuses_a_new_visit(cast, client, discharged):
    start = timezone.now() - timedelta(hours=30)
    response = client.post(
        "/api/v1/visits/",
        {
            "family": cast.family_a.pk,
            "scheduled_at": start.isoformat(),
            "outcome": "cancelled_family",
        },
        content_type="application/json",
        **auth(cast.hv_a),
    )
    assert response.status_code == 409 and response.json()["code"] == "discharged"
    assert Visit.objects.count() == 3


def test_pages_show_the_message_and_save_nothing(cast, login, discharged, new_events):
    client = login(cast.hv_a)
    edit = client.get(reverse("visits:edit", args=[discharged["old"].pk]))
    assert edit.status_code == 409 and b"read-only" in edit.content
    assert [e.outcome for e in new_events()] == ["denied"]
    sign = client.post(reverse("visits:sign", args=[discharged["old"].pk]))
    assert sign.status_code == 409 and b"read-only" in sign.content
    amend = client.post(reverse("visits:edit", args=[discharged["signed"].pk]), {"reason": "x"})
    assert amend.status_code == 409
    plan = client.post(
        reverse("visits:plan", args=[cast.family_a.pk]),
        {"frequency": "every_other_week", "effective_from": TODAY.isoformat()},
    )
    assert plan.status_code == 409 and not VisitPlan.objects.exists()
    assert Visit.objects.filter(signed_at__isnull=False).count() == 1


def test_the_last_visits_note_may_still_be_signed_until_its_deadline(cast, client, discharged):
    last = discharged["last"]
    response = client.post(
        f"/api/v1/visits/{last.pk}/sign/",
        {"attest": True},
        content_type="application/json",
        **auth(cast.hv_a),
    )
    assert response.status_code == 200 and response.json()["signed_at"]


def test_the_exception_rule():
    from imhhv.core.fidelity import note_open_after_discharge

    monday = TODAY - timedelta(days=TODAY.weekday())
    # A Monday visit, due by Wednesday (2 business days), discharged that Monday.
    assert note_open_after_discharge(monday, monday, monday + timedelta(days=2))
    assert not note_open_after_discharge(monday, monday, monday + timedelta(days=3))
    # A visit after the discharge day never reopens the record.
    assert not note_open_after_discharge(monday + timedelta(days=1), monday, monday)
