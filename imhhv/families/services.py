"""Writes along a family's path: referral, screening, enrollment, assignment, discharge.

Every function is keyword-only and atomic and writes its audit event in the same
transaction. Edits of an existing family carry the version the user saw; if somebody
saved in between, `StaleEdit` is raised and nothing is written (DESIGN.md rule 6).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency
from imhhv.agencies.policy import policy_on
from imhhv.audit.services import diff, record
from imhhv.core.ages import check_child_dates
from imhhv.core.caseload import caseload_capacity
from imhhv.core.eligibility import Screening, screen
from imhhv.core.names import normalize_name
from imhhv.core.roles import Role
from imhhv.families.models import (
    Assignment,
    Caregiver,
    Child,
    Consent,
    Enrollment,
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
    RiskFactor,
)


class StaleEdit(Exception):
    """Somebody else saved this record after the user opened it."""

    message = (
        "Someone else changed this record after you opened it. Nothing was saved: "
        "reload the page to see their changes, then make yours again."
    )


class FamilyIsDischarged(PermissionDenied):
    message = "This family is discharged, so its record is read-only. Re-enroll to reopen it."


class OverCap(ValidationError):
    """Assigning would put the home visitor over their FTE cap; needs a confirmation."""

    def __init__(self, *, active: int, capacity: int):
        self.active, self.capacity = active, capacity
        super().__init__(
            f"This home visitor already has {active} active famil{'y' if active == 1 else 'ies'} "
            f"and a cap of {capacity} for their FTE. Confirm with a reason to go over the cap.",
            code="over_cap",
        )


# --- referrals --------------------------------------------------------------------------


def _check_people(
    *, today: date, due_date: date | None, pregnant: bool, children: list[dict]
) -> None:
    errors: dict[str, list[str]] = {}
    if pregnant:
        if due_date is None:
            errors.setdefault("due_date", []).append("Give the due date for a pregnancy.")
        else:
            for field, message in check_child_dates(
                today=today, birth_date=None, due_date=due_date
            ).items():
                errors.setdefault(field, []).append(message)
    for child in children:
        for field, message in check_child_dates(
            today=today, birth_date=child.get("birth_date"), due_date=None
        ).items():
            errors.setdefault(f"children.{field}", []).append(message)
    if errors:
        raise ValidationError(errors)


def _risk_factors(codes: Iterable[str]) -> list[RiskFactor]:
    codes = list(dict.fromkeys(codes))
    found = {rf.code: rf for rf in RiskFactor.objects.filter(code__in=codes, active=True)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {"risk_factors": [f"Unknown risk factor code: {', '.join(unknown)}."]}
        )
    return [found[c] for c in codes]


REFERRAL_FIELDS = (
    "referral_date",
    "source",
    "referrer_name",
    "referrer_organization",
    "referrer_phone",
    "pregnant",
    "due_date",
    "medicaid_status",
    "medicaid_id",
    "other_funding",
    "consent_to_contact",
    "notes",
)
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "address",
    "city",
    "zip_code",
    "preferred_language",
    "interpreter_needed",
)


@transaction.atomic
def create_referral(
    *,
    agency: Agency,
    by: User,
    data: dict,
    caregivers: list[dict],
    children: list[dict],
    risk_factor_codes: list[str],
) -> Referral:
    today = timezone.localdate()
    if not caregivers:
        raise ValidationError({"caregivers": ["Give at least one caregiver."]})
    if data.get("referral_date") and data["referral_date"] > today:
        raise ValidationError({"referral_date": ["A referral date cannot be in the future."]})
    _check_people(
        today=today,
        due_date=data.get("due_date"),
        pregnant=bool(data.get("pregnant")),
        children=children,
    )
    if any(p.get("birth_date") and p["birth_date"] > today for p in caregivers):
        raise ValidationError({"caregivers": ["A caregiver's birth date cannot be in the future."]})
    factors = _risk_factors(risk_factor_codes)
    referral = Referral(
        agency=agency, created_by=by, **{k: v for k, v in data.items() if k in REFERRAL_FIELDS}
    )
    if not referral.pregnant:
        referral.due_date = None
    referral.full_clean()
    referral.save()
    referral.risk_factors.set(factors)
    for person in caregivers:
        rc = ReferralCaregiver(
            referral=referral, **{k: v for k, v in person.items() if k in PERSON_FIELDS}
        )
        rc.normalized_name = normalize_name(rc.first_name, rc.last_name)
        rc.full_clean()
        rc.save()
    for child in children:
        ReferralChild.objects.create(
            referral=referral,
            first_name=child.get("first_name", ""),
            birth_date=child["birth_date"],
        )
    record(
        action="referral.create",
        user=by,
        target=referral,
        details={
            "source": referral.source,
            "caregivers": len(caregivers),
            "children": len(children),
        },
    )
    return referral


@dataclass
class Duplicates:
    referrals: list[Referral]
    families: list[Family]

    def __bool__(self) -> bool:
        return bool(self.referrals or self.families)


def find_possible_duplicates(
    *,
    agency: Agency,
    caregivers: list[dict],
    medicaid_ids: Iterable[str],
    exclude_referral: int | None = None,
) -> Duplicates:
    """Referrals and families of the agency with the same normalised caregiver name and
    birth date, or the same Medicaid id."""
    person_q = Q(pk__in=[])
    family_q = Q(pk__in=[])
    for person in caregivers:
        name = normalize_name(person.get("first_name", ""), person.get("last_name", ""))
        if name and person.get("birth_date"):
            person_q |= Q(
                caregivers__normalized_name=name, caregivers__birth_date=person["birth_date"]
            )
            family_q |= Q(
                caregivers__normalized_name=name, caregivers__birth_date=person["birth_date"]
            )
    ids = [m.strip() for m in medicaid_ids if m and m.strip()]
    if ids:
        person_q |= Q(medicaid_id__in=ids)
        family_q |= Q(caregivers__medicaid_id__in=ids)
    referrals = Referral.objects.filter(person_q, agency=agency).distinct()
    if exclude_referral:
        referrals = referrals.exclude(pk=exclude_referral)
    families = Family.objects.filter(family_q, agency=agency).distinct()
    return Duplicates(referrals=list(referrals[:20]), families=list(families[:20]))


@transaction.atomic
def screen_referral(*, referral: Referral, by: User, on: date | None = None) -> Screening:
    """Apply the eligibility rule with the policy of the screening day; keep every reason."""
    on = on or timezone.localdate()
    if referral.status in (Referral.Status.ENROLLED, Referral.Status.CLOSED):
        raise ValidationError(
            "This referral is already enrolled or closed; it cannot be screened again."
        )
    policy = policy_on(on)
    result = screen(
        screening_date=on,
        pregnant=referral.pregnant,
        child_birth_dates=[c.birth_date for c in referral.children.all()],
        risk_factors=[rf.code for rf in referral.risk_factors.all()],
        known_risk_factors=list(RiskFactor.objects.values_list("code", flat=True)),
        medicaid_status=referral.medicaid_status,
        other_funding=referral.other_funding,
        age_limit_months=policy.age_limit_months,
    )
    before = {"status": referral.status, "screen_eligible": referral.screen_eligible}
    referral.screened_on = on
    referral.screen_eligible = result.eligible
    referral.screen_reasons = list(result.reasons)
    referral.override_reason = ""
    referral.override_by = None
    referral.status = Referral.Status.ELIGIBLE if result.eligible else Referral.Status.INELIGIBLE
    referral.version = F("version") + 1
    referral.save()
    referral.refresh_from_db(fields=["version"])
    record(
        action="referral.screen",
        user=by,
        target=referral,
        changes=diff(before, {"status": referral.status, "screen_eligible": result.eligible}),
        details={"age_limit_months": policy.age_limit_months},
    )
    return result


@transaction.atomic
def override_eligibility(*, referral: Referral, by: User, eligible: bool, reason: str) -> Referral:
    """A supervisor's decision against the rule, with the reason written down (audited)."""
    reason = reason.strip()
    if not by.can("supervise"):
        raise PermissionDenied
    if len(reason) < 10:
        raise ValidationError(
            {"override_reason": ["Write the reason for the override (at least 10 characters)."]}
        )
    if referral.status in (Referral.Status.ENROLLED, Referral.Status.CLOSED):
        raise ValidationError("This referral is already enrolled or closed.")
    before = {"status": referral.status}
    referral.status = Referral.Status.ELIGIBLE if eligible else Referral.Status.INELIGIBLE
    referral.override_reason = reason
    referral.override_by = by
    referral.screened_on = referral.screened_on or timezone.localdate()
    referral.version = F("version") + 1
    referral.save()
    referral.refresh_from_db(fields=["version"])
    record(
        action="referral.override",
        user=by,
        target=referral,
        changes=diff(before, {"status": referral.status}),
        details={"reason": reason},
    )
    return referral


