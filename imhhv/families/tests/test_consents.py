"""The consents page: revoking takes the consent id from the form.

Finding (issue 7): a non-numeric consent id was a 500.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.families.models import Consent
from imhhv.families.tests.factories import FamilyFactory

TODAY = timezone.localdate()


@pytest.fixture
def consent(cast):
    return Consent.objects.create(family=cast.family_a, kind="services", given_on=TODAY)


def revoke(client, family, consent_id):
    return client.post(
        reverse("families:consents", args=[family.pk]),
        {"action": "revoke", "consent": consent_id, "revoked_on": TODAY.isoformat()},
    )


@pytest.mark.parametrize("bad", ["abc", "", "-1", "99999999999999999999", "1.5"])
def test_a_bad_consent_id_is_a_clear_message_not_a_500(cast, login, consent, new_events, bad):
    response = revoke(login(cast.hv_a), cast.family_a, bad)
    assert response.status_code == 200
    assert b"Choose the consent to revoke." in response.content
    consent.refresh_from_db()
    assert consent.revoked_on is None
    assert [e.action for e in new_events()] == ["family.read"]


def test_another_familys_consent_is_404_and_audited(cast, login, new_events):
    other = Consent.objects.create(
        family=FamilyFactory(agency=cast.agency_a, home_visitor=cast.hv_a2),
        kind="services",
        given_on=TODAY,
    )
    assert revoke(login(cast.hv_a), cast.family_a, other.pk).status_code == 404
    other.refresh_from_db()
    assert other.revoked_on is None
    assert [(e.action, e.outcome) for e in new_events()] == [("consent.read", "denied")]


def test_revoking_works_and_is_one_event(cast, login, consent, new_events):
    assert revoke(login(cast.hv_a), cast.family_a, consent.pk).status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_on == TODAY
    assert [e.action for e in new_events()] == ["consent.revoke"]
