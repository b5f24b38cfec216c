"""Enrollment: no consent is ticked for the family (issue 9: "Consent to services" was
pre-ticked), and enrolling without any consent says what is missing in plain words."""

import re

import pytest
from django.urls import reverse

from imhhv.families.models import Family
from imhhv.families.tests.test_intake_pages import eligible_referral, enroll_post


@pytest.fixture
def intake(cast, login):
    return login(cast.admin_a)


def consent_boxes(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="consents"[^>]*>', html)


def test_the_enrollment_form_ticks_no_consent(intake):
    referral = eligible_referral(intake)
    page = intake.get(reverse("families:enroll", args=[referral.pk]))
    assert page.status_code == 200
    boxes = consent_boxes(page.content.decode())
    assert len(boxes) == 3
    assert not [box for box in boxes if " checked" in box]


def test_enrolling_with_no_consent_ticked_says_what_is_needed(intake):
    referral = eligible_referral(intake)
    post = enroll_post(referral)
    del post["consents"]
    page = intake.post(reverse("families:enroll", args=[referral.pk]), post)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tick the consents the family gave today" in html
    assert "This field is required" not in html
    assert not Family.objects.filter(referrals=referral).exists()
