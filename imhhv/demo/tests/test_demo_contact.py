"""The demo's phone numbers and ZIP codes pass the platform's own rules, already in their
stored spelling (imhhv.core.contact), and stay obviously synthetic (555-01xx)."""

from django.db import transaction

from imhhv.core.contact import normalize_phone, normalize_zip
from imhhv.demo.data import seed
from imhhv.families.models import Caregiver, Referral, ReferralCaregiver


def test_every_demo_phone_and_zip_is_valid_and_stored_normalised(db):
    with transaction.atomic():
        seed(families_per_visitor=(2, 3))
    people = [
        *Caregiver.objects.values_list("phone", "zip_code"),
        *ReferralCaregiver.objects.values_list("phone", "zip_code"),
    ]
    assert people
    for phone, zip_code in people:
        assert normalize_phone(phone) == phone and "555-01" in phone, phone
        assert normalize_zip(zip_code) == zip_code, zip_code
    for phone in Referral.objects.exclude(referrer_phone="").values_list(
        "referrer_phone", flat=True
    ):
        assert normalize_phone(phone) == phone and "555-01" in phone, phone
