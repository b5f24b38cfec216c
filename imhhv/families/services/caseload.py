"""Capacity and caseload assignment: who may take a family, from when, over the cap or not."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency
from imhhv.audit.locking import claim_version
from imhhv.audit.services import record
from imhhv.core.caseload import caseload_capacity
from imhhv.core.dates import not_in_future
from imhhv.core.roles import Role
from imhhv.families.errors import NotQualified, OverCap
from imhhv.families.hooks import assignment_blockers, family_changed
from imhhv.families.models import (
    Assignment,
    Family,
)
from imhhv.families.services.common import _require_open
from imhhv.reference.policy import policy_on

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


def _serves_agency_throughout(*, user: User, agency: Agency, start: date, end: date) -> bool:
    """Whether `user` held a home visitor or supervisor membership at `agency` on every day
    from `start` to `end` (a team move ends one membership and starts the next, so several
    memberships may together cover the period)."""
    periods = (
        Membership.objects.filter(
            user=user, agency=agency, role__in=[Role.HOME_VISITOR, Role.SUPERVISOR]
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start), start_date__lte=end)
        .order_by("start_date")
        .values_list("start_date", "end_date")
    )
    covered_until = start - timedelta(days=1)  # the last day known to be covered
    for begins, ends in periods:
        if begins > covered_until + timedelta(days=1):
            return False
        covered_until = date.max if ends is None else max(covered_until, ends)
        if covered_until >= end:
            return True
    return covered_until >= end


@transaction.atomic
def assign_home_visitor(
    *,
    family: Family,
    home_visitor: User,
    by: User,
    start_date: date | None = None,
    reason: str = "",
    over_cap_confirmed: bool = False,
    qualification_override: bool = False,
    expected_version: int | None = None,
) -> Assignment:
    """Assign or transfer the family, keeping the history of who had it when.

    The new home visitor must have been a home visitor or supervisor of the family's
    agency on every day from `start_date` to today: an assignment is a claim about who
    served the family, so it cannot start before the person joined (or after they left).

    Backdating (a start date before today) while someone else holds the family moves the
    end of that person's assignment back to the day before: it rewrites history, so it
    needs a written `reason`, which the audit event keeps with the previous end. A start
    date before the current assignment's start is refused (it would erase it). A first
    assignment rewrites nothing and needs no reason.
    """
    today = timezone.localdate()
    start_date = start_date or today
    reason = reason.strip()
    episode = _require_open(family)
    current = family.assignments.filter(end_date__isnull=True).first()
    if message := not_in_future(start_date, today=today, what="An assignment's start date"):
        raise ValidationError({"start_date": [message]})
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
    if not _serves_agency_throughout(
        user=home_visitor, agency=family.agency, start=today, end=today
    ):
        raise ValidationError({"home_visitor": ["Choose a home visitor of this family's agency."]})
    if not _serves_agency_throughout(
        user=home_visitor, agency=family.agency, start=start_date, end=today
    ):
        raise ValidationError(
            {
                "start_date": [
                    f"{home_visitor.display_name()} was not a home visitor or supervisor of "
                    f"this family's agency on every day since {start_date:%-d %B %Y}: choose "
                    "a later start date."
                ]
            }
        )
    if current is not None and current.home_visitor_id == home_visitor.pk:
        raise ValidationError(
            {"home_visitor": ["This family is already assigned to that home visitor."]}
        )
    backdated = current is not None and start_date < today
    if backdated and len(reason) < 5:
        raise ValidationError(
            {
                "reason": [
                    "A start date before today changes when the current home visitor's "
                    "assignment ended: write the reason."
                ]
            }
        )
    active, capacity = visitor_load(home_visitor=home_visitor, agency=family.agency, on=start_date)
    if active + 1 > capacity:
        if not over_cap_confirmed:
            raise OverCap(active=active, capacity=capacity)
        if len(reason) < 5:
            raise ValidationError({"reason": ["Going over the cap needs a reason."]})
    blockers = assignment_blockers(home_visitor, family.agency_id, today)
    if blockers:
        if not qualification_override:
            raise NotQualified(reasons=blockers)
        if not by.can("supervise"):
            raise ValidationError(
                {
                    "qualification_override": [
                        "Only a supervisor can assign a home visitor who is not yet qualified."
                    ]
                }
            )
        if len(reason) < 5:
            raise ValidationError(
                {"reason": ["Assigning a home visitor who is not yet qualified needs a reason."]}
            )
    claim_version(family, expected_version)
    changes = {"home_visitor_id": [family.home_visitor_id, home_visitor.pk]}
    details = {
        "reason": reason[:300],
        "over_cap": active + 1 > capacity,
        "active_before": active,
        "capacity": capacity,
        "start_date": start_date.isoformat(),
        "backdated": backdated,
        "not_qualified": blockers,
        "qualification_override": bool(blockers),
    }
    if current is not None:
        current.end_date = max(current.start_date, start_date - timedelta(days=1))
        current.save(update_fields=["end_date"])
        changes["previous_assignment_end"] = [None, current.end_date.isoformat()]
        details["previous_assignment_id"] = current.pk
    assignment = Assignment.objects.create(
        family=family,
        home_visitor=home_visitor,
        start_date=start_date,
        reason=reason[:300],
        over_cap_confirmed=active + 1 > capacity,
        qualification_override=bool(blockers),
        assigned_by=by,
    )
    family.home_visitor = home_visitor
    family.save(update_fields=["home_visitor", "updated_at"])
    record(action="family.assign", user=by, target=family, changes=changes, details=details)
    family_changed(family.pk)
    return assignment
