"""Each read a person does on families and intake: one call, scoped and audited.

Pages and API endpoints call these and only adapt HTTP (parse input, render), so they agree
by construction. Every function goes through `imhhv.families.access` and writes its own
read audit event (exactly one per call; a refusal is audited by access instead).

`ranked_waitlist`, `waiting_entries` and `agency_capacity` are the building blocks below
them; their callers pass agency ids already scoped by access.py.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, time
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency, Team
from imhhv.audit.services import record
from imhhv.core.ages import age_in_months, check_child_dates
from imhhv.core.caseload import caseload_capacity
from imhhv.core.roles import Role
from imhhv.core.search import medicaid_id_candidates, query_terms
from imhhv.core.waitlist import WaitlistEntry, days_waiting, rank
from imhhv.families.access import (
    families_visible_to,
    get_family_for_user,
    get_referral_for_user,
    parse_id,
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
from imhhv.families.filters import (
    FAMILY_STATUSES,
    FamilyFilters,
    ReferralFilters,
    WaitlistFilters,
    last_visit_expression,
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
    *,
    agency_ids: list[int],
    today: date,
    limit: int | None = None,
    keep: Callable[[WaitlistEntry], bool] | None = None,
) -> tuple[list[WaitlistRow], tuple[str, ...]]:
    """The waiting referrals of these agencies in the order of the policy in effect.

    Ranks on plain values (one query), keeps the entries `keep` accepts (each with its
    place in the whole line), then loads the referrals shown (`limit` first, or all)
    with their caregivers for display.
    """
    policy = policy_on(today)
    priority = waitlist_priority(policy)
    ordered = rank(waiting_entries(agency_ids), today=today, priority=priority)
    placed = [(n, e) for n, e in enumerate(ordered, start=1) if keep is None or keep(e)]
    shown = placed[:limit] if limit is not None else placed
    referrals = Referral.objects.prefetch_related("caregivers").in_bulk(
        [e.referral_id for _, e in shown]
    )
    rows = []
    for position, entry in shown:
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

PAGE_SIZE = 50


class FamilyRow(NamedTuple):
    family: Family
    youngest_age_months: int | None
    expecting: bool
    # The family carries `last_home_visit` (aware datetime of the latest completed home
    # visit, or None) and `latest_enrolled_on` (the latest episode's start), annotated.


@dataclass
class FamilyList:
    page: Page
    rows: list[FamilyRow]
    status: str
    filters: FamilyFilters = field(default_factory=FamilyFilters)
    searched: bool = False  # a search was asked for: "no match" rather than "no families"


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


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


def family_search(user: User, q: str) -> Q | None:
    """The condition a family must meet to match the search `q`, or None when `q` holds
    nothing to search for (only punctuation): then nothing matches.

    Every term of the query (imhhv.core.search.query_terms) must be part of the family's
    folded names (`Family.search_text`): one LIKE per term on rows already scoped by the
    caller. Intake staff (capability `manage_intake`: the role that takes Medicaid ids on
    the phone) also find a family by a caregiver's Medicaid id, matched exactly on its
    index; nobody else can probe Medicaid ids.
    """
    condition = None
    terms = query_terms(q)
    for term in terms:
        matched = Q(search_text__contains=term)
        condition = matched if condition is None else condition & matched
    ids = medicaid_id_candidates(q) if user.can("manage_intake") else []
    if ids:
        by_id = Q(Exists(Caregiver.objects.filter(family_id=OuterRef("pk"), medicaid_id__in=ids)))
        condition = by_id if condition is None else condition | by_id
    return condition


def family_filter_choices(user: User) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The home visitors and teams `user` may filter the family list by: those of the
    families in their scope (two queries), so an outsider's id is never offered."""
    visitor_ids = families_visible_to(user).filter(home_visitor__isnull=False)
    visitors = User.objects.filter(pk__in=visitor_ids.values("home_visitor_id")).order_by(
        "last_name", "first_name", "pk"
    )
    visitor_rows = [(v.pk, v.display_name()) for v in visitors]
    if not user.is_authenticated or user.membership is None:
        return visitor_rows, []
    teams = Team.objects.filter(
        pk__in=Membership.objects.active()
        .filter(
            agency_id=user.membership.agency_id,
            user_id__in=visitor_ids.values("home_visitor_id"),
        )
        .values("team_id")
    ).order_by("name")
    return visitor_rows, [(t.pk, t.name) for t in teams]


FAMILY_ORDER = {
    "name": ("display_name", "pk"),
    "last_visit": (F("last_home_visit").asc(nulls_first=True), "display_name", "pk"),
    "-last_visit": (F("last_home_visit").desc(nulls_last=True), "display_name", "pk"),
    "enrolled": (F("latest_enrolled_on").asc(nulls_first=True), "pk"),
    "-enrolled": (F("latest_enrolled_on").desc(nulls_last=True), "-pk"),
}


