"""Edits of a family's record: caregivers, children, births, consents."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.audit.locking import claim_version
from imhhv.audit.services import diff, record
from imhhv.core.ages import check_child_dates
from imhhv.core.dates import not_in_future
from imhhv.core.names import normalize_name
from imhhv.families.models import (
    Caregiver,
    Child,
    Consent,
    Family,
)
from imhhv.families.services.common import _contact, _require_open
from imhhv.families.services.episodes import CAREGIVER_FIELDS, _make_child
from imhhv.families.services.search import refresh_family_search

# --- edits of the family record ---------------------------------------------------------


@transaction.atomic
def update_caregiver(
    *, family: Family, caregiver: Caregiver, by: User, changes: dict, expected_version: int
) -> Caregiver:
    _require_open(family)
    changes = {**changes, **_contact(changes)}
    before = {k: getattr(caregiver, k) for k in changes if k in CAREGIVER_FIELDS}
    for key, value in changes.items():
        if key in CAREGIVER_FIELDS:
            setattr(caregiver, key, value)
    caregiver.normalized_name = normalize_name(caregiver.first_name, caregiver.last_name)
    caregiver.full_clean()
    claim_version(family, expected_version)
    caregiver.save()
    if caregiver.relationship == Caregiver.Relationship.PRIMARY:
        family.display_name = f"{caregiver.first_name} {caregiver.last_name}"
        family.save(update_fields=["display_name", "updated_at"])
    refresh_family_search(family)
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
    claim_version(family, expected_version)
    child = _make_child(family, data, timezone.localdate())
    refresh_family_search(family)
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
    claim_version(family, expected_version)
    child.save()
    if first_name:
        refresh_family_search(family)
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
    if message := not_in_future(given_on, today=timezone.localdate(), what="A consent's date"):
        raise ValidationError({"given_on": [message]})
    if family.consents.filter(kind=kind, revoked_on__isnull=True).exists():
        raise ValidationError({"kind": ["That consent is already in force."]})
    consent = Consent.objects.create(family=family, kind=kind, given_on=given_on, recorded_by=by)
    claim_version(family, None)
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
    claim_version(family, None)
    record(
        action="consent.revoke",
        user=by,
        target=family,
        details={"consent_id": consent.pk, "kind": consent.kind},
    )
    return consent
