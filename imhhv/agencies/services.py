"""Changes to statewide reference data (policy versions, risk factors, holidays), made on
the program settings page.

The data lives low in the house (`imhhv/reference`), so every app can read it; the writes
live here, one layer up, because they are audited (`imhhv/audit` sits above reference).
Each is one keyword-only function, atomic, writing its audit event in the same
transaction. Refusals about a value are `ValidationError`s keyed by field, which the
settings page shows on its form (`imhhv.accounts.pages.attempt`).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.audit.services import diff, record
from imhhv.core.calendar import SATURDAY, federal_holidays
from imhhv.core.policy import check_policy
from imhhv.jobs.services import enqueue
from imhhv.reference.models import ProgramPolicy, RiskFactor, StateHoliday
from imhhv.reference.policy import policy_on

POLICY_FIELDS = (
    "age_limit_months",
    "caseload_cap_per_fte",
    "transition_planning_months",
    "waitlist_priority",
)


@transaction.atomic
def publish_policy(*, policy: ProgramPolicy, by) -> ProgramPolicy:
    """Add a policy version; the one in effect before that day stays for the record.

    Publishing again for the same day replaces that day's version (a correction before it
    takes effect); the audit event keeps the values it replaced. The rules of
    `imhhv.core.policy.check_policy` apply (not in the past, planning before the limit).
    """
    errors = check_policy(
        today=timezone.localdate(),
        effective_from=policy.effective_from,
        age_limit_months=policy.age_limit_months,
        transition_planning_months=policy.transition_planning_months,
        waitlist_priority=policy.waitlist_priority,
    )
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    before = policy_on(policy.effective_from)
    ProgramPolicy.objects.filter(effective_from=policy.effective_from).delete()
    policy.created_by = by
    policy.full_clean()
    policy.save()
    record(
        action="policy.publish",
        user=by,
        target=policy,
        details={"effective_from": policy.effective_from.isoformat()},
        changes=diff(
            {f: getattr(before, f) for f in POLICY_FIELDS},
            {f: getattr(policy, f) for f in POLICY_FIELDS},
        ),
    )
    return policy


@transaction.atomic
def add_risk_factor(*, code: str, label: str, applies_to: str, by) -> RiskFactor:
    """Extend the reference list; new factors sort after the starter list."""
    if RiskFactor.objects.filter(code=code).exists():
        raise ValidationError({"code": ["That code exists already."]})
    factor = RiskFactor(code=code, label=label, applies_to=applies_to, sort_order=500)
    factor.full_clean()
    factor.save()
    record(action="riskfactor.add", user=by, target=factor, details={"code": code})
    return factor


@transaction.atomic
def set_risk_factor_active(*, factor: RiskFactor, active: bool, by) -> RiskFactor:
    """Retire or restore a factor: retired ones stay on old referrals, not on new forms."""
    factor.active = active
    factor.save(update_fields=["active"])
    record(
        action="riskfactor.active", user=by, target=factor, changes={"active": [not active, active]}
    )
    return factor


@transaction.atomic
def add_state_holiday(*, day: date, name: str, by) -> StateHoliday:
    """Add a day on which notes are not due (a state closure, a Michigan-only holiday).

    Past days are allowed on purpose: an office closed by a storm is known afterwards,
    and the late-note figures of that week should then count it. A weekend or a federal
    holiday already counts, so adding one is refused with a message saying so.
    """
    name = name.strip()
    if day.weekday() >= SATURDAY:
        raise ValidationError({"day": [f"{day:%A} is never a business day: nothing to add."]})
    if day in federal_holidays(day, day):
        raise ValidationError({"day": ["That day is a federal holiday already."]})
    if StateHoliday.objects.filter(day=day).exists():
        raise ValidationError({"day": ["That day is on the list already."]})
    holiday = StateHoliday(day=day, name=name, created_by=by)
    holiday.full_clean()
    holiday.save()
    record(
        action="holiday.add",
        user=by,
        target=holiday,
        details={"day": day.isoformat(), "name": name},
    )
    _recount_notes_around(day, by)
    return holiday


@transaction.atomic
def remove_state_holiday(*, holiday: StateHoliday, by) -> None:
    """Take a state day off the list (federal holidays cannot be removed: they are law)."""
    details = {"day": holiday.day.isoformat(), "name": holiday.name}
    record(action="holiday.remove", user=by, target=holiday, details=details)
    _recount_notes_around(holiday.day, by)
    holiday.delete()


def _recount_notes_around(day: date, by) -> None:
    """Notes signed around a changed holiday move between late and on time: queue the
    fidelity facts rebuild from two weeks before it (the job `facts.rebuild`, run by a
    worker after this transaction commits; one queued rebuild per day at a time)."""
    since = (day - timedelta(days=14)).isoformat()
    enqueue(
        name="facts.rebuild",
        kwargs={"since": since},
        unique_key=f"facts.rebuild:{since}",
        created_by=by,
    )