@transaction.atomic
def close_referral(*, referral: Referral, by: User, reason: str) -> Referral:
    if referral.status == Referral.Status.ENROLLED:
        raise ValidationError("An enrolled referral cannot be closed.")
    if not reason.strip():
        raise ValidationError({"closed_reason": ["Say why the referral is closed."]})
    before = {"status": referral.status}
    referral.status = Referral.Status.CLOSED
    referral.closed_reason = reason.strip()[:200]
    referral.save(update_fields=["status", "closed_reason"])
    record(
        action="referral.close",
        user=by,
        target=referral,
        changes=diff(before, {"status": "closed"}),
    )
    return referral


# --- capacity and assignment ------------------------------------------------------------


def visitor_load(*, home_visitor: User, agency: Agency, on: date | None = None) -> tuple[int, int]:
    """(active families, capacity for the visitor's FTE) at `agency`."""
    on = on or timezone.localdate()
    membership = (
        Membership.objects.active_on(on)
        .filter(user=home_visitor, agency=agency)
        .order_by("-start_date")
        .first()
    )
    fte = membership.fte if membership else 0
    active = Family.objects.active().filter(agency=agency, home_visitor=home_visitor).count()
    return active, caseload_capacity(fte, cap_per_fte=policy_on(on).caseload_cap_per_fte)


