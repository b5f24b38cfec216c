"""Aggregate figures for home pages. Counts only: no names of families leave here.

"Families" means active families (an open enrollment episode); caps come from the
program policy in effect today.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count

from imhhv.accounts.models import Membership
from imhhv.agencies.models import Agency, Team
from imhhv.agencies.policy import policy_on
from imhhv.core.aggregates import suppress_small
from imhhv.core.caseload import caseload_capacity
from imhhv.core.roles import Role
from imhhv.families.models import Family, Referral


def _active_counts(agency_id: int) -> dict[int, int]:
    """Active families per home visitor at one agency."""
    return dict(
        Family.objects.active()
        .filter(agency_id=agency_id)
        .values_list("home_visitor")
        .annotate(n=Count("pk"))
        .order_by()
    )


@dataclass
class VisitorLoad:
    user_id: int
    name: str
    fte: Decimal
    families: int
    capacity: int

    @property
    def open_slots(self) -> int:
        return self.capacity - self.families


def visitor_loads(*, team: Team) -> list[VisitorLoad]:
    """Each home visitor on `team` today with their caseload against the FTE cap."""
    cap = policy_on().caseload_cap_per_fte
    counts = _active_counts(team.agency_id)
    memberships = (
        Membership.objects.active()
        .filter(team=team, role=Role.HOME_VISITOR)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    return [
        VisitorLoad(
            m.user_id,
            m.user.display_name(),
            m.fte,
            counts.get(m.user_id, 0),
            caseload_capacity(m.fte, cap_per_fte=cap),
        )
        for m in memberships
    ]


@dataclass
class TeamLoad:
    team: Team
    supervisor: str
    home_visitors: int
    families: int
    capacity: int

    @property
    def open_slots(self) -> int:
        return self.capacity - self.families


def team_loads(*, agency: Agency) -> list[TeamLoad]:
    """Per team of `agency`: home visitors, their active families, capacity."""
    cap = policy_on().caseload_cap_per_fte
    counts = _active_counts(agency.pk)
    memberships = list(
        Membership.objects.active()
        .filter(agency=agency, role__in=[Role.HOME_VISITOR, Role.SUPERVISOR])
        .select_related("user")
    )
    rows = []
    for team in Team.objects.filter(agency=agency).order_by("name"):
        members = [m for m in memberships if m.team_id == team.pk]
        visitors = [m for m in members if m.role == Role.HOME_VISITOR]
        supervisors = [m.user.display_name() for m in members if m.role == Role.SUPERVISOR]
        rows.append(
            TeamLoad(
                team=team,
                supervisor=", ".join(supervisors) or "none assigned",
                home_visitors=len(visitors),
                families=sum(counts.get(m.user_id, 0) for m in visitors),
                capacity=sum(caseload_capacity(m.fte, cap_per_fte=cap) for m in visitors),
            )
        )
    return rows


@dataclass
class AgencyFigures:
    agency: Agency
    teams: int
    home_visitors: int
    families: int | None  # None: a small cell, suppressed
    capacity: int
    waiting: int | None  # None: a small cell, suppressed

    @property
    def open_slots(self) -> int | None:
        return None if self.families is None else self.capacity - self.families


def agency_figures() -> list[AgencyFigures]:
    """Statewide: one row per agency; counts of 1..10 families are suppressed."""
    cap = policy_on().caseload_cap_per_fte
    small = settings.SMALL_CELL_MAX
    families = dict(
        Family.objects.active().values_list("agency").annotate(n=Count("pk")).order_by()
    )
    waiting = dict(
        Referral.objects.waiting().values_list("agency").annotate(n=Count("pk")).order_by()
    )
    visitors: dict[int, list[Decimal]] = {}
    for agency_id, fte in (
        Membership.objects.active().filter(role=Role.HOME_VISITOR).values_list("agency_id", "fte")
    ):
        visitors.setdefault(agency_id, []).append(fte)
    rows = []
    for agency in Agency.objects.annotate(team_count=Count("teams")).order_by("name"):
        ftes = visitors.get(agency.pk, [])
        rows.append(
            AgencyFigures(
                agency=agency,
                teams=agency.team_count,
                home_visitors=len(ftes),
                families=suppress_small(families.get(agency.pk, 0), maximum=small),
                capacity=sum(caseload_capacity(f, cap_per_fte=cap) for f in ftes),
                waiting=suppress_small(waiting.get(agency.pk, 0), maximum=small),
            )
        )
    return rows
