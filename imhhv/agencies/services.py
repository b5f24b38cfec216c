"""Changes to statewide policy and reference data, audited."""

from django.db import transaction

from imhhv.accounts.models import User
from imhhv.agencies.models import ProgramPolicy
from imhhv.agencies.policy import policy_on
from imhhv.audit.services import diff, record

POLICY_FIELDS = (
    "age_limit_months",
    "caseload_cap_per_fte",
    "transition_planning_months",
    "waitlist_priority",
)


@transaction.atomic
def publish_policy(*, policy: ProgramPolicy, by: User) -> ProgramPolicy:
    """Add a policy version; the one in effect before that day stays for the record."""
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
def add_risk_factor(*, code: str, label: str, applies_to: str, by: User):
    from django.core.exceptions import ValidationError

    from imhhv.families.models import RiskFactor

    if RiskFactor.objects.filter(code=code).exists():
        raise ValidationError({"code": ["That code exists already."]})
    factor = RiskFactor.objects.create(
        code=code, label=label, applies_to=applies_to, sort_order=500
    )
    record(action="riskfactor.add", user=by, target=factor, details={"code": code})
    return factor


@transaction.atomic
def set_risk_factor_active(*, factor, active: bool, by: User):
    factor.active = active
    factor.save(update_fields=["active"])
    record(
        action="riskfactor.active", user=by, target=factor, changes={"active": [not active, active]}
    )
    return factor
