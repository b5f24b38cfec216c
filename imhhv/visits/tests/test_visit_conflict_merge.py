"""A save against a stale version (the note was saved again elsewhere after the page was
opened) keeps the person's text in the form, shows both versions of each free-text field
that differs, and carries the version saved now, so saving again needs no retyping."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.visits.models import Visit
from imhhv.visits.tests.factories import VisitFactory


def note_post(visit, **overrides):
    data = {
        "visit_date": timezone.localtime(visit.started_at).date().isoformat(),
        "outcome": "completed",
        "start_time": "10:00",
        "end_time": "11:40",
        "place": "home",
        "components": ["alliance"],
        "note": "Synthetic note.",
        "next_steps": "",
        "version": visit.version,
    }
    data.update(overrides)
    return data


def test_a_stale_save_shows_both_versions_and_keeps_my_text(cast, login, catalogue):
    visit = VisitFactory(family=cast.family_a, day=timezone.localdate() - timedelta(days=2))
    opened = visit.version
    client = login(cast.hv_a)
    edit = reverse("visits:edit", args=[visit.pk])
    # Saved from the phone in the car ...
    client.post(edit, note_post(visit, note="Phone: baby slept better.", version=opened))
    # ... then the laptop's page, opened before, is submitted.
    response = client.post(
        edit,
        note_post(
            visit,
            note="Laptop: long note written at home about sleep and feeding.",
            next_steps="Bring the sleep diary.",
            version=opened,
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "saved again after you opened it" in page
    assert "Two versions of this visit" in page
    theirs = page[page.index("conflict-theirs") :][:300]
    yours = page[page.index("conflict-yours") :][:300]
    assert "Phone: baby slept better." in theirs
    assert "Laptop: long note written at home" in yours
    assert page.count('class="note conflict-theirs"') == 2  # note and next steps differ
    # The person's text is in the form, with the version saved now.
    form = response.context["form"]
    assert form["note"].value() == "Laptop: long note written at home about sleep and feeding."
    visit.refresh_from_db()
    assert visit.note == "Phone: baby slept better."
    assert str(form["version"].value()) == str(visit.version) and visit.version != opened
    # Saving the form again, as it came back, applies my text to the new version.
    again = client.post(edit, {**note_post(visit), **form.data.dict(), "components": ["alliance"]})
    assert again.status_code == 302
    visit.refresh_from_db()
    assert visit.note == "Laptop: long note written at home about sleep and feeding."
    assert visit.next_steps == "Bring the sleep diary."


def test_only_the_fields_that_differ_are_shown(cast, login, catalogue):
    visit = VisitFactory(family=cast.family_a, day=timezone.localdate() - timedelta(days=2))
    opened = visit.version
    client = login(cast.hv_a)
    edit = reverse("visits:edit", args=[visit.pk])
    client.post(edit, note_post(visit, next_steps="Call the clinic.", version=opened))
    response = client.post(edit, note_post(visit, next_steps="Call the clinic.", version=opened))
    page = response.content.decode()
    assert "Two versions of this visit" in page
    assert "conflict-theirs" not in page  # same text: nothing to compare
    assert "The note's text is the same in both versions" in page


def test_a_signed_note_amended_from_a_stale_page_keeps_the_text_and_the_reason(
    cast, login, catalogue
):
    visit = VisitFactory(family=cast.family_a, signed=True)
    opened = visit.version
    client = login(cast.hv_a)
    edit = reverse("visits:edit", args=[visit.pk])
    first = client.post(
        edit, note_post(visit, note="Amended once.", reason="Fix a typo", version=opened)
    )
    assert first.status_code == 302
    response = client.post(
        edit, note_post(visit, note="Amended from an old tab.", reason="Add detail", version=opened)
    )
    page = response.content.decode()
    assert "Amended once." in page and "Amended from an old tab." in page
    assert 'value="Add detail"' in page  # the reason stays too
    assert Visit.objects.get(pk=visit.pk).note == "Amended once."


def test_another_refusal_is_not_shown_as_a_conflict(cast, login, catalogue):
    visit = VisitFactory(family=cast.family_a, day=timezone.localdate() - timedelta(days=2))
    response = login(cast.hv_a).post(
        reverse("visits:edit", args=[visit.pk]), note_post(visit, place="", note="Mine")
    )
    page = response.content.decode()
    assert "Say where the visit took place" in page
    assert "Two versions of this visit" not in page
