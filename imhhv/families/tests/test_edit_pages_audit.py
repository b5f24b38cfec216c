"""Every family edit page writes exactly one audit event per request.

Finding (issue 7): the caregiver edit, consents, new child, birth, assign, discharge and
re-enroll pages showed the record without a read event; a foreign caregiver id (404)
wrote no denial; a refused stale save wrote nothing.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.families.models import Child, Enrollment
from imhhv.families.tests.factories import CaregiverFactory, FamilyFactory

TODAY = timezone.localdate()


@pytest.fixture
def caregiver(cast):
    return CaregiverFactory(family=cast.family_a)


@pytest.fixture
def expected(cast):
    return Child.objects.create(family=cast.family_a, due_date=TODAY + timedelta(days=20))


PAGES = [
    ("families:caregiver_edit", "hv_a", lambda c, e: [c.pk]),
    ("families:child_add", "hv_a", lambda c, e: []),
    ("families:birth", "hv_a", lambda c, e: [e.pk]),
    ("families:consents", "hv_a", lambda c, e: []),
    ("families:assign", "sup_a", lambda c, e: []),
    ("families:discharge", "sup_a", lambda c, e: []),
]


@pytest.mark.parametrize(("name", "who", "args"), PAGES, ids=[p[0] for p in PAGES])
def test_opening_an_edit_page_is_one_read_event(
    cast, login, new_events, caregiver, expected, name, who, args
):
    url = reverse(name, args=[cast.family_a.pk, *args(caregiver, expected)])
    assert login(getattr(cast, who)).get(url).status_code == 200
    events = new_events()
    assert [(e.action, e.outcome, e.object_id) for e in events] == [
        ("family.read", "success", str(cast.family_a.pk))
    ]
    assert events[0].details["view"] == name.split(":")[1]


def test_the_reenroll_page_is_one_read_event(cast, login, new_events):
    Enrollment.objects.filter(family=cast.family_a).update(discharged_on=TODAY)
    url = reverse("families:reenroll", args=[cast.family_a.pk])
    assert login(cast.admin_a).get(url).status_code == 200
    assert [(e.action, e.details["view"]) for e in new_events()] == [("family.read", "reenroll")]


def test_another_familys_caregiver_is_404_and_one_denial(cast, login, new_events):
    foreign = CaregiverFactory(family=FamilyFactory(agency=cast.agency_a, home_visitor=cast.hv_a2))
    url = reverse("families:caregiver_edit", args=[cast.family_a.pk, foreign.pk])
    assert login(cast.hv_a).get(url).status_code == 404
    events = new_events()
    assert [(e.action, e.outcome, e.object_id) for e in events] == [
        ("caregiver.read", "denied", str(foreign.pk))
    ]
    assert events[0].details["family_id"] == cast.family_a.pk


def test_a_born_child_has_no_birth_page_and_the_attempt_is_audited(cast, login, new_events):
    born = cast.family_a.children.get()
    url = reverse("families:birth", args=[cast.family_a.pk, born.pk])
    assert login(cast.hv_a).get(url).status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("child.read", "denied")]


def test_a_stale_save_is_refused_with_one_denied_event_and_keeps_the_text(cast, login, new_events):
    seen = cast.family_a.version
    cast.family_a.version = seen + 1
    cast.family_a.save()
    url = reverse("families:child_add", args=[cast.family_a.pk])
    response = login(cast.hv_a).post(
        url,
        {
            "first_name": "Keepme",
            "birth_date": (TODAY - timedelta(days=3)).isoformat(),
            "version": str(seen),
        },
    )
    assert response.status_code == 409
    assert b"Someone else changed this record" in response.content
    assert b"Keepme" in response.content
    events = new_events()
    assert [(e.action, e.outcome, e.details["reason"]) for e in events] == [
        ("child.add", "denied", "stale")
    ]
    assert cast.family_a.children.count() == 1


def test_a_successful_save_is_one_write_event(cast, login, new_events):
    url = reverse("families:child_add", args=[cast.family_a.pk])
    response = login(cast.hv_a).post(
        url,
        {
            "first_name": "Newchild",
            "birth_date": (TODAY - timedelta(days=3)).isoformat(),
            "version": str(cast.family_a.version),
        },
    )
    assert response.status_code == 302
    assert [(e.action, e.outcome) for e in new_events()] == [("child.add", "success")]


def test_an_edit_page_of_a_discharged_family_says_read_only(cast, login, new_events):
    Enrollment.objects.filter(family=cast.family_a).update(discharged_on=TODAY)
    response = login(cast.hv_a).get(reverse("families:child_add", args=[cast.family_a.pk]))
    assert response.status_code == 409 and b"read-only" in response.content
    assert [(e.action, e.outcome) for e in new_events()] == [("family.write", "denied")]
