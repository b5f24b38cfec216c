"""One function per write to the staff record and to reflective supervision.

Each one: finds the person through `access.get_staff_for_user(..., write=True)` (a
denial is one audit event), validates with the core rules (`imhhv.core.workforce`
check_* functions) and the model's own checks, saves atomically and writes exactly one
audit event. Bad input is a `ValidationError` keyed by field; nothing is saved. Audit
details name ids and counts only: never a session's notes or themes.

The access check runs before the transaction opens (`_writes_staff`): a denial's audit
event must not roll back with the refused write.
"""

import functools
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core import workforce as rules
from imhhv.core.dates import not_in_future
from imhhv.families.access import families_visible_to
from imhhv.workforce.access import get_staff_for_user
from imhhv.workforce.models import (
    Degree,
    Endorsement,
    Leave,
    License,
    SelfAssessment,
    SessionFamily,
    SupervisionParticipant,
    SupervisionSession,
    TrainingEntry,
    Waiver,
)


def _writes_staff(function):
    """Find the person first (a denial is audited and must survive), then run the write
    in one transaction with `staff` in place of `staff_id`."""

    @functools.wraps(function)
    def wrapper(*, by: User, staff_id: int, **kwargs):
        staff = get_staff_for_user(by, staff_id, write=True)
        with transaction.atomic():
            return function(by=by, staff=staff, **kwargs)

    return wrapper


def _save(obj) -> None:
    """Full model validation (fields and constraints), then save."""
    obj.full_clean()
    obj.save()


def _all_ids(values) -> bool:
    """Whether every value is a database id (a positive int that fits a bigint)."""
    return all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 2**63 - 1 for v in values
    )


def _future(field: str, day: date | None, what: str) -> None:
    if message := not_in_future(day, today=timezone.localdate(), what=what):
        raise ValidationError({field: [message]})


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
) -> TrainingEntry:
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
        user=staff, day=day, title=title.strip(), provider=provider, hours=hours, category=category
    )
    _save(row)
    record(
        action="workforce.training.add",
        target=row,
        details={"staff": staff.pk, "hours": str(hours), "category": category},
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


def record_session(
    *,
    by: User,
    day: date,
    started_at: time,
    minutes: int,
    format: str,
    supervisee_ids: list[int],
    supervisor_id: int | None = None,
    consultant_name: str = "",
    consultant_credential: str = "",
    families: list[tuple[int, int]] = (),
    themes: str = "",
    notes: str = "",
) -> SupervisionSession:
    """Record a reflective supervision session at `by`'s agency.

    Who records it: the supervisor (an account with `supervise`, `by` itself), or, for a
    supervisor's own consultation with an external consultant (no account), the
    supervisor receiving it (`by` among the supervisees, `supervisor_id` None). A
    supervisor's consultation with another supervisor who has an account is recorded by
    that one, as any session. Supervisees are current members of the agency; the supervisor is never
    one of them (a session whose supervisor is its only supervisee is refused). Families
    discussed are `(family_id, supervisee_id)` pairs: the family must be one that
    supervisee carries now and that `by` may see.
    """
    consultant_name = consultant_name.strip()
    ids_ok = _all_ids(supervisee_ids) and (supervisor_id is None or _all_ids([supervisor_id]))
    pairs_ok = all(
        isinstance(pair, (tuple, list)) and len(pair) == 2 and _all_ids(pair) for pair in families
    )
    if not ids_ok or not pairs_ok:
        # Checked before anything else: an id that is not a number is bad input, not a 500.
        raise ValidationError(
            {"supervisee_ids" if not ids_ok else "families": ["Choose from the list."]}
        )
    supervisee_set = set(supervisee_ids)
    agency_id = by.membership.agency_id if by.is_authenticated and by.membership else None
    external = supervisor_id is None
    allowed = (
        agency_id is not None
        and by.can("supervise")
        and (by.pk in supervisee_set if external else supervisor_id == by.pk)
    )
    if not allowed:
        record(
            action="workforce.session.record",
            outcome=Outcome.DENIED,
            object_type="supervisionsession",
            details={"reason": "only the supervisor, or the consultee, records a session"},
        )
        raise PermissionDenied("Only the session's supervisor can record it.")
    with transaction.atomic():
        return _record_session(
            by=by,
            agency_id=agency_id,
            day=day,
            started_at=started_at,
            minutes=minutes,
            format=format,
            supervisee_set=supervisee_set,
            supervisor_id=supervisor_id,
            consultant_name=consultant_name,
            consultant_credential=consultant_credential,
            families=families,
            themes=themes,
            notes=notes,
        )


def _record_session(
    *,
    by: User,
    agency_id: int,
    day: date,
    started_at: time,
    minutes: int,
    format: str,
    supervisee_set: set[int],
    supervisor_id: int | None,
    consultant_name: str,
    consultant_credential: str,
    families,
    themes: str,
    notes: str,
) -> SupervisionSession:
    external = supervisor_id is None
    errors: dict[str, list[str]] = {}
    now = timezone.localtime()
    if day > now.date() or (
        day == now.date() and started_at is not None and started_at > now.time()
    ):
        errors["day"] = ["A session cannot be in the future."]
    if external and not consultant_name:
        errors["consultant_name"] = ["Name the consultant."]
    if not external and consultant_name:
        errors["consultant_name"] = ["Name either the supervisor or a consultant, not both."]
    if not external and supervisor_id in supervisee_set:
        errors["supervisee_ids"] = ["The supervisor cannot also be a supervisee."]
    if not supervisee_set or (not external and supervisee_set <= {supervisor_id}):
        errors["supervisee_ids"] = ["Choose at least one supervisee other than the supervisor."]
    members = set(
        Membership.objects.active()
        .filter(agency_id=agency_id, user_id__in=supervisee_set)
        .values_list("user_id", flat=True)
    )
    if supervisee_set - members and "supervisee_ids" not in errors:
        errors["supervisee_ids"] = ["Choose supervisees from your agency."]
    if format == SupervisionSession.Format.INDIVIDUAL and len(supervisee_set) > 1:
        errors["format"] = ["An individual session has one supervisee."]
    visible = families_visible_to(by)
    pairs = []
    if len({family_id for family_id, _ in families}) < len(families):
        errors["families"] = ["List each family once."]
        families = ()
    for family_id, supervisee_id in families:
        family = visible.filter(pk=family_id, home_visitor_id=supervisee_id).first()
        if supervisee_id not in supervisee_set or family is None:
            errors["families"] = ["Choose only families a supervisee in the session carries."]
            break
        pairs.append((family, supervisee_id))
    if errors:
        raise ValidationError(errors)
    session = SupervisionSession(
        agency_id=agency_id,
        day=day,
        started_at=started_at,
        minutes=minutes,
        format=format,
        supervisor_id=supervisor_id,
        consultant_name=consultant_name,
        consultant_credential=consultant_credential.strip(),
        themes=themes.strip(),
        notes=notes,
        recorded_by=by,
    )
    _save(session)
    SupervisionParticipant.objects.bulk_create(
        SupervisionParticipant(session=session, user_id=pk) for pk in sorted(supervisee_set)
    )
    SessionFamily.objects.bulk_create(
        SessionFamily(session=session, family=family, supervisee_id=pk) for family, pk in pairs
    )
    record(
        action="workforce.session.record",
        target=session,
        details={
            "supervisees": len(supervisee_set),
            "families": len(pairs),
            "external": external,
        },
    )
    return session
