"""Each read a person does on families and intake: one call, scoped and audited.

Pages and API endpoints call these and only adapt HTTP (parse input, render), so they agree
by construction. Every function goes through `imhhv.families.access` and writes its own
read audit event (exactly one per call; a refusal is audited by access instead).

`ranked_waitlist`, `waiting_entries` and `agency_capacity` are the building blocks below
them; their callers pass agency ids already scoped by access.py.
"""

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency
from imhhv.audit.services import record
from imhhv.core.ages import age_in_months, check_child_dates
from imhhv.core.caseload import caseload_capacity
from imhhv.core.roles import Role
from imhhv.core.waitlist import WaitlistEntry, days_waiting, rank
from imhhv.families.access import (
    families_visible_to,
    get_family_for_user,
    get_referral_for_user,
    referral_identity_visible,
    referrals_visible_to,
)
from imhhv.families.chart import (
    ChildView,
    chart_sections,
    child_view,
    is_expecting,
    youngest_age_months,
)
from imhhv.families.models import (
    Assignment,
    Caregiver,
    Consent,
    Enrollment,
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)
from imhhv.reference.models import ProgramPolicy
from imhhv.reference.policy import policy_on, waitlist_priority


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


# --- use cases: one call each, audited ----------------------------------------------------

FAMILY_STATUSES = ("active", "discharged")
PAGE_SIZE = 50


class FamilyRow(NamedTuple):
    family: Family
    youngest_age_months: int | None
    expecting: bool


@dataclass
class FamilyList:
    page: Page
    rows: list[FamilyRow]
    status: str


def _page(items, number, *, per_page: int, strict: bool) -> Page:
    """One page of `items`; an invalid page number is a 404 when `strict` (the API), the
    nearest page otherwise (a page link typed by hand)."""
    paginator = Paginator(items, per_page)
    if not strict:
        return paginator.get_page(number)
    try:
        return paginator.page(number or 1)
    except InvalidPage as error:
        raise Http404("No such page.") from error


def family_list(
    user: User,
    *,
    status: str = "active",
    page: int | str | None = None,
    per_page: int = PAGE_SIZE,
    strict: bool = False,
    via: str = "page",
) -> FamilyList:
    """The families in `user`'s scope, active (default) or discharged, one page of them."""
    if status not in FAMILY_STATUSES:
        raise ValidationError({"status": [f"Choose one of: {', '.join(FAMILY_STATUSES)}."]})
    families = families_visible_to(user).select_related("agency", "home_visitor")
    families = families.discharged() if status == "discharged" else families.active()
    families = families.prefetch_related("children")
    shown = _page(families, page, per_page=per_page, strict=strict)
    today = timezone.localdate()
    rows = [FamilyRow(f, youngest_age_months(f, today), is_expecting(f)) for f in shown]
    record(
        action="family.list",
        object_type="family",
        details={
            "count": len(rows),
            "ids": [row.family.pk for row in rows],
            "page": shown.number,
            "status": status,
            "via": via,
        },
    )
    return FamilyList(page=shown, rows=rows, status=status)


@dataclass
class Chart:
    """Everything the family chart shows, and what the reader may do from it."""

    family: Family
    today: date
    policy: ProgramPolicy
    caregivers: list[Caregiver]
    children: list[ChildView]
    episodes: list[Enrollment]
    open_episode: Enrollment | None
    assignments: list[Assignment]
    consents: list[Consent]
    can_edit: bool
    can_assign: bool
    can_reenroll: bool
    can_document: bool

    def context(self) -> dict:
        """The chart page's context: the fields, then the sections other apps register
        (read only here: the API's chart does not show them, so it does not query them)."""
        fields = {f.name: getattr(self, f.name) for f in dataclass_fields(self)}
        sections = chart_sections(self.family, self.today)
        return {**fields, "section_keys": sorted(sections), **sections}