def assignable_visitors(agency: Agency) -> "list[Membership]":
    return list(
        Membership.objects.active()
        .filter(agency=agency, role__in=[Role.HOME_VISITOR, Role.SUPERVISOR])
        .select_related("user", "team")
        .order_by("team__name", "user__last_name")
    )


def _bump_version(family: Family, expected_version: int | None) -> None:
    if expected_version is None:
        Family.objects.filter(pk=family.pk).update(version=F("version") + 1)
    elif not Family.objects.filter(pk=family.pk, version=expected_version).update(
        version=F("version") + 1
    ):
        raise StaleEdit
    family.refresh_from_db(fields=["version"])


def _require_open(family: Family) -> Enrollment:
    episode = family.enrollments.filter(discharged_on__isnull=True).first()
    if episode is None:
        raise FamilyIsDischarged
    return episode


@transaction.atomic
def assign_home_visitor(
    *,
    family: Family,
    home_visitor: User,
    by: User,
    start_date: date | None = None,
    reason: str = "",
    over_cap_confirmed: bool = False,
    expected_version: int | None = None,
) -> Assignment:
    """Assign or transfer the family, keeping the history of who had it when."""
    start_date = start_date or timezone.localdate()
    episode = _require_open(family)
    current = family.assignments.filter(end_date__isnull=True).first()
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": ["An assignment cannot start in the future."]})
    if start_date < episode.enrolled_on:
        raise ValidationError({"start_date": ["An assignment cannot start before enrollment."]})
    if current is not None and start_date < current.start_date:
        raise ValidationError(
            {
                "start_date": [
                    f"The current assignment started {current.start_date}; start on or after it."
                ]
            }
        )
    eligible = Membership.objects.active_on(start_date).filter(
        user=home_visitor, agency=family.agency, role__in=[Role.HOME_VISITOR, Role.SUPERVISOR]
    )
    if not eligible.exists():
        raise ValidationError({"home_visitor": ["Choose a home visitor of this family's agency."]})
    if family.home_visitor_id == home_visitor.pk:
        raise ValidationError(
            {"home_visitor": ["This family is already assigned to that home visitor."]}
        )
    active, capacity = visitor_load(home_visitor=home_visitor, agency=family.agency, on=start_date)
    if active + 1 > capacity:
        if not over_cap_confirmed:
            raise OverCap(active=active, capacity=capacity)
        if len(reason.strip()) < 5:
            raise ValidationError({"reason": ["Going over the cap needs a reason."]})
    _bump_version(family, expected_version)
    if current is not None:
        current.end_date = max(current.start_date, start_date - timedelta(days=1))
        current.save(update_fields=["end_date"])
    assignment = Assignment.objects.create(
        family=family,
        home_visitor=home_visitor,
        start_date=start_date,
        reason=reason.strip()[:300],
        over_cap_confirmed=active + 1 > capacity,
        assigned_by=by,
    )
    before = family.home_visitor_id
    family.home_visitor = home_visitor
    family.save(update_fields=["home_visitor", "updated_at"])
    record(
        action="family.assign",
        user=by,
        target=family,
        changes={"home_visitor_id": [before, home_visitor.pk]},
        details={
            "reason": assignment.reason,
            "over_cap": assignment.over_cap_confirmed,
            "active_before": active,
            "capacity": capacity,
        },
    )
    return assignment


# --- enrollment and discharge -----------------------------------------------------------

