"""GET/POST /visits/<id>/edit/: the full note, to document or amend."""

from django.urls import reverse

from imhhv.visits.tests.factories import VisitFactory


def test_the_full_note_is_a_read_audited_once(cast, login, catalogue, new_events):
    visit = VisitFactory(family=cast.family_a)
    response = login(cast.hv_a).get(reverse("visits:edit", args=[visit.pk]))
    assert response.status_code == 200
    assert [(e.action, e.object_id, e.details.get("view")) for e in new_events()] == [
        ("visit.read", str(visit.pk), "edit")
    ]


def test_a_stale_save_keeps_the_text_on_the_form(cast, login, catalogue, new_events):
    visit = VisitFactory(family=cast.family_a)
    client = login(cast.hv_a)
    new_events.reset()
    data = {
        "visit_date": visit.scheduled_at.date().isoformat(),
        "outcome": "completed",
        "start_time": "10:00",
        "end_time": "11:40",
        "place": "home",
        "components": ["alliance"],
        "note": "My typed text",
        "version": visit.version - 1 if visit.version > 1 else 99,
    }
    response = client.post(reverse("visits:edit", args=[visit.pk]), data)
    assert response.status_code == 200
    assert b"saved again after you opened it" in response.content
    assert b"My typed text" in response.content
    visit.refresh_from_db()
    assert visit.note == "Synthetic note."
    # The refused save: one read of the visit, and what was typed kept as the draft.
    assert [e.action for e in new_events()] == ["visit.read", "draft.save"]


def test_other_agency_is_404_and_not_the_author_is_403(cast, login, catalogue, new_events):
    visit = VisitFactory(family=cast.family_a)
    assert login(cast.hv_b).get(reverse("visits:edit", args=[visit.pk])).status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("visit.read", "denied")]
    assert login(cast.sup_a).get(reverse("visits:edit", args=[visit.pk])).status_code == 403
