"""Reads of staff records that a person does, each writing its own read audit event.

A staff page shows who someone is and where they worked: not PHI, but an administrator's
view of a colleague's employment history is audited like a chart (one `staff.read` or
`proposal.read` event per page), and a denial is audited by the access function instead.
"""

from dataclasses import dataclass

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from imhhv.accounts.access import (
    get_proposal_for_user,
    get_staff_for_user,
    has_statewide_reach,
    may_decide,
    may_manage,
    memberships_visible_to,
    proposals_visible_to,
    staff_visible_to,
)
from imhhv.accounts.models import Membership, MembershipProposal, User
from imhhv.accounts.staff_filters import StaffFilters
from imhhv.agencies.models import Team
from imhhv.audit.services import record

STAFF_PAGE_SIZE = 50


@dataclass
class StaffRecord:
    staff: User
    history: QuerySet[Membership]
    proposals: list[MembershipProposal]
    manageable: bool


def staff_record(user: User, staff_id: int) -> StaffRecord:
    """One person's page: their memberships `user` may read and whether `user` may change
    them (404 and a denial outside scope)."""
    staff = get_staff_for_user(user, staff_id)
    record(action="staff.read", target=staff)
    return StaffRecord(
        staff=staff,
        history=memberships_visible_to(user, staff),
        proposals=list(proposals_visible_to(user).filter(user=staff)[:10]),
        manageable=may_manage(user, staff),
    )


@dataclass
class ProposalRecord:
    proposal: MembershipProposal
    may_decide: bool
    may_withdraw: bool


def proposal_record(user: User, proposal_id: int) -> ProposalRecord:
    proposal = get_proposal_for_user(user, proposal_id)
    record(action="proposal.read", target=proposal, details={"user_id": proposal.user_id})
    return ProposalRecord(
        proposal=proposal,
        may_decide=proposal.is_pending and may_decide(user, proposal),
        may_withdraw=proposal.is_pending and has_statewide_reach(user),
    )


@dataclass
class StaffList:
    page: Page
    pending: int  # proposals waiting for a decision
    filters: StaffFilters


def staff_teams(user: User) -> list[tuple[int, str]]:
    """The teams `user` may filter the staff list by: their agency's, or every team for
    statewide reach (labelled with the agency)."""
    if has_statewide_reach(user):
        teams = Team.objects.select_related("agency").order_by("agency__name", "name")
        return [(t.pk, f"{t.agency.name} / {t.name}") for t in teams]
    if not user.is_authenticated or user.membership is None:
        return []
    teams = Team.objects.filter(agency_id=user.membership.agency_id).order_by("name")
    return [(t.pk, t.name) for t in teams]


def staff_list(
    user: User,
    *,
    filters: StaffFilters | None = None,
    page: int | str | None = None,
    per_page: int = STAFF_PAGE_SIZE,
    strict: bool = False,
    via: str = "page",
) -> StaffList:
    """The staff `user` manages (staff_visible_to), each with their current membership
    here (an agency never sees where a person went next), filtered, one page of them.

    Role, team and status are judged on the current membership at the manager's agency
    (any agency for statewide reach): "active" is an active account with one, "inactive"
    a deactivated account or one without. One `staff.list` event with the ids shown and
    the filters (not the text searched). Queries are constant in the number of staff.
    """
    filters = filters or StaffFilters()
    current = Membership.objects.active().select_related("agency", "team")
    if not has_statewide_reach(user):
        agency_id = user.membership.agency_id if user.membership else None
        current = current.filter(agency_id=agency_id)
    staff = staff_visible_to(user)
    for word in filters.q.split():
        staff = staff.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    if filters.role:
        staff = staff.filter(pk__in=current.filter(role=filters.role).values("user_id"))
    if filters.team is not None:
        staff = staff.filter(pk__in=current.filter(team_id=filters.team).values("user_id"))
    if filters.status == "active":
        staff = staff.filter(is_active=True, pk__in=current.values("user_id"))
    elif filters.status == "inactive":
        staff = staff.exclude(is_active=True, pk__in=current.values("user_id"))
    staff = staff.prefetch_related(
        Prefetch("memberships", queryset=current, to_attr="current_memberships")
    ).order_by("last_name", "username", "pk")
    paginator = Paginator(staff, per_page)
    if strict:
        try:
            shown = paginator.page(page or 1)
        except InvalidPage as error:
            raise Http404("No such page.") from error
    else:
        shown = paginator.get_page(page)
    shown.object_list = list(shown.object_list)
    pending = proposals_visible_to(user).filter(status=MembershipProposal.Status.PENDING).count()
    record(
        action="staff.list",
        object_type="user",
        details={
            "count": len(shown.object_list),
            "ids": [u.pk for u in shown.object_list],
            "page": shown.number,
            "filters": filters.audit(),
            "via": via,
        },
    )
    return StaffList(page=shown, pending=pending, filters=filters)
