"""Screening a referral on its page: "pregnant under 21" comes from the caregiver's birth
date, and a tick the dates contradict is flagged (finding of issue 7)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.core.ages import add_months
from imhhv.families.models import Referral
from imhhv.families.tests.factories import ReferralFactory

TODAY = timezone.localdate()


def screen(client, referral):
    return client.post(
        reverse("families:referral", args=[referral.pk]), {"action": "screen"}, follow=True
    )


def test_a_pregnant_17_year_old_screens_eligible_without_the_box(cast, login):
    referral = ReferralFactory(
        agency=cast.agency_a,
        pregnant=True,
        due_date=TODAY + timedelta(days=90),
        caregiver__birth_date=add_months(TODAY, -12 * 17 - 3),
    )
    page = screen(login(cast.sup_a), referral)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ELIGIBLE
    assert "Pregnant under 21: derived from the pregnant caregiver" in page.content.decode()


def test_a_ticked_box_contradicted_by_the_dates_is_warned_on_the_page(cast, login):
    from imhhv.reference.models import RiskFactor

    referral = ReferralFactory(
        agency=cast.agency_a,
        pregnant=True,
        due_date=TODAY + timedelta(days=90),
        caregiver__birth_date=add_months(TODAY, -12 * 25 - 1),
    )
    referral.risk_factors.set(RiskFactor.objects.filter(code="young_parent"))
    body = screen(login(cast.sup_a), referral).content.decode()
    assert "the pregnant caregiver is 25 years old" in body
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ELIGIBLE  # the tick still counts
    assert any(r.startswith("Check: ") for r in referral.screen_reasons)