CAREGIVER_FIELDS = PERSON_FIELDS + (
    "relationship",
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
) -> Family:
    """Turn an eligible referral into a family with its first enrollment episode."""
    today = timezone.localdate()
    if referral.status != Referral.Status.ELIGIBLE:
        raise ValidationError("Only a referral that is eligible and waiting can be enrolled.")
    if enrolled_on > today:
        raise ValidationError({"enrolled_on": ["The enrollment date cannot be in the future."]})
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
        assign_home_visitor(
            family=family,
            home_visitor=home_visitor,
            by=by,
            start_date=enrolled_on,
            reason=assign_reason or "first assignment at enrollment",
            over_cap_confirmed=over_cap_confirmed,
        )
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
    if discharged_on > timezone.localdate():
        raise ValidationError({"discharged_on": ["The discharge date cannot be in the future."]})
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
    _bump_version(family, expected_version)
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
    if enrolled_on > timezone.localdate():
        raise ValidationError({"enrolled_on": ["The enrollment date cannot be in the future."]})
    if last and enrolled_on <= last.discharged_on:
        raise ValidationError({"enrolled_on": ["A new episode starts after the last discharge."]})
    if prenatal and gestational_weeks is None:
        raise ValidationError({"gestational_weeks": ["Give the weeks of pregnancy at enrollment."]})
    _bump_version(family, expected_version)
    episode = Enrollment(
        family=family,
        enrolled_on=enrolled_on,
        prenatal=prenatal,
        gestational_weeks_at_enrollment=gestational_weeks if prenatal else None,
        enrolled_by=by,
    )
    episode.full_clean()
    episode.save()
    record(action="family.reenroll", user=by, target=family, details={"episode_id": episode.pk})
    return episode


# --- edits of the family record ---------------------------------------------------------


@transaction.atomic
def update_caregiver(
    *, family: Family, caregiver: Caregiver, by: User, changes: dict, expected_version: int
) -> Caregiver:
    _require_open(family)
    before = {k: getattr(caregiver, k) for k in changes if k in CAREGIVER_FIELDS}
    for key, value in changes.items():
        if key in CAREGIVER_FIELDS:
            setattr(caregiver, key, value)
    caregiver.normalized_name = normalize_name(caregiver.first_name, caregiver.last_name)
    caregiver.full_clean()
    _bump_version(family, expected_version)
    caregiver.save()
    if caregiver.relationship == Caregiver.Relationship.PRIMARY:
        family.display_name = f"{caregiver.first_name} {caregiver.last_name}"
        family.save(update_fields=["display_name", "updated_at"])
    record(
        action="caregiver.update",
        user=by,
        target=family,
        changes=diff(before, {k: getattr(caregiver, k) for k in before}),
        details={"caregiver_id": caregiver.pk},
    )
    return caregiver


@transaction.atomic
def add_child(*, family: Family, by: User, data: dict, expected_version: int) -> Child:
    _require_open(family)
    _bump_version(family, expected_version)
    child = _make_child(family, data, timezone.localdate())
    record(action="child.add", user=by, target=family, details={"child_id": child.pk})
    return child


@transaction.atomic
def record_birth(
    *,
    family: Family,
    child: Child,
    by: User,
    birth_date: date,
    gestational_age_weeks: int | None,
    birth_weight_grams: int | None,
    first_name: str = "",
    expected_version: int,
) -> Child:
    _require_open(family)
    errors = check_child_dates(today=timezone.localdate(), birth_date=birth_date, due_date=None)
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    before = {
        "birth_date": child.birth_date,
        "gestational_age_weeks": child.gestational_age_weeks,
        "birth_weight_grams": child.birth_weight_grams,
    }
    child.birth_date = birth_date
    child.gestational_age_weeks = gestational_age_weeks
    child.birth_weight_grams = birth_weight_grams
    if first_name:
        child.first_name = first_name
    child.full_clean()
    _bump_version(family, expected_version)
    child.save()
    record(
        action="child.birth",
        user=by,
        target=family,
        details={"child_id": child.pk},
        changes=diff(
            before,
            {
                "birth_date": birth_date,
                "gestational_age_weeks": gestational_age_weeks,
                "birth_weight_grams": birth_weight_grams,
            },
        ),
    )
    return child


@transaction.atomic
def record_consent(*, family: Family, by: User, kind: str, given_on: date) -> Consent:
    _require_open(family)
    if kind not in Consent.Kind.values:
        raise ValidationError({"kind": ["Unknown consent."]})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": ["A consent cannot be dated in the future."]})
    if family.consents.filter(kind=kind, revoked_on__isnull=True).exists():
        raise ValidationError({"kind": ["That consent is already in force."]})
    consent = Consent.objects.create(family=family, kind=kind, given_on=given_on, recorded_by=by)
    _bump_version(family, None)
    record(
        action="consent.give",
        user=by,
        target=family,
        details={"consent_id": consent.pk, "kind": kind},
    )
    return consent


@transaction.atomic
def revoke_consent(*, family: Family, consent: Consent, by: User, revoked_on: date) -> Consent:
    if consent.family_id != family.pk or consent.revoked_on is not None:
        raise ValidationError("That consent is not in force.")
    if revoked_on > timezone.localdate() or revoked_on < consent.given_on:
        raise ValidationError(
            {"revoked_on": ["The revocation date must be between the consent and today."]}
        )
    consent.revoked_on = revoked_on
    consent.save(update_fields=["revoked_on"])
    _bump_version(family, None)
    record(
        action="consent.revoke",
        user=by,
        target=family,
        details={"consent_id": consent.pk, "kind": consent.kind},
    )
    return consent
