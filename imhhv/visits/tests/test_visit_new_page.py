"""GET/POST /visits/family/<id>/new/: document a visit. One audit event per request."""

from django.urls import reverse


def url(family):
    return reverse("visits:new", args=[family.pk])


def test_the_form_is_a_read_of_the_family_audited_once(cast, login, catalogue, new_events):
    response = login(cast.hv_a).get(url(cast.family_a))
    assert response.status_code == 200
    assert [(e.action, e.object_id) for e in new_events()] == [
        ("family.read", str(cast.family_a.pk))
    ]


def test_a_form_with_errors_is_one_read_and_nothing_saved(cast, login, catalogue, new_events):
    response = login(cast.hv_a).post(url(cast.family_a), {"outcome": "completed"})
    assert response.status_code == 200
    # One read of the family, and what was typed kept as the note's draft (imhhv.drafts).
    assert [e.action for e in new_events()] == ["family.read", "draft.save"]


def test_other_agency_is_404_and_no_capability_is_403(cast, login, catalogue, new_events):
    assert login(cast.hv_b).get(url(cast.family_a)).status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("family.read", "denied")]
    assert login(cast.admin_a).get(url(cast.family_a)).status_code == 403
