"""The session form keeps a draft (its notes are long and typed after the session):
restored on GET, kept on a refused submit, gone after a successful one; the author's
only."""

import pytest
from django.urls import reverse

from imhhv.drafts import registry
from imhhv.drafts.models import Draft
from imhhv.workforce.models import SupervisionSession
from imhhv.workforce.tests.test_pages_records import NEW_SESSION, session_data


def test_the_session_form_is_registered_for_drafts():
    assert registry.form_for_url("workforce:session_new", {}) == ("supervision-session", "new")


def test_a_refused_session_keeps_its_notes_as_a_draft_and_the_form_restores_them(
    cast, login, new_events
):
    client = login(cast.sup_a)
    refused = client.post(NEW_SESSION, session_data(cast, supervisees=[], families=[]))
    assert refused.status_code == 200 and not SupervisionSession.objects.exists()
    draft = Draft.objects.get(user=cast.sup_a, form="supervision-session", record_key="new")
    assert draft.data["notes"] == ["Synthetic typed note."]
    new_events.reset()
    page = client.get(NEW_SESSION).content.decode()
    assert "Synthetic typed note." in page and "We restored the draft" in page
    assert {e.action for e in new_events()} == {"draft.read", "family.list"}
    saved = client.post(NEW_SESSION, session_data(cast))
    assert saved.status_code == 302 and SupervisionSession.objects.count() == 1
    assert not Draft.objects.exists()


def test_the_consultation_form_has_its_own_draft(cast, login):
    client = login(cast.sup_a)
    data = {"with": "consultant", "day": "", "notes": "Synthetic consultation note."}
    client.post(NEW_SESSION, data)
    assert Draft.objects.get(user=cast.sup_a).record_key == "consultant"
    assert "Synthetic typed note." not in client.get(NEW_SESSION).content.decode()


@pytest.mark.parametrize("reader", ["hv_a", "admin_a"])
def test_only_a_supervisor_keeps_a_session_draft(cast, login, new_events, reader):
    url = reverse("drafts:save", kwargs={"form": "supervision-session", "record_key": "new"})
    response = login(getattr(cast, reader)).post(url, {"notes": "Synthetic."})
    assert response.status_code == 403
    assert [e.outcome for e in new_events()] == ["denied"]
    assert not Draft.objects.exists()
