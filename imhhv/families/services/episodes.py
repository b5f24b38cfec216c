"""Enrollment episodes: enroll, discharge, re-enroll."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.audit.locking import claim_version
from imhhv.audit.services import record
from imhhv.core.ages import check_child_dates
from imhhv.core.dates import not_in_future
from imhhv.core.names import normalize_name
from imhhv.families.hooks import family_changed
from imhhv.families.models import (
    Caregiver,
    Child,
    Consent,
    Enrollment,
    Family,
    Referral,
)
from imhhv.families.services.caseload import assign_home_visitor
from imhhv.families.services.common import _contact, _require_open
from imhhv.families.services.intake import PERSON_FIELDS
from imhhv.families.services.search import refresh_family_search

# --- enrollment and discharge -----------------------------------------------------------

# In the order the caregiver form shows them.
CAREGIVER_FIELDS = (
    "relationship",
    *PERSON_FIELDS,
    "races",
    "hispanic",
    "tribal_affiliation",
    "education",
    "employment",
    "programs",
    "insurance",
    "medicaid_id",
)
CHILD_FIELDS = (
    "first_name",
    "birth_date",
    "due_date",
    "gestational_age_weeks",
    "birth_weight_grams",
)


def _make_caregiver(family: Family, person: dict) -> Caregiver:
    person = {**person, **_contact(person, prefix="caregivers.")}
    caregiver = Caregiver(
        family=family, **{k: v for k, v in person.items() if k in CAREGIVER_FIELDS}
    )
    caregiver.normalized_name = normalize_name(caregiver.first_name, caregiver.last_name)
    caregiver.full_clean()
    caregiver.save()
    return caregiver


def _make_child(family: Family, child: dict, today: date) -> Child:
    errors = check_child_dates(
        today=today, birth_date=child.get("birth_date"), due_date=child.get("due_date")
    )
    if errors:
        raise ValidationError({f"children.{k}": [v] for k, v in errors.items()})
    made = Child(family=family, **{k: v for k, v in child.items() if k in CHILD_FIELDS})
    if made.birth_date:
        made.due_date = made.due_date or None
    made.full_clean()
    made.save()
    return made


@transaction.atomic
def enroll_family(
    *,
    referral: Referral,
    by: User,
    enrolled_on: date,
    caregivers: list[dict],
    children: list[dict],
    consents: list[str],
    prenatal: bool = False,
    gestational_weeks: int | None = None,
    home_visitor: User | None = None,
    assign_reason: str = "",
    over_cap_confirmed: bool = False,
    qualification_override: bool = False,
) -> Family:
    """Turn an eligible referral into a family with its first enrollment episode."""
    today = timezone.localdate()
    if referral.status != Referral.Status.ELIGIBLE:
        raise ValidationError("Only a referral that is eligible and waiting can be enrolled.")
    if message := not_in_future(enrolled_on, today=today, what="The enrollment date"):
        raise ValidationError({"enrolled_on": [message]})
    if enrolled_on < referral.referral_date:
        raise ValidationError(
            {"enrolled_on": ["The enrollment date cannot be before the referral date."]}
        )
    if Consent.Kind.SERVICES not in consents:
        raise ValidationError({"consents": ["Services need the family's consent to services."]})
    if prenatal and gestational_weeks is None:
        raise ValidationError({"gestational_weeks": ["Give the weeks of pregnancy at enrollment."]})
    if not prenatal:
        gestational_weeks = None
    primaries = [c for c in caregivers if c.get("relationship") == Caregiver.Relationship.PRIMARY]
    if len(primaries) != 1:
        raise ValidationError({"caregivers": ["Name exactly one primary caregiver."]})
    if not children:
        raise ValidationError({"children": ["Give at least one child, born or expected."]})
    primary = primaries[0]
    family = Family.objects.create(
        agency=referral.agency,
        display_name=f"{primary['first_name']} {primary['last_name']}".strip(),
    )
    for person in caregivers:
        _make_caregiver(family, person)
    for child in children:
        _make_child(family, child, today)
    refresh_family_search(family)
    for kind in dict.fromkeys(consents):
        if kind not in Consent.Kind.values:
            raise ValidationError({"consents": [f"Unknown consent: {kind}."]})
        Consent.objects.create(family=family, kind=kind, given_on=enrolled_on, recorded_by=by)
    episode = Enrollment(
        family=family,
        referral=referral,
        enrolled_on=enrolled_on,
        prenatal=prenatal,
        gestational_weeks_at_enrollment=gestational_weeks,
        enrolled_by=by,
    )
    episode.full_clean()
    episode.save()
    referral.status = Referral.Status.ENROLLED
    referral.family = family
    referral.save(update_fields=["status", "family"])
    record(
        action="family.enroll",
        user=by,
        target=family,
        details={
            "referral_id": referral.pk,
            "episode_id": episode.pk,
            "prenatal": prenatal,
            "caregivers": len(caregivers),
            "children": len(children),
            "consents": sorted(consents),
        },
    )
    if home_visitor is not None:
        # A supervisor's override of the qualification gate needs a reason of their own;
        # otherwise the first assignment says what it is.
        reason = assign_reason.strip()
        if not (reason or qualification_override):
            reason = "first assignment at enrollment"
        try:
            assign_home_visitor(
                family=family,
                home_visitor=home_visitor,
                by=by,
                start_date=enrolled_on,
                reason=reason,
                over_cap_confirmed=over_cap_confirmed,
                qualification_override=qualification_override,
            )
        except ValidationError as error:
            # The enrollment form and API call the assignment's reason assign_reason.
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                raise ValidationError({"assign_reason": error.message_dict["reason"]}) from error
            # The assignment starts on the enrollment date, which the enrollment form
            # calls by its own name: say which choice to change.
            if hasattr(error, "error_dict") and "start_date" in error.error_dict:
                raise ValidationError(
                    {
                        "home_visitor": [
                            f"{home_visitor.display_name()} was not a home visitor or "
                            "supervisor of this agency on every day since the enrollment "
                            "date: choose another home visitor, or assign one later."
                        ]
                    }
                ) from error
            raise
    family_changed(family.pk)
    return family


@transaction.atomic
def discharge_family(
    *,
    family: Family,
    by: User,
    discharged_on: date,
    reason: str,
    planned: bool,
    transition_plan: str = "",
    referrals_made: str = "",
    expected_version: int | None = None,
) -> Enrollment:
    episode = _require_open(family)
    if message := not_in_future(
        discharged_on, today=timezone.localdate(), what="The discharge date"
    ):
        raise ValidationError({"discharged_on": [message]})
    if discharged_on < episode.enrolled_on:
        raise ValidationError(
            {"discharged_on": ["The discharge date cannot be before enrollment."]}
        )
    if reason not in Enrollment.DischargeReason.values:
        raise ValidationError({"reason": ["Choose a discharge reason."]})
    current = family.assignments.filter(end_date__isnull=True).first()
    if current is not None and discharged_on < current.start_date:
        raise ValidationError(
            {
                "discharged_on": [
                    f"The current home visitor was assigned on {current.start_date}; "
                    "discharge on or after that day."
                ]
            }
        )
    claim_version(family, expected_version)
    episode.discharged_on = discharged_on
    episode.discharge_reason = reason
    episode.discharge_planned = planned
    episode.transition_plan = transition_plan.strip()
    episode.referrals_made = referrals_made.strip()
    episode.discharged_by = by
    episode.save()
    family.assignments.filter(end_date__isnull=True).update(end_date=discharged_on)
    record(
        action="family.discharge",
        user=by,
        target=family,
        details={
            "episode_id": episode.pk,
            "reason": reason,
            "planned": planned,
            "discharged_on": discharged_on.isoformat(),
        },
    )
    family_changed(family.pk)
    return episode


@transaction.atomic
def reenroll_family(
    *,
    family: Family,
    by: User,
    enrolled_on: date,
    prenatal: bool = False,
    gestational_weeks: int | None = None,
    expected_version: int | None = None,
) -> Enrollment:
    """Open a new episode for a discharged family; the earlier episodes stay as they were."""
    if family.enrollments.filter(discharged_on__isnull=True).exists():
        raise ValidationError("This family is already enrolled.")
    last = family.enrollments.order_by("-discharged_on").first()
    if message := not_in_future(
        enrolled_on, today=timezone.localdate(), what="The enrollment date"
    ):
        raise ValidationError({"enrolled_on": [message]})
    if last and enrolled_on <= last.discharged_on:
        raise ValidationError({"enrolled_on": ["A new episode starts after the last discharge."]})
    if prenatal and gestational_weeks is None:
        raise ValidationError({"gestational_weeks": ["Give the weeks of pregnancy at enrollment."]})
    claim_version(family, expected_version)
    episode = Enrollment(
        family=family,
        enrolled_on=enrolled_on,
        prenatal=prenatal,
        gestational_weeks_at_enrollment=gestational_weeks if prenatal else None,
        enrolled_by=by,
    )
    episode.full_clean()
    episode.save()
    # The last home visitor kept read access to the closed record; the new episode starts
    # unassigned (supervisors see it) until someone assigns a home visitor.
    previous = family.home_visitor_id
    family.home_visitor = None
    family.save(update_fields=["home_visitor", "updated_at"])
    record(
        action="family.reenroll",
        user=by,
        target=family,
        details={"episode_id": episode.pk},
        changes={"home_visitor_id": [previous, None]} if previous else None,
    )
    family_changed(family.pk)
    return episode
