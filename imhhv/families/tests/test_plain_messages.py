"""Form and rule errors in plain words (issue 9): never Django's "Please submit at least 1
form", never a database constraint's name such as "paused_plan_has_an_end"."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, UniqueConstraint
from django.urls import reverse
from django.utils import timezone

from imhhv.families.models import Assignment, Child, Consent, Enrollment, Family
from imhhv.families.tests.test_intake_pages import eligible_referral, enroll_post, referral_post

TODAY = timezone.localdate()

# The models people write through pages and the API. The week facts tables are written
# only by the platform (a violation there is a bug, not a person's input).
USER_FACING = [
    "families.Child",
    "families.Consent",
    "families.Enrollment",
    "families.Assignment",
    "visits.KeyComponent",
    "visits.Strategy",
    "visits.VisitPlan",
    "visits.Visit",
    "visits.StrategyResponse",
]
CONSTRAINTS = [
    (label, constraint)
    for label in USER_FACING
    for constraint in apps.get_model(label)._meta.constraints
]


@pytest.mark.parametrize(("label", "constraint"), CONSTRAINTS, ids=[c.name for _, c in CONSTRAINTS])
def test_every_constraint_has_a_plain_message(label, constraint):
    assert isinstance(constraint, CheckConstraint | UniqueConstraint)
    message = str(constraint.get_violation_error_message())
    assert constraint.name not in message and "Constraint" not in message
    assert message.endswith(".") and message[0].isupper()


def violation(instance, exclude=None) -> str:
    with pytest.raises(ValidationError) as refused:
        instance.validate_constraints(exclude=exclude)
    return " ".join(refused.value.messages)


def test_a_child_neither_born_nor_expected(cast):
    message = violation(Child(family=cast.family_a))
    assert message == "Give the child's birth date, or the due date for an expected child."


def test_a_consent_revoked_before_it_was_given(cast):
    consent = Consent(
        family=cast.family_a, kind="services", given_on=TODAY, revoked_on=TODAY - timedelta(days=1)
    )
    assert "revoked before the day it was given" in violation(consent)


def test_a_second_open_episode(cast):
    episode = Enrollment(family=cast.family_a, enrolled_on=TODAY)
    assert violation(episode) == "This family already has an open episode: discharge it first."


def test_an_assignment_ending_before_it_starts(cast):
    assignment = Assignment(
        family=cast.family_a,
        home_visitor=cast.hv_a,
        start_date=TODAY,
        end_date=TODAY - timedelta(days=3),
    )
    assert violation(assignment) == "An assignment cannot end before it starts."


@pytest.fixture
def intake(cast, login):
    return login(cast.admin_a)


def test_a_referral_with_no_caregiver_asks_for_one(intake):
    blank = {
        "caregiver-0-first_name": "",
        "caregiver-0-last_name": "",
        "caregiver-0-birth_date": "",
    }
    post = referral_post(**blank)
    page = intake.post(reverse("families:referral_new"), post)
    html = page.content.decode()
    assert page.status_code == 200 and "Fill in at least one caregiver." in html
    assert "Please submit" not in html


def test_an_enrollment_with_every_child_left_out_asks_for_one(intake):
    referral = eligible_referral(intake)
    post = enroll_post(referral, **{"child-0-DELETE": "on"})
    page = intake.post(reverse("families:enroll", args=[referral.pk]), post)
    html = page.content.decode()
    assert page.status_code == 200 and "Fill in at least one child." in html
    assert "Please submit" not in html
    assert not Family.objects.filter(referrals=referral).exists()


def test_a_tampered_formset_gets_a_plain_message():
    from imhhv.families.forms import ReferralChildFormSet

    post = referral_post()
    del post["child-TOTAL_FORMS"]
    children = ReferralChildFormSet(post, prefix="child")
    assert not children.is_valid()
    assert [str(e) for e in children.non_form_errors()] == [
        "This form was incomplete or out of date. Reload the page and enter the details again."
    ]


def test_a_tampered_caregiver_formset_shows_no_technical_words(intake):
    post = referral_post()
    del post["caregiver-TOTAL_FORMS"]
    page = intake.post(reverse("families:referral_new"), post)
    html = page.content.decode()
    assert page.status_code == 200 and "Fill in at least one caregiver." in html
    assert "ManagementForm" not in html and "bug report" not in html


def test_a_tampered_children_formset_says_so_on_the_referral_page(intake):
    post = referral_post()
    del post["child-TOTAL_FORMS"]
    page = intake.post(reverse("families:referral_new"), post)
    html = page.content.decode()
    assert page.status_code == 200
    assert "This form was incomplete or out of date." in html
    assert "ManagementForm" not in html
