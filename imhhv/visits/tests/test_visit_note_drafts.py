"""The visit note's drafts (imhhv.drafts): a refused submit keeps what was typed, the next
visit to the form restores it (with the restored notice, without error messages), and the
draft is dropped once the visit is saved. New visit: key "family-<id>"; edit: "visit-<id>"."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.drafts.models import Draft
from imhhv.drafts.services import save_draft
from imhhv.visits.models import Visit
from imhhv.visits.tests.factories import VisitFactory

DAY = timezone.localdate() - timedelta(days=1)


def typed(**overrides):
    data = {
        "visit_date": DAY.isoformat(),
        "outcome": "completed",
        "start_time": "10:00",
        "components": ["alliance"],
        "strategy_reflect_feelings": "2",
        "note": "Synthetic note typed in the car, not finished.",
    }
    data.update(overrides)
    return data


def test_a_refused_submit_is_restored_on_the_next_visit_to_the_form(cast, login, catalogue):
    client = login(cast.hv_a)
    url = reverse("visits:new", args=[cast.family_a.pk])
    refused = client.post(url, typed())  # no end time, no place: refused
    assert refused.status_code == 200
    draft = Draft.objects.get(user=cast.hv_a, form="visit-note")
    assert draft.record_key == f"family-{cast.family_a.pk}"
    page = client.get(url)
    form = page.context["form"]
    assert form["note"].value() == "Synthetic note typed in the car, not finished."
    assert form["components"].value() == ["alliance"]
    assert str(form["strategy_reflect_feelings"].value()) == "2"
    html = page.content.decode()
    assert "We restored the draft" in html
    assert "data-error-summary" not in html  # a draft is unfinished: no errors shown yet
    assert 'data-draft-form="visit-note"' in html


def test_the_draft_is_dropped_when_the_visit_is_saved(cast, login, catalogue):
    client = login(cast.hv_a)
    url = reverse("visits:new", args=[cast.family_a.pk])
    client.post(url, typed())
    saved = client.post(url, typed(end_time="11:40", place="home"))
    assert saved.status_code == 302 and Visit.objects.count() == 1
    assert not Draft.objects.filter(user=cast.hv_a).exists()


def test_the_edit_form_restores_its_own_draft(cast, login, catalogue):
    visit = VisitFactory(family=cast.family_a)
    save_draft(
        user=cast.hv_a,
        form="visit-note",
        record_key=f"visit-{visit.pk}",
        data={**typed(note="Edited text autosaved."), "version": str(visit.version)},
    )
    client = login(cast.hv_a)
    page = client.get(reverse("visits:edit", args=[visit.pk]))
    assert page.context["form"]["note"].value() == "Edited text autosaved."
    assert 'data-draft-key="visit-' in page.content.decode()
    # Another visit's form is not affected by it.
    other = client.get(reverse("visits:new", args=[cast.family_a.pk]))
    assert other.context["form"]["note"].value() in (None, "")
