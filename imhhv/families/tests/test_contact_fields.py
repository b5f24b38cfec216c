"""Phone numbers and ZIP codes are checked and stored in one spelling on every page and
API endpoint that saves them (issue 9; the rule is imhhv.core.contact)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from imhhv.api.services import issue_token
from imhhv.core.contact import PHONE_MESSAGE, ZIP_MESSAGE
from imhhv.families.models import Family, Referral
from imhhv.families.services import update_caregiver
from imhhv.families.tests.factories import CaregiverFactory
from imhhv.families.tests.test_family_pages import caregiver_post
from imhhv.families.tests.test_intake_pages import eligible_referral, enroll_post, referral_post

TODAY = timezone.localdate()


@pytest.fixture
def intake(cast, login):
    return login(cast.admin_a)


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user)[0]}")
    return client


# --- pages ------------------------------------------------------------------------------


def test_the_referral_page_stores_phone_and_zip_in_one_spelling(intake):
    post = referral_post(
        referrer_phone="1 248 555 0100",
        **{"caregiver-0-phone": "313.555.0123", "caregiver-0-zip_code": "48104 1234"},
    )
    assert intake.post(reverse("families:referral_new"), post).status_code == 302
    referral = Referral.objects.get()
    assert referral.referrer_phone == "(248) 555-0100"
    person = referral.caregivers.get()
    assert (person.phone, person.zip_code) == ("(313) 555-0123", "48104-1234")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("caregiver-0-phone", "555-0100", PHONE_MESSAGE),
        ("caregiver-0-zip_code", "4810", ZIP_MESSAGE),
        ("referrer_phone", "call the clinic", PHONE_MESSAGE),
    ],
)
def test_the_referral_page_refuses_a_bad_phone_or_zip_beside_the_field(
    intake, field, value, message
):
    page = intake.post(reverse("families:referral_new"), referral_post(**{field: value}))
    html = page.content.decode()
    assert page.status_code == 200 and message in html
    assert f'id="id_{field}_error"' in html  # the message sits beside its own field
    assert not Referral.objects.exists()


def test_the_enrollment_page_refuses_a_bad_phone(intake):
    referral = eligible_referral(intake)
    post = enroll_post(referral, **{"caregiver-0-phone": "12345"})
    page = intake.post(reverse("families:enroll", args=[referral.pk]), post)
    assert page.status_code == 200 and PHONE_MESSAGE in page.content.decode()
    assert not Family.objects.filter(referrals=referral).exists()


def test_the_caregiver_page_normalises_and_refuses(cast, login):
    caregiver = CaregiverFactory(family=cast.family_a)
    url = reverse("families:caregiver_edit", args=[cast.family_a.pk, caregiver.pk])
    client = login(cast.hv_a)
    post = caregiver_post(caregiver, cast.family_a.version, phone="(313)5550199")
    post["zip_code"] = "48104"
    assert client.post(url, post).status_code == 302
    caregiver.refresh_from_db()
    assert (caregiver.phone, caregiver.zip_code) == ("(313) 555-0199", "48104")
    cast.family_a.refresh_from_db()
    post.update(zip_code="ABCDE", version=str(cast.family_a.version))
    page = client.post(url, post)
    assert page.status_code == 200 and ZIP_MESSAGE in page.content.decode()
    caregiver.refresh_from_db()
    assert caregiver.zip_code == "48104"


# --- services and the API ---------------------------------------------------------------


def test_the_service_refuses_a_bad_phone_whoever_calls_it(cast):
    caregiver = CaregiverFactory(family=cast.family_a)
    with pytest.raises(ValidationError) as refused:
        update_caregiver(
            family=cast.family_a,
            caregiver=caregiver,
            by=cast.hv_a,
            changes={"phone": "555-0100"},
            expected_version=cast.family_a.version,
        )
    assert refused.value.message_dict == {"phone": [PHONE_MESSAGE]}


def test_the_api_caregiver_patch_answers_400_by_field_and_normalises(cast):
    caregiver = CaregiverFactory(family=cast.family_a)
    url = f"/api/v1/families/{cast.family_a.pk}/caregivers/{caregiver.pk}/"
    bad = api(cast.hv_a).patch(
        url, {"phone": "555-0142", "zip_code": "1", "version": cast.family_a.version}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["phone"] == [PHONE_MESSAGE] and bad.json()["zip_code"] == [ZIP_MESSAGE]
    good = api(cast.hv_a).patch(
        url, {"phone": "313-555-0142", "version": cast.family_a.version}, format="json"
    )
    assert good.status_code == 200 and good.json()["caregiver"]["phone"] == "(313) 555-0142"


def api_referral(**caregiver):
    return {
        "referral_date": TODAY.isoformat(),
        "source": "pediatric",
        "medicaid_status": "enrolled",
        "consent_to_contact": True,
        "caregivers": [{"first_name": "Testa", "last_name": "Example", **caregiver}],
        "children": [{"birth_date": (TODAY - timedelta(days=120)).isoformat()}],
    }


def test_the_api_referral_answers_400_for_a_bad_zip_and_normalises_a_good_one(cast):
    bad = api(cast.admin_a).post("/api/v1/referrals/", api_referral(zip_code="481"), format="json")
    assert bad.status_code == 400 and ZIP_MESSAGE in str(bad.json())
    assert not Referral.objects.exists()
    good = api(cast.admin_a).post(
        "/api/v1/referrals/", api_referral(phone="+1 313 555 0177", zip_code="48104"), format="json"
    )
    assert good.status_code == 201, good.json()
    assert Referral.objects.get().caregivers.get().phone == "(313) 555-0177"
