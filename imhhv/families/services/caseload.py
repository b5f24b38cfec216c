"""Capacity and caseload assignment."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency
from imhhv.agencies.policy import policy_on
from imhhv.audit.services import record
from imhhv.core.caseload import caseload_capacity
from imhhv.core.roles import Role
from imhhv.families.models import (
    Assignment,
    Family,
)
from imhhv.families.services.common import OverCap, _bump_version, _require_open

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
    if current is not None and current.home_visitor_id == home_visitor.pk:
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
