"""The state's learning-collaborative cohorts and agencies' staff questionnaires."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core import workforce as rules
from imhhv.core.dates import not_in_future
from imhhv.workforce.access import get_staff_for_user
from imhhv.workforce.models import (
    Cohort,
    CohortMember,
    StaffInstrument,
    StaffQuestionnaire,
)
from imhhv.workforce.services.common import _all_ids, _future, _save, _writes_staff

# ---------------------------------------------------------------- learning collaborative

COHORT_CAPABILITY = "manage_staff_statewide"  # the state runs the cohorts


def _deny(action: str, object_type: str, reason: str, message: str):
    record(
        action=action, outcome=Outcome.DENIED, object_type=object_type, details={"reason": reason}
    )
    raise PermissionDenied(message)


def create_cohort(
    *,
    by: User,
    name: str,
    trainers: str,
    start: date,
    end: date,
    instruction_sessions: int,
    coaching_calls: int,
) -> Cohort:
    """A learning-collaborative cohort (the state office only)."""
    if not by.can(COHORT_CAPABILITY):
        _deny("workforce.cohort.create", "cohort", "not the state", "Only the state runs cohorts.")
    if Cohort.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": ["A cohort of this name already exists."]})
    row = Cohort(
        name=name.strip(),
        trainers=trainers.strip(),
        start=start,
        end=end,
        instruction_sessions=instruction_sessions,
        coaching_calls=coaching_calls,
        created_by=by,
    )
    with transaction.atomic():
        _save(row)
        record(action="workforce.cohort.create", target=row, details={})
    return row


def add_cohort_member(*, by: User, cohort_id: int, staff_id: int) -> CohortMember:
    """Enroll a home visitor or supervisor in a cohort (the state office only)."""
    if not by.can(COHORT_CAPABILITY):
        _deny("workforce.cohort.enroll", "cohort", "not the state", "Only the state runs cohorts.")
    staff = get_staff_for_user(by, staff_id)
    cohort = Cohort.objects.filter(pk=cohort_id).first() if _all_ids([cohort_id]) else None
    if cohort is None:
        raise ValidationError({"cohort": ["Choose a cohort."]})
    serves = Membership.objects.active().filter(user=staff, role__in=rules.ROLES).exists()
    if not serves:
        raise ValidationError({"staff": ["Only home visitors and supervisors join a cohort."]})
    if CohortMember.objects.filter(cohort=cohort, user=staff).exists():
        raise ValidationError({"staff": ["This person is already in the cohort."]})
    with transaction.atomic():
        row = CohortMember.objects.create(cohort=cohort, user=staff)
        record(
            action="workforce.cohort.enroll",
            target=row,
            details={"cohort": cohort.pk, "staff": staff.pk},
        )
    return row


def record_cohort_attendance(
    *,
    by: User,
    member_id: int,
    instruction_attended: int,
    coaching_attended: int,
    completed_on: date | None = None,
) -> CohortMember:
    """Sessions and coaching calls attended so far, and completion (the state office)."""
    if not by.can(COHORT_CAPABILITY):
        _deny(
            "workforce.cohort.attendance",
            "cohortmember",
            "not the state",
            "Only the state runs cohorts.",
        )
    row = (
        CohortMember.objects.select_related("cohort").filter(pk=member_id).first()
        if _all_ids([member_id])
        else None
    )
    if row is None:
        raise ValidationError({"member": ["Choose a cohort member."]})
    cohort, errors = row.cohort, {}
    if not 0 <= instruction_attended <= cohort.instruction_sessions:
        errors["instruction_attended"] = [
            f"Between 0 and the cohort's {cohort.instruction_sessions} instruction sessions."
        ]
    if not 0 <= coaching_attended <= cohort.coaching_calls:
        errors["coaching_attended"] = [
            f"Between 0 and the cohort's {cohort.coaching_calls} coaching calls."
        ]
    if completed_on is not None:
        if message := not_in_future(completed_on, today=timezone.localdate(), what="Completion"):
            errors["completed_on"] = [message]
        elif completed_on < cohort.start:
            errors["completed_on"] = ["Completion cannot be before the cohort started."]
    if errors:
        raise ValidationError(errors)
    before = [row.instruction_attended, row.coaching_attended, row.completed_on]
    row.instruction_attended, row.coaching_attended = instruction_attended, coaching_attended
    row.completed_on = completed_on
    with transaction.atomic():
        _save(row)
        record(
            action="workforce.cohort.attendance",
            target=row,
            details={"cohort": cohort.pk, "staff": row.user_id},
            changes={
                "attendance": [
                    [before[0], before[1], str(before[2]) if before[2] else None],
                    [
                        instruction_attended,
                        coaching_attended,
                        str(completed_on) if completed_on else None,
                    ],
                ]
            },
        )
    return row


# ---------------------------------------------------------------- staff questionnaires


def add_staff_instrument(
    *, by: User, name: str, min_score, max_score, higher_is_better: bool = True
) -> StaffInstrument:
    """An agency's own staff questionnaire: its name and score range (no item text)."""
    membership = by.membership if by.is_authenticated else None
    if membership is None or not by.can("manage_staff") or by.can("manage_staff_statewide"):
        _deny(
            "workforce.instrument.add",
            "staffinstrument",
            "not an agency administrator",
            "Only an agency administrator adds a staff questionnaire.",
        )
    errors = {}
    scores = {}
    for field, value in (("min_score", min_score), ("max_score", max_score)):
        try:
            scores[field] = Decimal(str(value))
            if not scores[field].is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[field] = ["Give the score as a number."]
    if errors:
        raise ValidationError(errors)
    row = StaffInstrument(
        agency_id=membership.agency_id,
        name=name.strip(),
        higher_is_better=bool(higher_is_better),
        **scores,
    )
    with transaction.atomic():
        _save(row)
        record(action="workforce.instrument.add", target=row, details={})
    return row


@_writes_staff
def record_questionnaire(
    *, by: User, staff: User, instrument_id: int, time_point: str, day: date, score
) -> StaffQuestionnaire:
    """One administration's total score (scores only; the form's items are not kept)."""
    agency_ids = Membership.objects.active().filter(user=staff).values("agency_id")
    instrument = (
        StaffInstrument.objects.filter(pk=instrument_id, agency_id__in=agency_ids).first()
        if _all_ids([instrument_id])
        else None
    )
    if instrument is None:
        raise ValidationError({"instrument": ["Choose one of the agency's questionnaires."]})
    try:
        score = Decimal(str(score))
        if not score.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": ["Give the score as a number."]}) from None
    if not instrument.min_score <= score <= instrument.max_score:
        raise ValidationError(
            {"score": [f"Scores run from {instrument.min_score} to {instrument.max_score}."]}
        )
    _future("day", day, "The date")
    if StaffQuestionnaire.objects.filter(
        instrument=instrument, user=staff, time_point=time_point
    ).exists():
        raise ValidationError({"time_point": ["This time point is already recorded."]})
    row = StaffQuestionnaire(
        instrument=instrument,
        user=staff,
        time_point=time_point,
        day=day,
        score=score,
        recorded_by=by,
    )
    _save(row)
    record(
        action="workforce.questionnaire.record",
        target=row,
        details={"staff": staff.pk, "instrument": instrument.pk, "time_point": time_point},
    )
    return row
