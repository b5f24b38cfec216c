"""The fidelity catalogue: versioned; the state publishes; visits keep their version."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.visits.models import Catalogue, Visit

URL = reverse("visits:catalogue")


def rows_post(catalogue, *, title="Version two", extra=None, drop_all_of=None):
    rows = []
    for component in catalogue.components.all():
        for strategy in component.strategies.all():
            if component.code == drop_all_of:
                continue
            rows.append((component.code, strategy.code, strategy.text, strategy.response_type))
    rows += extra or []
    data = {
        "title": title,
        "strategy-TOTAL_FORMS": str(len(rows)),
        "strategy-INITIAL_FORMS": str(len(rows)),
        "strategy-MIN_NUM_FORMS": "0",
        "strategy-MAX_NUM_FORMS": "1000",
    }
    for i, (component, code, text, kind) in enumerate(rows):
        data.update(
            {
                f"strategy-{i}-component": component,
                f"strategy-{i}-code": code,
                f"strategy-{i}-text": text,
                f"strategy-{i}-response_type": kind,
            }
        )
    return data


def test_the_starter_catalogue_is_labelled_and_complete(catalogue, cast, login):
    assert catalogue.is_starter and catalogue.components.count() == 7
    assert all(c.strategies.exists() for c in catalogue.components.all())
    page = login(cast.hv_a).get(URL).content.decode()
    assert "Starter catalogue" in page and "Infant-parent psychotherapy" in page
    assert "Publish a new version" not in page


def test_state_publishes_a_new_version_and_old_visits_keep_theirs(
    catalogue, cast, login, new_events
):
    from imhhv.visits.services import document_visit

    now = timezone.now() - timedelta(days=1)
    old_visit = document_visit(
        family=cast.family_a,
        visitor=cast.hv_a,
        by=cast.hv_a,
        data={
            "scheduled_at": now,
            "outcome": "completed",
            "started_at": now,
            "ended_at": now + timedelta(minutes=100),
            "place": "home",
        },
        components=["alliance"],
    )
    extra = [("alliance", "", "Named a strength of the caregiver aloud", "yes_no")]
    response = login(cast.state_admin).post(URL, rows_post(catalogue, extra=extra))
    assert response.status_code == 302
    new = Catalogue.objects.get(version=2)
    assert (
        new.components.get(code="alliance")
        .strategies.filter(code="named_a_strength_of_the_caregiver_aloud")
        .exists()
    )
    old_visit.refresh_from_db()
    assert old_visit.catalogue == catalogue
    later = document_visit(
        family=cast.family_a,
        visitor=cast.hv_a,
        by=cast.hv_a,
        data={
            "scheduled_at": now,
            "outcome": "completed",
            "started_at": now,
            "ended_at": now + timedelta(minutes=95),
            "place": "home",
        },
        components=["alliance"],
    )
    assert later.catalogue == new
    assert [e.action for e in new_events(action="catalogue.publish")] == ["catalogue.publish"]


def test_a_component_without_strategies_is_refused(catalogue, cast, login):
    response = login(cast.state_admin).post(URL, rows_post(catalogue, drop_all_of="material_needs"))
    assert b"Every key component needs a strategy" in response.content
    assert Catalogue.objects.count() == 1


def test_only_the_state_publishes(catalogue, cast, login):
    for user in (cast.admin_a, cast.sup_a, cast.hv_a):
        assert login(user).post(URL, rows_post(catalogue)).status_code == 403
    assert Catalogue.objects.count() == 1
    assert not Visit.objects.exists()
