"""Writes to the staff record: degrees, licenses, endorsement, waivers, self-assessment,
training (with evidence files), coursework and leave."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.audit.services import record
from imhhv.core import workforce as rules
from imhhv.workforce.models import (
    Coursework,
    Degree,
    Endorsement,
    Leave,
    License,
    SelfAssessment,
    TrainingEntry,
    TrainingEvidence,
    Waiver,
)
from imhhv.workforce.services.common import _all_ids, _future, _save, _writes_staff


@_writes_staff
def add_degree(
    *, by: User, staff: User, level: str, field: str = "", institution: str = "", year=None
) -> Degree:
    if year is not None and year > timezone.localdate().year:
        raise ValidationError({"year": ["The year cannot be in the future."]})
    degree = Degree(user=staff, level=level, field=field, institution=institution, year=year)
    _save(degree)
    record(action="workforce.degree.add", target=degree, details={"staff": staff.pk})
    return degree


@_writes_staff
def add_license(
    *,
    by: User,
    staff: User,
    type: str,
    issued_on: date,
    expires_on: date,
    number: str = "",
    state: str = "MI",
) -> License:
    try:
        rules.check_license_dates(issued_on, expires_on)
    except ValueError as error:
        raise ValidationError({"expires_on": [str(error)]}) from None
    _future("issued_on", issued_on, "The issue date")
    row = License(
        user=staff,
        type=type,
        number=number,
        state=state,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    _save(row)
    record(action="workforce.license.add", target=row, details={"staff": staff.pk})
    return row


@_writes_staff
def set_endorsement(
    *,
    by: User,
    staff: User,
    category: str,
    status: str,
    mentor_track: str = "",
    registered_on: date | None = None,
    endorsed_on: date | None = None,
    number: str = "",
    renewal_year: int | None = None,
) -> Endorsement:
    """Create or update the person's endorsement in `category`."""
    _future("registered_on", registered_on, "The registration date")
    _future("endorsed_on", endorsed_on, "The endorsement date")
    row = Endorsement.objects.filter(user=staff, category=category).first()
    created = row is None
    row = row or Endorsement(user=staff, category=category)
    before = {f: getattr(row, f) for f in ("status", "registered_on", "endorsed_on")}
    row.status, row.mentor_track, row.number = status, mentor_track, number
    row.registered_on, row.endorsed_on, row.renewal_year = registered_on, endorsed_on, renewal_year
    _save(row)
    changes = {
        f: [str(v) if v is not None else None, str(getattr(row, f))]
        for f, v in before.items()
        if v != getattr(row, f)
    }
    record(
        action="workforce.endorsement.set",
        target=row,
        details={"staff": staff.pk, "created": created},
        changes=None if created else changes,
    )
    return row


@_writes_staff
def add_waiver(
    *,
    by: User,
    staff: User,
    fiscal_year: int,
    requested_on: date,
    approved_on: date | None = None,
) -> Waiver:
    # Lock the person's waivers so two requests for one year cannot both pass the check.
    existing = [
        rules.Waiver(fiscal_year=w.fiscal_year, requested_on=w.requested_on)
        for w in Waiver.objects.select_for_update().filter(user=staff)
    ]
    try:
        rules.check_waiver_year(fiscal_year, existing)
    except ValueError as error:
        raise ValidationError({"fiscal_year": [str(error)]}) from None
    held = [
        rules.Endorsement(e.category, e.status, e.registered_on, e.endorsed_on)
        for e in Endorsement.objects.filter(user=staff, status=rules.ENDORSED)
    ]
    fy_start, today = rules.fiscal_year_start(fiscal_year), timezone.localdate()
    on = today if fy_start <= today <= rules.fiscal_year_end(fiscal_year) else fy_start
    if rules.needs_no_waiver(held, on):
        raise ValidationError(
            {
                "fiscal_year": [
                    "This person is endorsed as Infant Family Specialist or higher: "
                    "no waiver is needed."
                ]
            }
        )
    _future("requested_on", requested_on, "The request date")
    _future("approved_on", approved_on, "The approval date")
    row = Waiver(
        user=staff, fiscal_year=fiscal_year, requested_on=requested_on, approved_on=approved_on
    )
    _save(row)
    record(
        action="workforce.waiver.add",
        target=row,
        details={"staff": staff.pk, "fiscal_year": fiscal_year},
    )
    return row


