"""Read-side queries for intake and capacity. Callers pass ids already scoped by access.py."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from imhhv.accounts.models import Membership
from imhhv.agencies.models import Agency
from imhhv.agencies.policy import policy_on, waitlist_priority
from imhhv.core.ages import age_in_months, check_child_dates
from imhhv.core.caseload import caseload_capacity
from imhhv.core.roles import Role
from imhhv.core.waitlist import WaitlistEntry, days_waiting, rank
from imhhv.families.models import Family, Referral, ReferralChild


@dataclass
class WaitlistRow:
    position: int
    referral: Referral
    days_waiting: int
    youngest_child_birth: date | None
    risk_count: int
    rescreen: str = ""  # why the referral may no longer be eligible, if it may not


def waiting_entries(agency_ids: list[int]) -> list[WaitlistEntry]:
    """The ranking inputs of every waiting referral, in one query (no model instances)."""
    youngest = (
        ReferralChild.objects.filter(referral=OuterRef("pk"))
        .order_by("-birth_date")
        .values("birth_date")[:1]
    )
    risks = (
        Referral.risk_factors.through.objects.filter(referral_id=OuterRef("pk"))
        .values("referral_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Referral.objects.waiting()
        .filter(agency_id__in=agency_ids)
        .annotate(youngest=Subquery(youngest), risk_count=Coalesce(Subquery(risks), 0))
        .values_list("pk", "referral_date", "pregnant", "youngest", "risk_count")
        .order_by()
    )
    return [
        WaitlistEntry(
            referral_id=pk,
            referral_date=day,
            pregnant=pregnant,
            youngest_child_birth=born,
            risk_count=n,
        )
        for pk, day, pregnant, born, n in rows
    ]


def _rescreen_reason(
    referral: Referral, entry: WaitlistEntry, *, today: date, age_limit: int
) -> str:
    """Eligibility was decided on the screening day; time may have changed the answer."""
    if (
        referral.pregnant
        and referral.due_date
        and check_child_dates(today=today, birth_date=None, due_date=referral.due_date)
    ):
        return "The due date has passed: record the birth and screen again."
    born = entry.youngest_child_birth
    if not referral.pregnant and born is not None and age_in_months(born, today) >= age_limit:
        return f"The youngest child is now {age_limit} months or older: screen again."
    return ""


def ranked_waitlist(
    *, agency_ids: list[int], today: date, limit: int | None = None
) -> tuple[list[WaitlistRow], tuple[str, ...]]:
    """The waiting referrals of these agencies in the order of the policy in effect.

    Ranks on plain values (one query), then loads the referrals shown (`limit` first
    places, or all) with their caregivers for display.
    """
    policy = policy_on(today)
    priority = waitlist_priority(policy)
    ordered = rank(waiting_entries(agency_ids), today=today, priority=priority)
    shown = ordered[:limit] if limit is not None else ordered
    referrals = Referral.objects.prefetch_related("caregivers").in_bulk(
        [e.referral_id for e in shown]
    )
    rows = []
    for position, entry in enumerate(shown, start=1):
        referral = referrals[entry.referral_id]
        rows.append(
            WaitlistRow(
                position,
                referral,
                days_waiting(entry, today),
                entry.youngest_child_birth,
                entry.risk_count,
                _rescreen_reason(referral, entry, today=today, age_limit=policy.age_limit_months),
            )
        )
    return rows, priority


@dataclass
class VisitorCapacity:
    membership: Membership
    active: int
    capacity: int

    @property
    def open_slots(self) -> int:
        return self.capacity - self.active


def agency_capacity(agency: Agency, *, today: date | None = None) -> list[VisitorCapacity]:
    """Each home visitor of the agency: active families against cap x FTE."""
    cap = policy_on(today).caseload_cap_per_fte
    memberships = list(
        Membership.objects.active()
        .filter(agency=agency, role=Role.HOME_VISITOR)
        .select_related("user", "team")
        .order_by("team__name", "user__last_name")
    )
    counts = dict(
        Family.objects.active()
        .filter(agency=agency, home_visitor_id__in=[m.user_id for m in memberships])
        .values_list("home_visitor")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        VisitorCapacity(m, counts.get(m.user_id, 0), caseload_capacity(m.fte, cap_per_fte=cap))
        for m in memberships
    ]
