"""Documenting, signing and amending visits; the visit plan."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.audit.models import AuditEvent
from imhhv.families.models import Enrollment
from imhhv.visits.models import Amendment, Visit, VisitPlan

TODAY = timezone.localdate()


def visit_post(day=None, **overrides):
    day = day or TODAY - timedelta(days=1)
    data = {
        "visit_date": day.isoformat(),
        "outcome": "completed",
        "start_time": "10:00",
        "end_time": "11:45",
        "place": "home",
        "components": ["alliance", "developmental_guidance"],
        "strategy_follow_lead": "1",
        "strategy_capacities_now_next": "2",
        "note": "Synthetic note: talked about sleep.",
    }
    data.update(overrides)
    return data


def new_url(family):
    return reverse("visits:new", args=[family.pk])


def test_home_visitor_documents_a_home_visit(cast, login, catalogue, new_events):
    response = login(cast.hv_a).post(new_url(cast.family_a), visit_post())
    visit = Visit.objects.get()
    assert response["Location"] == reverse("visits:detail", args=[visit.pk])
    assert visit.minutes == 105 and visit.is_home_visit and visit.catalogue == catalogue
    assert sorted(visit.components.values_list("code", flat=True)) == [
        "alliance",
        "developmental_guidance",
    ]
    assert dict(visit.strategy_responses.values_list("strategy__code", "value")) == {
        "follow_lead": 1,
        "capacities_now_next": 2,
    }
    assert [e.action for e in new_events()] == ["visit.create"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "09:30"}, "The end must be after the start."),
        ({"start_time": "06:00", "end_time": "12:30"}, "longer than 6 hours"),
        ({"components": []}, "at least one key component"),
        (
            {"visit_date": (TODAY + timedelta(days=1)).isoformat()},
            "future cannot be marked completed",
        ),
        (
            {"visit_date": (TODAY - timedelta(days=800)).isoformat()},
            "before the family&#x27;s enrollment on",
        ),
        ({"place": ""}, "Say where the visit took place"),
    ],
)
def test_bad_visit_input_gets_field_errors_and_saves_nothing(
    cast, login, catalogue, overrides, message
):
    response = login(cast.hv_a).post(new_url(cast.family_a), visit_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.exists()


def test_visit_after_discharge_is_refused(cast, login, catalogue):
    Enrollment.objects.filter(family=cast.family_a).update(discharged_on=TODAY - timedelta(days=5))
    response = login(cast.hv_a).post(new_url(cast.family_a), visit_post(), follow=True)
    assert not Visit.objects.exists()
    assert b"read-only" in response.content


def test_a_video_call_is_another_contact_not_a_home_visit(cast, login, catalogue):
    login(cast.hv_a).post(new_url(cast.family_a), visit_post(place="video"))
    visit = Visit.objects.get()
    assert not visit.is_home_visit
    assert Visit.objects.home_visits().count() == 0


def test_cancelled_visit_needs_no_times_or_components(cast, login, catalogue):
    login(cast.hv_a).post(
        new_url(cast.family_a),
        visit_post(outcome="cancelled_family", start_time="", end_time="", components=[], place=""),
    )
    visit = Visit.objects.get()
    assert visit.outcome == "cancelled_family" and visit.started_at is None


def signed_visit(cast, login):
    client = login(cast.hv_a)
    client.post(new_url(cast.family_a), visit_post())
    visit = Visit.objects.get()
    client.post(reverse("visits:sign", args=[visit.pk]), {"attest": "on"})
    visit.refresh_from_db()
    return client, visit


def test_signing_then_changes_are_amendments_with_the_original_kept(
    cast, login, catalogue, new_events
):
    client, visit = signed_visit(cast, login)
    assert visit.signed_by == cast.hv_a
    edit = reverse("visits:edit", args=[visit.pk])
    no_reason = client.post(edit, visit_post(note="Corrected note.", version=visit.version))
    assert b"This field is required" in no_reason.content
    client.post(
        edit,
        {
            **visit_post(note="Corrected note."),
            "reason": "Typo in the family's plan",
            "version": visit.version,
        },
    )
    visit.refresh_from_db()
    amendment = Amendment.objects.get(visit=visit)
    assert visit.note == "Corrected note."
    assert amendment.changes["note"] == ["Synthetic note: talked about sleep.", "Corrected note."]
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Synthetic note: talked about sleep." in page and "Typo in the family" in page
    assert "visit.amend" in [e.action for e in new_events()]


def test_a_signed_note_cannot_be_edited_in_place(cast, login, catalogue):
    from imhhv.visits.errors import NoteIsSigned
    from imhhv.visits.services import document_visit

    _, visit = signed_visit(cast, login)
    with pytest.raises(NoteIsSigned, match="amendment"):
        document_visit(
            family=cast.family_a,
            visitor=cast.hv_a,
            by=cast.hv_a,
            visit=visit,
            data={"note": "sneaky"},
            components=["alliance"],
        )


def test_stale_visit_edit_is_refused(cast, login, catalogue):
    client = login(cast.hv_a)
    client.post(new_url(cast.family_a), visit_post())
    visit = Visit.objects.get()
    edit = reverse("visits:edit", args=[visit.pk])
    client.post(edit, visit_post(note="First edit", version=visit.version))
    stale = client.post(
        edit, visit_post(note="Second edit from an old page", version=visit.version), follow=True
    )
    assert b"saved again after you opened it" in stale.content
    visit.refresh_from_db()
    assert visit.note == "First edit"


def test_visit_access_trio(cast, login, catalogue, new_events):
    login(cast.hv_a).post(new_url(cast.family_a), visit_post())
    visit = Visit.objects.get()
    detail = reverse("visits:detail", args=[visit.pk])
    assert login(cast.sup_a).get(detail).status_code == 200
    assert [e.action for e in new_events()] == ["visit.read"]
    assert login(cast.hv_b).get(detail).status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("visit.read", "denied")]
    assert login(cast.sup_a).get(reverse("visits:edit", args=[visit.pk])).status_code == 403
    assert [(e.action, e.outcome) for e in new_events()] == [("visit.write", "denied")]
    assert login(cast.state_admin).get(detail).status_code == 403
    assert login(cast.admin_a).get(new_url(cast.family_a)).status_code == 403
    assert login(cast.hv_b).get(new_url(cast.family_a)).status_code == 404


def test_visit_plan_pause_needs_an_end_and_a_reason(cast, login):
    client = login(cast.hv_a)
    url = reverse("visits:plan", args=[cast.family_a.pk])
    bad = client.post(url, {"frequency": "paused", "effective_from": TODAY.isoformat()})
    assert b"A pause needs an end date" in bad.content and b"Say why" in bad.content
    ok = client.post(
        url,
        {
            "frequency": "paused",
            "effective_from": TODAY.isoformat(),
            "paused_until": (TODAY + timedelta(days=21)).isoformat(),
            "pause_reason": "Family travelling",
        },
    )
    assert ok.status_code == 302
    assert VisitPlan.objects.get().frequency == "paused"
    assert AuditEvent.objects.filter(action="visitplan.set").exists()


def test_chart_lists_recent_visits(cast, login, catalogue):
    client = login(cast.hv_a)
    client.post(new_url(cast.family_a), visit_post())
    chart = client.get(reverse("families:detail", args=[cast.family_a.pk])).content.decode()
    assert "Document a visit" in chart and "Building an alliance" in chart


def test_a_note_signed_after_the_deadline_is_flagged_late(cast, login, catalogue, settings):

    client = login(cast.hv_a)
    day = TODAY - timedelta(days=10)
    client.post(new_url(cast.family_a), visit_post(day=day))
    visit = Visit.objects.get()
    assert b"Documented late" in client.get(reverse("visits:detail", args=[visit.pk])).content
    settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS = 20
    assert b"Documented late" not in client.get(reverse("visits:detail", args=[visit.pk])).content
