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
from imhhv.core.caseload import caseload_capacity
from imhhv.core.roles import Role
from imhhv.core.suppression import suppress_table
from imhhv.families.models import Family, Referral
from imhhv.reference.policy import policy_on


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


def visitor_loads(*, team: Team, cap_per_fte: int | None = None) -> list[VisitorLoad]:
    """Each home visitor on `team` today with their caseload against the FTE cap
    (`cap_per_fte`, by default the policy in force today)."""
    cap = cap_per_fte or policy_on().caseload_cap_per_fte
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


def team_loads(*, agency: Agency, cap_per_fte: int | None = None) -> list[TeamLoad]:
    """Per team of `agency`: home visitors, their active families, capacity (at
    `cap_per_fte`, by default the policy in force today)."""
    cap = cap_per_fte or policy_on().caseload_cap_per_fte
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
    agency: Agency | None  # None on the statewide total row
    teams: int
    home_visitors: int
    families: int | None  # None: suppressed (a small cell, or its complement)
    capacity: int
    waiting: int | None  # None: suppressed (a small cell, or its complement)

    @property
    def open_slots(self) -> int | None:
        # Capacity is shown, so open slots would give a hidden families count back.
        return None if self.families is None else self.capacity - self.families


@dataclass
class StateFigures:
    rows: list[AgencyFigures]
    total: AgencyFigures  # the statewide row: its families and waiting are totals


def state_figures() -> StateFigures:
    """Statewide: one row per agency and the statewide total, in five queries.

    Families and waitlist counts go through `imhhv.core.suppression` as one table with
    its column totals shown: counts of 1..SMALL_CELL_MAX are hidden, and so is the
    smallest other agency's count in that column, so no hidden count can be worked out
    from the statewide total. Teams, home visitors and capacity count staff, not the
    people served, and are shown as they are.
    """
    cap = policy_on().caseload_cap_per_fte
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
    agencies = list(Agency.objects.annotate(team_count=Count("teams")).order_by("name"))
    table = suppress_table(
        [[families.get(a.pk, 0), waiting.get(a.pk, 0)] for a in agencies],
        column_totals=True,
        maximum=settings.SMALL_CELL_MAX,
    )
    rows = []
    for agency, (shown_families, shown_waiting) in zip(agencies, table.cells, strict=True):
        ftes = visitors.get(agency.pk, [])
        rows.append(
            AgencyFigures(
                agency=agency,
                teams=agency.team_count,
                home_visitors=len(ftes),
                families=shown_families,
                capacity=sum(caseload_capacity(f, cap_per_fte=cap) for f in ftes),
                waiting=shown_waiting,
            )
        )
    total_families, total_waiting = table.column_totals or [0, 0]
    total = AgencyFigures(
        agency=None,
        teams=sum(r.teams for r in rows),
        home_visitors=sum(r.home_visitors for r in rows),
        families=total_families,
        capacity=sum(r.capacity for r in rows),
        waiting=total_waiting,
    )
    return StateFigures(rows=rows, total=total)


def agency_figures() -> list[AgencyFigures]:
    """The agency rows of `state_figures()`, suppressed as the statewide page shows them
    (with its total), so every caller hides the same cells."""
    return state_figures().rows