@_writes_staff
def record_self_assessment(
    *,
    by: User,
    staff: User,
    completed_on: date | None,
    discussed_on: date | None = None,
    discussed_with_id: int | None = None,
    gaps: str = "",
    resources: str = "",
    follow_up: str = "",
) -> SelfAssessment:
    """Create or update the person's pre-service self-assessment.

    The discussion is with a supervisor: `discussed_with` must be someone else who holds
    the `supervise` capability at the person's agency now.
    """
    _future("completed_on", completed_on, "The completion date")
    _future("discussed_on", discussed_on, "The discussion date")
    if discussed_on is not None and completed_on is None:
        raise ValidationError({"completed_on": ["Give the date it was completed."]})
    discussed_with = None
    if discussed_with_id is not None:
        agency_ids = Membership.objects.active().filter(user=staff).values("agency_id")
        discussed_with = (
            User.objects.filter(
                pk=discussed_with_id,
                memberships__in=Membership.objects.active().filter(
                    agency_id__in=agency_ids, role=rules.SUPERVISOR
                ),
            )
            .exclude(pk=staff.pk)
            .first()
        )
        if discussed_with is None:
            raise ValidationError({"discussed_with": ["Choose a supervisor of this agency."]})
    row = SelfAssessment.objects.select_for_update().filter(user=staff).first()
    created = row is None
    row = row or SelfAssessment(user=staff)
    row.completed_on, row.discussed_on, row.discussed_with = (
        completed_on,
        discussed_on,
        discussed_with,
    )
    row.gaps, row.resources, row.follow_up = gaps, resources, follow_up
    _save(row)
    record(
        action="workforce.self_assessment.record",
        target=row,
        details={"staff": staff.pk, "created": created, "discussed": discussed_on is not None},
    )
    return row


@_writes_staff
def add_training(
    *,
    by: User,
    staff: User,
    day: date,
    title: str,
    hours,
    category: str,
    provider: str = "",
    booster: bool = False,
) -> TrainingEntry:
    """One ledger entry; `booster` marks a learning-collaborative booster session."""
    try:
        hours = Decimal(str(hours))
        if not hours.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": ["Give the hours as a number."]}) from None
    try:
        rules.check_training_hours(hours)
    except ValueError as error:
        raise ValidationError({"hours": [str(error)]}) from None
    _future("day", day, "A training date")
    row = TrainingEntry(
        user=staff,
        day=day,
        title=title.strip(),
        provider=provider,
        hours=hours,
        category=category,
        booster=booster,
    )
    _save(row)
    record(
        action="workforce.training.add",
        target=row,
        details={"staff": staff.pk, "hours": str(hours), "category": category},
    )
    return row


def _sniffed_type(data: bytes) -> str | None:
    """The evidence file's type from its first bytes (the browser's claim is not trusted)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


@_writes_staff
def attach_evidence(
    *, by: User, staff: User, entry_id: int, filename: str, data: bytes
) -> TrainingEvidence:
    """Attach (or replace) the certificate of one of the person's training entries."""
    entry = (
        TrainingEntry.objects.filter(pk=entry_id, user=staff).first()
        if _all_ids([entry_id])
        else None
    )
    if entry is None:
        raise ValidationError({"entry": ["Choose one of this person's training entries."]})
    if not data:
        raise ValidationError({"file": ["The file is empty."]})
    if len(data) > TrainingEvidence.MAX_BYTES:
        raise ValidationError({"file": ["The file is larger than 5 MB."]})
    content_type = _sniffed_type(data)
    if content_type is None:
        raise ValidationError({"file": ["Attach a PDF, PNG or JPEG file."]})
    name = "".join(c for c in filename.rsplit("/", 1)[-1] if c.isalnum() or c in "._- ")[:120]
    TrainingEvidence.objects.filter(entry=entry).delete()
    row = TrainingEvidence.objects.create(
        entry=entry,
        filename=name.strip() or "evidence",
        content_type=content_type,
        size=len(data),
        data=data,
    )
    record(
        action="workforce.evidence.attach",
        target=entry,
        details={"staff": staff.pk, "bytes": len(data), "type": content_type},
    )
    return row


@_writes_staff
def record_coursework(
    *, by: User, staff: User, psychotherapy: bool, description: str = ""
) -> Coursework:
    """Whether the person has psychotherapy coursework (a supervisor requirement)."""
    row = Coursework.objects.select_for_update().filter(user=staff).first()
    created = row is None
    row = row or Coursework(user=staff)
    row.psychotherapy, row.description = bool(psychotherapy), description.strip()
    row.recorded_on = timezone.localdate()
    _save(row)
    record(
        action="workforce.coursework.record",
        target=row,
        details={"staff": staff.pk, "created": created, "psychotherapy": row.psychotherapy},
    )
    return row


@_writes_staff
def record_leave(*, by: User, staff: User, start: date, end: date) -> Leave:
    if end < start:
        raise ValidationError({"end": ["Leave cannot end before it starts."]})
    row = Leave(user=staff, start=start, end=end)
    _save(row)
    record(action="workforce.leave.record", target=row, details={"staff": staff.pk})
    return row