def search_families(user: User, filters: FamilyFilters) -> QuerySet[Family]:
    """The families in `user`'s scope that match `filters` (search text included), in the
    order asked for: one query, each row annotated with `last_home_visit` and
    `latest_enrolled_on`. Not audited: `family_list` (page and API) is the use case."""
    if filters.status not in FAMILY_STATUSES:
        raise ValidationError({"status": [f"Choose one of: {', '.join(FAMILY_STATUSES)}."]})
    if filters.sort not in FAMILY_ORDER:
        raise ValidationError({"sort": [f"Choose one of: {', '.join(FAMILY_ORDER)}."]})
    families = families_visible_to(user)
    if filters.status == "active":
        families = families.active()
    elif filters.status == "discharged":
        families = families.discharged()
    if filters.q:
        condition = family_search(user, filters.q)
        families = families.filter(condition) if condition is not None else families.none()
    if filters.home_visitor is not None:
        families = families.filter(home_visitor_id=filters.home_visitor)
    if filters.team is not None:
        on_team = Membership.objects.active().filter(team_id=filters.team).values("user_id")
        families = families.filter(home_visitor_id__in=on_team)
    latest_episode = (
        Enrollment.objects.filter(family_id=OuterRef("pk"))
        .order_by("-enrolled_on", "-pk")
        .values("enrolled_on")[:1]
    )
    families = families.annotate(
        last_home_visit=last_visit_expression(), latest_enrolled_on=Subquery(latest_episode)
    )
    if filters.enrolled_from:
        families = families.filter(latest_enrolled_on__gte=filters.enrolled_from)
    if filters.enrolled_to:
        families = families.filter(latest_enrolled_on__lte=filters.enrolled_to)
    if filters.seen_since:
        families = families.filter(last_home_visit__gte=_local_midnight(filters.seen_since))
    if filters.not_seen_since:
        since = _local_midnight(filters.not_seen_since)
        families = families.filter(Q(last_home_visit__isnull=True) | Q(last_home_visit__lt=since))
    return families.order_by(*FAMILY_ORDER[filters.sort])


def family_list(
    user: User,
    *,
    filters: FamilyFilters | None = None,
    status: str | None = None,
    q: str | None = None,
    page: int | str | None = None,
    per_page: int = PAGE_SIZE,
    strict: bool = False,
    via: str = "page",
) -> FamilyList:
    """The families in `user`'s scope matching `filters`, one page of them; a search too.

    `filters` come from `FamilyFilterForm` (page and API alike); `status` and `q` override
    its values (a caller without a form). Queries: the count, the page of families with
    their home visitor and agency, their children, and the audit event, whatever the size
    of the caseload or of the agency.

    One `family.list` event per call, with the ids and count of the families shown and
    the filters, but never the search text: a name typed is PHI about the person looked
    for, and a hash of a name would not hide it (names are few enough to try them all).
    """
    filters = filters or FamilyFilters()
    overrides = {k: v for k, v in {"status": status, "q": q}.items() if v is not None}
    if overrides:
        filters = replace(filters, **overrides)
    families = (
        search_families(user, filters)
        .select_related("agency", "home_visitor")
        .prefetch_related("children")
    )
    shown = _page(families, page, per_page=per_page, strict=strict)
    today = timezone.localdate()
    rows = [FamilyRow(f, youngest_age_months(f, today), is_expecting(f)) for f in shown]
    record(
        action="family.list",
        object_type="family",
        details={
            "count": len(rows),
            "total": shown.paginator.count,
            "ids": [row.family.pk for row in rows],
            "page": shown.number,
            "status": filters.status,
            "filters": filters.audit(),
            "via": via,
        },
    )
    return FamilyList(
        page=shown,
        rows=rows,
        status=filters.status,
        filters=filters,
        searched=bool(filters.q),
    )


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
    filters: ReferralFilters = field(default_factory=ReferralFilters)
    searched: bool = False


def referral_search(q: str) -> Q | None:
    """The condition a referral must meet to match `q` (names folded like families', or a
    Medicaid id), or None when `q` holds nothing to search for. Only intake staff read
    referrals, so the Medicaid id is always searchable here."""
    condition = None
    for term in query_terms(q):
        matched = Q(search_text__contains=term)
        condition = matched if condition is None else condition & matched
    ids = medicaid_id_candidates(q)
    if ids:
        by_id = Q(medicaid_id__in=ids)
        condition = by_id if condition is None else condition | by_id
    return condition


