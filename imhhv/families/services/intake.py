"""Referrals: intake, duplicate detection, eligibility screening, override, closing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.agencies.models import Agency
from imhhv.audit.locking import claim_version
from imhhv.audit.services import diff, record
from imhhv.core.ages import check_child_dates
from imhhv.core.dates import not_in_future
from imhhv.core.eligibility import Screening, screen
from imhhv.core.names import normalize_name
from imhhv.families.access import scoped_matches
from imhhv.families.errors import PossibleDuplicates
from imhhv.families.models import (
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)
from imhhv.families.services.common import _contact
from imhhv.families.services.search import refresh_referral_search
from imhhv.reference.models import RiskFactor
from imhhv.reference.policy import policy_on

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
    confirm_not_duplicate: bool = False,
) -> Referral:
    """Save a referral at `agency`, unless it may be a family the agency already knows.

    Possible duplicates (same normalised caregiver name and birth date, or the same
    Medicaid id, among the agency's referrals and families) raise `PossibleDuplicates`
    with the matches scoped to `by` (access.scoped_matches) and save nothing, until the
    caller confirms with `confirm_not_duplicate=True`. Field rules come first, so a
    person fixing a typo is not asked about duplicates of the typo.
    """
    today = timezone.localdate()
    if not caregivers:
        raise ValidationError({"caregivers": ["Give at least one caregiver."]})
    if message := not_in_future(data.get("referral_date"), today=today, what="A referral date"):
        raise ValidationError({"referral_date": [message]})
    _check_people(
        today=today,
        due_date=data.get("due_date"),
        pregnant=bool(data.get("pregnant")),
        children=children,
    )
    for person in caregivers:
        if message := not_in_future(
            person.get("birth_date"), today=today, what="A caregiver's birth date"
        ):
            raise ValidationError({"caregivers": [message]})
    data = {**data, **_contact(data, phones=("referrer_phone",), zips=())}
    caregivers = [{**person, **_contact(person, prefix="caregivers.")} for person in caregivers]
    factors = _risk_factors(risk_factor_codes)
    if not confirm_not_duplicate:
        found = find_possible_duplicates(
            agency=agency, caregivers=caregivers, medicaid_ids=[data.get("medicaid_id") or ""]
        )
        if found:
            raise PossibleDuplicates(
                matches=scoped_matches(by, referrals=found.referrals, families=found.families),
                audit_details={
                    "referral_ids": [r.pk for r in found.referrals],
                    "family_ids": [f.pk for f in found.families],
                },
            )
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
    refresh_referral_search(referral)
    record(
        action="referral.create",
        user=by,
        target=referral,
        details={
            "source": referral.source,
            "caregivers": len(caregivers),
            "children": len(children),
            "confirmed_not_duplicate": confirm_not_duplicate,
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


CHECK = "Check: "  # marks a warning among a screening's stored reasons


@transaction.atomic
def screen_referral(*, referral: Referral, by: User, on: date | None = None) -> Screening:
    """Apply the eligibility rule with the policy of the screening day; keep every reason.

    The primary (first-listed) caregiver is taken as the pregnant person, so "pregnant
    under 21" is derived from their birth date (imhhv.core.eligibility); contradictions
    between the ticked factors and the dates come back as `warnings`.
    """
    on = on or timezone.localdate()
    if referral.status in (Referral.Status.ENROLLED, Referral.Status.CLOSED):
        raise ValidationError(
            "This referral is already enrolled or closed; it cannot be screened again."
        )
    policy = policy_on(on)
    primary = referral.caregivers.order_by("pk").first()
    result = screen(
        screening_date=on,
        pregnant=referral.pregnant,
        child_birth_dates=[c.birth_date for c in referral.children.all()],
        risk_factors=[rf.code for rf in referral.risk_factors.all()],
        known_risk_factors=list(RiskFactor.objects.values_list("code", flat=True)),
        medicaid_status=referral.medicaid_status,
        other_funding=referral.other_funding,
        age_limit_months=policy.age_limit_months,
        pregnant_caregiver_birth_date=primary.birth_date if primary else None,
    )
    before = {"status": referral.status, "screen_eligible": referral.screen_eligible}
    referral.screened_on = on
    referral.screen_eligible = result.eligible
    # Warnings are kept with the reasons (marked), so the referral page shows them later.
    referral.screen_reasons = [*result.reasons, *(f"{CHECK}{w}" for w in result.warnings)]
    referral.override_reason = ""
    referral.override_by = None
    referral.status = Referral.Status.ELIGIBLE if result.eligible else Referral.Status.INELIGIBLE
    claim_version(referral, None)  # the one locking helper; no form version to check here
    referral.save()
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
    claim_version(referral, None)  # the one locking helper; no form version to check here
    referral.save()
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
