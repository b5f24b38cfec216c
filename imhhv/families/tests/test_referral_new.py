"""Taking a referral: possible duplicates are shown scoped to the person taking it.

Finding (issue 7): duplicates named families outside the caller's scope by id. Intake is
agency-wide, so matching referrals are listed; an enrolled family the caller may not see
is neither named nor numbered: only that a match exists, and whom to ask.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.families.errors import PossibleDuplicates
from imhhv.families.models import Referral
from imhhv.families.services import create_referral
from imhhv.families.tests.factories import CaregiverFactory
from imhhv.families.tests.test_intake_pages import referral_post

BORN = date(1998, 4, 2)


@pytest.fixture
def known_elsewhere(cast):
    """The caregiver of family_a3 (team A2), the person the new referral names."""
    return CaregiverFactory(
        family=cast.family_a3, first_name="Testa", last_name="Example", birth_date=BORN
    )


def post(client, **overrides):
    return client.post(reverse("families:referral_new"), referral_post(**overrides))


def test_a_match_out_of_scope_is_neither_named_nor_numbered(
    cast, login, known_elsewhere, new_events
):
    response = post(login(cast.sup_a))
    assert response.status_code == 409
    body = response.content.decode()
    assert "A family enrolled at this agency that you cannot see" in body
    assert "agency administrator" in body
    assert cast.family_a3.display_name not in body
    assert reverse("families:detail", args=[cast.family_a3.pk]) not in body
    assert f"id {cast.family_a3.pk}" not in body
    assert not Referral.objects.exists()
    # The refusal is one event; what was typed is kept as the user's draft (imhhv/drafts).
    (event,) = new_events(action="referral.create")
    assert [e.action for e in new_events()] == ["referral.create", "draft.save"]
    assert (event.action, event.outcome, event.details["reason"]) == (
        "referral.create",
        "denied",
        "possible_duplicates",
    )
    assert event.details["family_ids"] == [cast.family_a3.pk]  # the audit trail keeps it


def test_the_agency_administrator_gets_the_link(cast, login, known_elsewhere):
    body = post(login(cast.admin_a)).content.decode()
    assert reverse("families:detail", args=[cast.family_a3.pk]) in body
    assert "cannot see" not in body


def test_confirming_saves_the_referral(cast, login, known_elsewhere, new_events):
    assert post(login(cast.sup_a), not_a_duplicate="on").status_code == 302
    assert [e.action for e in new_events()] == ["referral.create"]
    assert new_events()[0].details["confirmed_not_duplicate"] is True


def test_the_service_raises_scoped_matches(cast, known_elsewhere):
    people = [{"first_name": "Testa", "last_name": "Example", "birth_date": BORN}]
    arguments = dict(
        agency=cast.agency_a,
        data={
            "referral_date": timezone.localdate(),
            "source": "self",
            "medicaid_status": "enrolled",
        },
        caregivers=people,
        children=[],
        risk_factor_codes=[],
    )
    with pytest.raises(PossibleDuplicates) as as_supervisor:
        create_referral(by=cast.sup_a, **arguments)
    assert as_supervisor.value.matches["families"] == []
    assert as_supervisor.value.matches["hidden"] == 1
    assert as_supervisor.value.status == 409
    with pytest.raises(PossibleDuplicates) as as_admin:
        create_referral(by=cast.admin_a, **arguments)
    assert as_admin.value.matches["families"] == [
        {"id": cast.family_a3.pk, "name": cast.family_a3.display_name}
    ]
    assert create_referral(by=cast.sup_a, confirm_not_duplicate=True, **arguments).pk
