"""The referral page shows intake's notes and each caregiver's address (issue 9), but only
to a viewer who may see the family's identity (`referral_identity_visible`)."""

import pytest
from django.urls import reverse

from imhhv.families.models import Referral
from imhhv.families.tests.factories import ReferralFactory

PERSON = {
    "first_name": "Refa",
    "address": "100 Example Street Apt 1",
    "city": "Testville",
    "zip_code": "48100",
}
NOTE = "Prefers visits after 3 pm; call first."


def detail(referral):
    return reverse("families:referral", args=[referral.pk])


@pytest.fixture
def waiting(cast):
    return ReferralFactory(
        agency=cast.agency_a, notes=NOTE, **{f"caregiver__{k}": v for k, v in PERSON.items()}
    )


@pytest.fixture
def enrolled_elsewhere(cast):
    """Enrolled into family_a3 (team A2): sup_a (team A1) may not see the family's data."""
    return ReferralFactory(
        agency=cast.agency_a,
        status=Referral.Status.ENROLLED,
        family=cast.family_a3,
        notes=NOTE,
        **{f"caregiver__{k}": v for k, v in PERSON.items()},
    )


def test_intake_sees_the_notes_and_the_address(cast, login, waiting):
    body = login(cast.admin_a).get(detail(waiting)).content.decode()
    assert "Prefers visits after 3 pm; call first." in body
    assert "100 Example Street Apt 1, Testville 48100" in body


def test_notes_keep_their_line_breaks_and_are_escaped(cast, login):
    referral = ReferralFactory(agency=cast.agency_a, notes="First line\n<b>second</b>")
    body = login(cast.admin_a).get(detail(referral)).content.decode()
    assert "First line<br>&lt;b&gt;second&lt;/b&gt;" in body


def test_a_viewer_who_may_not_see_the_family_sees_neither(cast, login, enrolled_elsewhere):
    body = login(cast.sup_a).get(detail(enrolled_elsewhere)).content.decode()
    assert "outside your caseloads" in body
    assert NOTE not in body and "Example Street" not in body and "Testville" not in body


def test_the_administrator_sees_them_on_an_enrolled_referral(cast, login, enrolled_elsewhere):
    body = login(cast.admin_a).get(detail(enrolled_elsewhere)).content.decode()
    assert NOTE in body and "100 Example Street Apt 1, Testville 48100" in body
