"""Read-side queries for intake and capacity. Callers pass ids already scoped by access.py."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch

from imhhv.accounts.models import Membership
from imhhv.agencies.models import Agency
from imhhv.agencies.policy import policy_on, waitlist_priority
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


def waitlist_entries(referrals) -> list[WaitlistEntry]:
    return [
        WaitlistEntry(
            referral_id=r.pk,
            referral_date=r.referral_date,
            pregnant=r.pregnant,
            youngest_child_birth=max((c.birth_date for c in r.children.all()), default=None),
            risk_count=r.risk_count,
        )
        for r in referrals
    ]


def ranked_waitlist(
    *, agency_ids: list[int], today: date
) -> tuple[list[WaitlistRow], tuple[str, ...]]:
    """The waiting referrals of these agencies in the order of the policy in effect."""
    priority = waitlist_priority(policy_on(today))
    referrals = {
        r.pk: r
        for r in Referral.objects.waiting()
        .filter(agency_id__in=agency_ids)
        .annotate(risk_count=Count("risk_factors", distinct=True))
        .prefetch_related(
            "caregivers",
            Prefetch("children", queryset=ReferralChild.objects.order_by("birth_date")),
        )
    }
    ordered = rank(waitlist_entries(referrals.values()), today=today, priority=priority)
    rows = [
        WaitlistRow(
            i,
            referrals[e.referral_id],
            days_waiting(e, today),
            e.youngest_child_birth,
            e.risk_count,
        )
        for i, e in enumerate(ordered, start=1)
    ]
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