def referral_list(
    user: User,
    *,
    filters: ReferralFilters | None = None,
    status: str | None = None,
    page: int | str | None = None,
    per_page: int = PAGE_SIZE,
    strict: bool = False,
    via: str = "page",
) -> ReferralList:
    """The agency's referrals for intake staff, newest first, filtered and searched.

    Each row carries `family_in_scope`; a row enrolled into a family out of the reader's
    scope must be shown without the family's data (see access.py). A search never finds
    such a row: finding it by a name would tell who is served elsewhere in the agency.
    The audit event keeps the filters but not the search text (see `family_list`).
    """
    filters = filters or ReferralFilters()
    if status is not None:
        filters = replace(filters, status=status)
    if filters.status and filters.status not in Referral.Status.values:
        raise ValidationError({"status": [f"Choose one of: {', '.join(Referral.Status.values)}."]})
    if filters.sort not in ("referral_date", "-referral_date"):
        raise ValidationError({"sort": ["Choose referral_date or -referral_date."]})
    referrals = referrals_visible_to(user).prefetch_related("caregivers")
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.source:
        referrals = referrals.filter(source=filters.source)
    if filters.referred_from:
        referrals = referrals.filter(referral_date__gte=filters.referred_from)
    if filters.referred_to:
        referrals = referrals.filter(referral_date__lte=filters.referred_to)
    if filters.q:
        condition = referral_search(filters.q)
        referrals = (
            referrals.filter(condition, family_in_scope=True)
            if condition is not None
            else referrals.none()
        )
    direction = "-" if filters.sort.startswith("-") else ""
    referrals = referrals.order_by(f"{direction}referral_date", f"{direction}pk")
    shown = _page(referrals, page, per_page=per_page, strict=strict)
    record(
        action="referral.list",
        object_type="referral",
        details={
            "count": len(shown.object_list),
            "total": shown.paginator.count,
            "ids": [r.pk for r in shown.object_list],
            "withheld": [r.pk for r in shown.object_list if not referral_identity_visible(r)],
            "status": filters.status,
            "filters": filters.audit(),
            "via": via,
        },
    )
    return ReferralList(
        page=shown, status=filters.status, filters=filters, searched=bool(filters.q)
    )


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


def _waitlist_keep(filters: WaitlistFilters, today: date) -> Callable[[WaitlistEntry], bool]:
    """Which ranked entries the filters keep. A pregnancy with no child born yet counts as
    "youngest child under N months": the baby will be the youngest."""

    def keep(entry: WaitlistEntry) -> bool:
        if filters.pregnant and entry.pregnant != (filters.pregnant == "yes"):
            return False
        if filters.youngest_under_months is not None:
            born = entry.youngest_child_birth
            if born is not None and age_in_months(born, today) >= filters.youngest_under_months:
                return False
            if born is None and not entry.pregnant:
                return False
        minimum = filters.min_days_waiting
        return minimum is None or days_waiting(entry, today) >= minimum

    return keep


def waitlist(
    user: User,
    *,
    filters: WaitlistFilters | None = None,
    via: str = "page",
    limit: int | None = None,
) -> Waitlist:
    """The agency's waiting referrals in the order of the policy, with capacity beside.

    Filters keep some of the ranked rows; each keeps its place in the whole line (`#7` is
    seventh whatever is filtered out). Waiting referrals are not enrolled, so intake sees
    them whole (access.py)."""
    if not user.can("manage_intake"):
        raise PermissionDenied
    filters = filters or WaitlistFilters()
    agency = user.membership.agency
    today = timezone.localdate()
    rows, priority = ranked_waitlist(
        agency_ids=[agency.pk], today=today, limit=limit, keep=_waitlist_keep(filters, today)
    )
    record(
        action="waitlist.read",
        object_type="referral",
        details={
            "count": len(rows),
            "ids": [r.referral.pk for r in rows],
            "filters": filters.audit(),
            "via": via,
        },
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


# --- for the audit page (registered in imhhv.audit.access by FamiliesConfig.ready) -------


def family_ids_named(user: User, text: str, *, limit: int = 200) -> list[int]:
    """Ids of the families in `user`'s scope (any status) whose names match `text`: the
    audit page's family filter. Not audited here: the page's `audit.view` event records
    the ids it resolved."""
    found = search_families(user, FamilyFilters(q=text, status="all"))
    return list(found.values_list("pk", flat=True)[:limit])


def _ids(ids: list[str]) -> list[int]:
    return [pk for pk in (parse_id(i) for i in ids) if pk is not None]


def family_links(user: User, ids: list[str]) -> dict[str, str]:
    """{id: chart url} for the families among `ids` that `user` may open."""
    visible = families_visible_to(user).filter(pk__in=_ids(ids)).values_list("pk", flat=True)
    return {str(pk): reverse("families:detail", args=[pk]) for pk in visible}


def referral_links(user: User, ids: list[str]) -> dict[str, str]:
    """{id: url} for the referrals among `ids` that `user` may open (intake staff)."""
    visible = referrals_visible_to(user).filter(pk__in=_ids(ids)).values_list("pk", flat=True)
    return {str(pk): reverse("families:referral", args=[pk]) for pk in visible}
