"""A caregiver edit saved against a stale family version (the record was saved again after
the page was opened) keeps what the person typed, shows the fields that differ (saved now
beside theirs) and carries the version saved now, so saving again needs no retyping.
The other version-carrying family forms (birth, new child, discharge) keep their typed
values and carry the new version too. One audit event per request; the API still answers
409 `stale`."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.families.models import Child
from imhhv.families.tests.factories import CaregiverFactory

TODAY = timezone.localdate()


@pytest.fixture
def caregiver(cast):
    return CaregiverFactory(
        family=cast.family_a,
        relationship="secondary",
        birth_date=None,
        first_name="Testa",
        last_name="Example",
        phone="",
        address="",
    )


def edit_url(caregiver):
    return reverse("families:caregiver_edit", args=[caregiver.family_id, caregiver.pk])


def post(caregiver, version, **overrides):
    data = {
        "relationship": "secondary",
        "first_name": caregiver.first_name,
        "last_name": caregiver.last_name,
        "preferred_language": "en",
        "education": "unknown",
        "employment": "unknown",
        "insurance": "unknown",
        "phone": "",
        "address": "",
        "version": str(version),
    }
    data.update(overrides)
    return data


def trail(new_events):
    return [(e.action, e.outcome, e.details.get("reason")) for e in new_events()]


def test_a_second_save_from_the_same_old_version_shows_both_and_saves_again(
    cast, login, caregiver, new_events
):
    opened = cast.family_a.version
    client = login(cast.hv_a)
    # Saved from the phone ...
    first = client.post(edit_url(caregiver), post(caregiver, opened, phone="313-555-0111"))
    assert first.status_code == 302
    assert trail(new_events) == [("caregiver.update", "success", None)]
    new_events.reset()
    # ... then the laptop's page, opened before, is submitted.
    second = client.post(
        edit_url(caregiver),
        post(caregiver, opened, phone="313-555-0199", address="1 Synthetic Lane"),
    )
    assert second.status_code == 409
    assert trail(new_events) == [("caregiver.update", "denied", "stale")]  # and nothing else
    page = second.content.decode()
    assert "Someone else changed this record" in page
    assert "What you typed is still in the form below" in page
    assert "reload the page" not in page  # the merge replaces "retype it"
    table = page[page.index('<table class="table conflict-table">') : page.index("</table>")]
    assert "<caption" in table and '<th scope="col">Saved now</th>' in table
    assert 'role="region" tabindex="0" aria-labelledby="conflict-caption"' in page
    rows = second.context["conflicts"]
    assert [r["name"] for r in rows] == ["phone", "address"]  # only what differs
    assert rows[0]["theirs"] == "(313) 555-0111" and rows[0]["yours"] == "(313) 555-0199"
    assert rows[1]["theirs"] == "" and rows[1]["yours"] == "1 Synthetic Lane"
    assert "(empty)" in table and "1 Synthetic Lane" in table
    # The form keeps what was typed and carries the version saved now.
    form = second.context["form"]
    cast.family_a.refresh_from_db()
    assert form["phone"].value() == "313-555-0199"
    assert form["address"].value() == "1 Synthetic Lane"
    assert str(form["version"].value()) == str(cast.family_a.version) != str(opened)
    assert f'name="version" value="{cast.family_a.version}"' in page
    caregiver.refresh_from_db()
    assert caregiver.phone == "(313) 555-0111"  # nothing of the stale save was written
    # Saving the form as it came back applies the typed values to the new version.
    new_events.reset()
    again = client.post(edit_url(caregiver), form.data.dict())
    assert again.status_code == 302
    assert trail(new_events) == [("caregiver.update", "success", None)]
    caregiver.refresh_from_db()
    assert caregiver.phone == "(313) 555-0199" and caregiver.address == "1 Synthetic Lane"


def test_the_same_values_show_no_table(cast, login, caregiver):
    opened = cast.family_a.version
    client = login(cast.hv_a)
    client.post(edit_url(caregiver), post(caregiver, opened, phone="313-555-0111"))
    second = client.post(edit_url(caregiver), post(caregiver, opened, phone="313-555-0111"))
    assert second.status_code == 409
    assert second.context["conflicts"] == []
    page = second.content.decode()
    assert "conflict-table" not in page
    assert "the same in both versions" in page


def test_a_choice_is_compared_by_its_label(cast, login, caregiver):
    opened = cast.family_a.version
    client = login(cast.hv_a)
    client.post(edit_url(caregiver), post(caregiver, opened, education="hs"))
    second = client.post(edit_url(caregiver), post(caregiver, opened, education="unknown"))
    (row,) = second.context["conflicts"]
    labels = dict(second.context["form"].fields["education"].choices)
    assert row["name"] == "education"
    assert (row["theirs"], row["yours"]) == (labels["hs"], labels["unknown"])


def test_bad_input_is_not_shown_as_a_conflict(cast, login, caregiver, new_events):
    response = login(cast.hv_a).post(
        edit_url(caregiver), post(caregiver, cast.family_a.version, first_name="")
    )
    assert response.status_code == 200
    assert response.context.get("conflicts") is None
    assert "Two versions" not in response.content.decode()
    assert [(e.action, e.outcome) for e in new_events()] == [("family.read", "success")]


def test_a_stale_new_child_keeps_the_typed_child_and_the_new_version(cast, login, new_events):
    opened = cast.family_a.version
    cast.family_a.version = opened + 1
    cast.family_a.save()
    child = {"first_name": "Keepme", "birth_date": (TODAY - timedelta(days=3)).isoformat()}
    client = login(cast.hv_a)
    url = reverse("families:child_add", args=[cast.family_a.pk])
    response = client.post(url, {**child, "version": str(opened)})
    assert response.status_code == 409
    assert trail(new_events) == [("child.add", "denied", "stale")]
    assert response.context["version_form"]["version"].value() == str(opened + 1)
    assert response.context["form"]["first_name"].value() == "Keepme"
    assert "nothing to compare" in response.content.decode()
    again = client.post(url, response.context["version_form"].data.dict())
    assert again.status_code == 302
    assert Child.objects.filter(family=cast.family_a, first_name="Keepme").exists()


def test_the_api_still_answers_409_stale(cast, client, caregiver, new_events):
    headers = {"HTTP_AUTHORIZATION": f"Token {issue_token(user=cast.hv_a)[0]}"}
    url = f"/api/v1/families/{cast.family_a.pk}/caregivers/{caregiver.pk}/"
    seen = cast.family_a.version

    def patch(body):
        return client.patch(url, json.dumps(body), content_type="application/json", **headers)

    assert patch({"phone": "313-555-0101", "version": seen}).status_code == 200
    new_events.reset()
    stale = patch({"phone": "313-555-0102", "version": seen})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert trail(new_events) == [("caregiver.update", "denied", "stale")]


def test_a_stale_birth_shows_a_renamed_child_and_keeps_the_birth(cast, login, new_events):
    expected = Child.objects.create(
        family=cast.family_a, first_name="Baby", due_date=TODAY + timedelta(days=10)
    )
    opened = cast.family_a.version
    Child.objects.filter(pk=expected.pk).update(first_name="Robin")  # saved meanwhile
    cast.family_a.version = opened + 1
    cast.family_a.save()
    client = login(cast.hv_a)
    url = reverse("families:birth", args=[cast.family_a.pk, expected.pk])
    birth = {
        "first_name": "Baby",
        "birth_date": (TODAY - timedelta(days=1)).isoformat(),
        "gestational_age_weeks": "39",
        "birth_weight_grams": "3300",
    }
    response = client.post(url, {**birth, "version": str(opened)})
    assert response.status_code == 409
    assert trail(new_events) == [("child.birth", "denied", "stale")]
    (row,) = response.context["conflicts"]
    assert (row["name"], row["theirs"], row["yours"]) == ("first_name", "Robin", "Baby")
    form = response.context["form"]
    assert form["birth_weight_grams"].value() == "3300"
    assert form["version"].value() == str(opened + 1)
    # The person keeps the saved name and saves the birth they typed.
    again = client.post(url, {**form.data.dict(), "first_name": "Robin"})
    assert again.status_code == 302
    expected.refresh_from_db()
    assert (expected.first_name, expected.birth_weight_grams) == ("Robin", 3300)


def test_a_stale_discharge_keeps_the_typed_plan(cast, login, new_events):
    opened = cast.family_a.version
    cast.family_a.version = opened + 1
    cast.family_a.save()
    client = login(cast.sup_a)
    url = reverse("families:discharge", args=[cast.family_a.pk])
    response = client.post(
        url,
        {
            "discharged_on": TODAY.isoformat(),
            "reason": "goals_met",
            "planned": "true",
            "transition_plan": "Synthetic plan: early intervention.",
            "version": str(opened),
        },
    )
    assert response.status_code == 409
    assert trail(new_events) == [("family.discharge", "denied", "stale")]
    assert response.context["conflicts"] == []
    page = response.content.decode()
    assert "Synthetic plan: early intervention." in page and "nothing to compare" in page
    assert response.context["form"]["version"].value() == str(opened + 1)