def chart(user: User, family_id: int | str, *, via: str = "page") -> Chart:
    """The family chart: caregivers, children with their ages, episodes, home visitor
    history, consents, and the sections other apps register (visits)."""
    family = get_family_for_user(
        user,
        family_id,
        prefetch=(
            "caregivers",
            "children",
            "consents",
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.select_related("enrolled_by", "discharged_by"),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("home_visitor", "assigned_by"),
            ),
        ),
    )
    today = timezone.localdate()
    program = policy_on(today)
    episodes = list(family.enrollments.all())
    open_episode = next((e for e in episodes if e.is_open), None)
    record(action="family.read", target=family, details={"via": via})
    return Chart(
        family=family,
        today=today,
        policy=program,
        caregivers=list(family.caregivers.all()),
        children=[child_view(c, today=today, policy=program) for c in family.children.all()],
        episodes=episodes,
        open_episode=open_episode,
        assignments=list(family.assignments.all()),
        consents=list(family.consents.all()),
        can_edit=open_episode is not None and user.can("edit_families"),
        can_assign=open_episode is not None and user.can("assign_caseload"),
        can_reenroll=open_episode is None and user.can("manage_intake"),
        can_document=open_episode is not None and user.can("document_visits"),
    )


def record_page_read(family: Family, *, view: str, **details) -> None:
    """The read event of an edit page (caregiver, child, birth, consents, assign, discharge,
    re-enroll) when it renders the family's record: one per request. A save that succeeds
    writes its own write event instead, and a refused one its denial."""
    record(action="family.read", target=family, details={"view": view, **details})


@dataclass
class ReferralList:
    page: Page
    status: str


def referral_list(
    user: User,
    *,
    status: str = "",
    page: int | str | None = None,
    per_page: int = PAGE_SIZE,
    strict: bool = False,
    via: str = "page",
) -> ReferralList:
    """The agency's referrals for intake staff, newest first, optionally by status.

    Each row carries `family_in_scope`; a row enrolled into a family out of the reader's
    scope must be shown without the family's data (see access.py).
    """
    if status and status not in Referral.Status.values:
        raise ValidationError({"status": [f"Choose one of: {', '.join(Referral.Status.values)}."]})
    referrals = referrals_visible_to(user).prefetch_related("caregivers")
    if status:
        referrals = referrals.filter(status=status)
    shown = _page(referrals, page, per_page=per_page, strict=strict)
    record(
        action="referral.list",
        object_type="referral",
        details={
            "count": len(shown.object_list),
            "ids": [r.pk for r in shown.object_list],
            "withheld": [r.pk for r in shown.object_list if not referral_identity_visible(r)],
            "status": status,
            "via": via,
        },
    )
    return ReferralList(page=shown, status=status)


@dataclass
class ReferralView:
    """A referral as the reader may see it: `identity_visible` False means the referral
    was enrolled into a family outside their scope, and the family's data is left out."""

    referral: Referral
    identity_visible: bool
    caregivers: list[ReferralCaregiver]
    children: list[ReferralChild]
    risk_factors: list  # RiskFactor rows (reference data)


def referral_detail(user: User, referral_id: int | str, *, via: str = "page") -> ReferralView:
    referral = get_referral_for_user(user, referral_id)
    visible = referral_identity_visible(referral)
    record(
        action="referral.read",
        target=referral,
        details={"via": via, "family_data": "shown" if visible else "withheld"},
    )
    if not visible:
        return ReferralView(referral, False, [], [], [])
    return ReferralView(
        referral=referral,
        identity_visible=True,
        caregivers=list(referral.caregivers.all()),
        children=list(referral.children.all()),
        risk_factors=list(referral.risk_factors.all()),
    )


@dataclass
class Waitlist:
    rows: list[WaitlistRow]
    priority: tuple[str, ...]
    today: date
    capacity: list[VisitorCapacity]


def waitlist(user: User, *, via: str = "page", limit: int | None = None) -> Waitlist:
    """The agency's waiting referrals in the order of the policy, with capacity beside.

    Waiting referrals are not enrolled, so intake sees them whole (access.py)."""
    if not user.can("manage_intake"):
        raise PermissionDenied
    agency = user.membership.agency
    today = timezone.localdate()
    rows, priority = ranked_waitlist(agency_ids=[agency.pk], today=today, limit=limit)
    record(
        action="waitlist.read",
        object_type="referral",
        details={"count": len(rows), "ids": [r.referral.pk for r in rows], "via": via},
    )
    return Waitlist(rows, priority, today, agency_capacity(agency, today=today))


def capacity(user: User, *, via: str = "page") -> tuple[Agency, list[VisitorCapacity]]:
    """The user's agency's home visitors against their caps (staff figures and counts)."""
    if not user.can("assign_caseload"):
        raise PermissionDenied
    agency = user.membership.agency
    rows = agency_capacity(agency, today=timezone.localdate())
    record(
        action="capacity.read",
        object_type="agency",
        object_id=agency.pk,
        details={"home_visitors": len(rows), "via": via},
    )
    return agency, rows
