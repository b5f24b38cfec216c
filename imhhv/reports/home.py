"""The home page of each role: what to do next, one call per role, one audit event.

`home_for(user)` picks the role's function; the page (`reports.views.home`) and
`GET /api/v1/home/` (`imhhv.api.reports`) call it and only render what it returns, so
they agree by construction. Each function reads through the apps' access functions and
scoped building blocks (never a query by visitor or team id of its own) and writes
exactly one audit event:

- home visitor (`visitor_home`): today's and the rest of this week's visits, generated
  from each family's visit plan (`imhhv.core.visit_plan`) merged with the visits already
  recorded; notes to write and to sign; families not seen for 14 days; disengagement
  alerts. One `family.list` event naming every family and visit shown.
- supervisor (`supervisor_home`): the team's week (visits planned against done per home
  visitor), notes waiting to be signed, alerts, open slots against the FTE cap, families
  not seen. One `family.list` event.
- agency administrator (`agency_home`): the waitlist's length and first places with the
  open slots beside them (`families.queries.waitlist`, which writes the page's one
  `waitlist.read` event), the teams' caseloads, and staff items due (proposals waiting,
  administrator accounts without two-factor, memberships ending soon).
- state administrator and evaluator (`state_home`): the agencies table of
  `reports.queries.state_figures` (small cells suppressed), each figure linking to that
  agency's page (`state_agency`). Counts only; one `report.read` event.

Screenings due and reflective supervision are not listed: those records do not exist yet
(issues 10-11), and the page shows nothing it cannot back with data.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from imhhv.accounts.access import proposals_visible_to, staff_visible_to
from imhhv.accounts.models import Membership, MembershipProposal, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.caseload import caseload_capacity
from imhhv.core.fidelity import Disengagement
from imhhv.core.roles import MFA_REQUIRED_ROLES, Scope
from imhhv.families.access import referrals_visible_to
from imhhv.families.models import Family
from imhhv.families.queries import Waitlist, waitlist
from imhhv.reference.policy import policy_on
from imhhv.reports.queries import (
    AgencyFigures,
    TeamLoad,
    VisitorLoad,
    state_figures,
    team_loads,
    visitor_loads,
)
from imhhv.visits.access import my_caseload, visit_day
from imhhv.visits.models import Visit
from imhhv.visits.queries import (
    MyWeek,
    TeamWeek,
    build_my_week,
    build_team_week,
    not_seen_families,
    notes_waiting,
    team_alerts,
    team_families,
)

WAITLIST_SHOWN = 5
ENDING_WITHIN_DAYS = 30


@dataclass(frozen=True)
class AgendaItem:
    """One line of the home visitor's week: a planned visit not recorded yet (`visit` is
    None: documented with `visits:new?{document_query}`) or a recorded visit."""

    day: date | None  # None: due this week, no day agreed
    at: time | None
    family: Family
    visit: Visit | None = None
    document_query: str = ""

    @property
    def planned(self) -> bool:
        return self.visit is None

    @property
    def to_document(self) -> bool:
        """A recorded visit still only scheduled: its note is written on its edit page."""
        return self.visit is not None and self.visit.outcome == Visit.Outcome.SCHEDULED

    def sort_key(self) -> tuple:
        return (self.day is None, self.day or date.min, self.at or time.min, self.family.pk)


def _agenda(week: MyWeek) -> list[AgendaItem]:
    """The recorded visits of the week (the home visitor's own) and the planned visits no
    recorded visit covers, in order of day and time (undated ones last)."""
    items = [
        AgendaItem(p.day, p.at, p.family, document_query=p.document_query) for p in week.planned
    ]
    for visit in week.scheduled:
        moment = timezone.localtime(visit.started_at or visit.scheduled_at)
        items.append(AgendaItem(visit_day(visit), moment.time(), visit.family, visit))
    return sorted(items, key=AgendaItem.sort_key)


@dataclass
class VisitorHome:
    today: date
    week: MyWeek
    agenda_today: list[AgendaItem]
    agenda_week: list[AgendaItem]  # the other days of this week, and visits with no day
    families: int
    capacity: int
    fte: Decimal
    cap_per_fte: int

    kind = "visitor"

    @property
    def over_cap(self) -> bool:
        return self.families > self.capacity


def visitor_home(user: User, today: date | None = None) -> VisitorHome:
    """The home visitor's day. One `family.list` event."""
    if not user.can("document_visits"):
        _deny("home visitor", "missing capability document_visits")
    today = today or timezone.localdate()
    week = build_my_week(user, today)
    agenda = _agenda(week)
    cap = policy_on(today).caseload_cap_per_fte
    fte = user.membership.fte
    home = VisitorHome(
        today=today,
        week=week,
        agenda_today=[i for i in agenda if i.day == today],
        agenda_week=[i for i in agenda if i.day != today],
        families=my_caseload(user).active().count(),
        capacity=caseload_capacity(fte, cap_per_fte=cap),
        fte=fte,
        cap_per_fte=cap,
    )
    record(
        action="family.list",
        object_type="family",
        details={
            "view": "home",
            "week": week.monday.isoformat(),
            "ids": week.family_ids(),
            "visit_ids": week.visit_ids(),
        },
    )
    return home


@dataclass
class SupervisorHome:
    today: date
    week: TeamWeek
    notes: list[Visit]  # the oldest notes waiting for a signature
    notes_total: int
    alerts: list[tuple[Family, Disengagement]]
    not_seen: list[tuple[Family, date | None]]
    loads: list[VisitorLoad]
    cap_per_fte: int

    kind = "supervisor"

    @property
    def families(self) -> int:
        return sum(v.families for v in self.loads)

    @property
    def capacity(self) -> int:
        return sum(v.capacity for v in self.loads)

    @property
    def open_slots(self) -> int:
        return sum(max(0, v.open_slots) for v in self.loads)

    @property
    def planned_total(self) -> int:
        return sum(self.week.planned_counts.values())

    @property
    def done_total(self) -> int:
        return sum(self.week.done.values())


def supervisor_home(user: User, today: date | None = None) -> SupervisorHome:
    """The supervisor's team this week. One `family.list` event."""
    if not user.can("supervise"):
        _deny("supervisor", "missing capability supervise")
    today = today or timezone.localdate()
    week = build_team_week(user, today)
    ids = [person.pk for person, _, _ in week.rows]
    families = team_families(user, ids)
    cap = policy_on(today).caseload_cap_per_fte
    home = SupervisorHome(
        today=today,
        week=week,
        notes=notes_waiting(user, ids),
        notes_total=sum(unsigned for _, _, unsigned in week.rows),
        alerts=team_alerts(user, families),
        not_seen=not_seen_families(families, timezone.now()),
        loads=visitor_loads(team=user.membership.team, cap_per_fte=cap),
        cap_per_fte=cap,
    )
    named = (
        set(week.family_ids())
        | {v.family_id for v in home.notes}
        | {f.pk for f, _ in home.alerts}
        | {f.pk for f, _ in home.not_seen}
    )
    record(
        action="family.list",
        object_type="family",
        details={
            "view": "home",
            "week": week.monday.isoformat(),
            "ids": sorted(named),
            "visit_ids": sorted(set(week.visit_ids()) | {v.pk for v in home.notes}),
        },
    )
    return home


@dataclass
class StaffItems:
    """What the agency's staff records need: proposals to decide, administrator accounts
    without two-factor sign-in, memberships ending within ENDING_WITHIN_DAYS days."""

    proposals: list[MembershipProposal]
    without_two_factor: list[User]
    ending: list[Membership]

    @property
    def count(self) -> int:
        return len(self.proposals) + len(self.without_two_factor) + len(self.ending)


@dataclass
class AgencyHome:
    today: date
    waitlist: Waitlist  # its first WAITLIST_SHOWN places, and capacity per home visitor
    waiting: int  # every waiting referral
    teams: list[TeamLoad]
    staff: StaffItems
    cap_per_fte: int

    kind = "agency"

    @property
    def open_slots(self) -> int:
        return sum(max(0, c.open_slots) for c in self.waitlist.capacity)

    @property
    def over_cap(self) -> list:
        return [c for c in self.waitlist.capacity if c.open_slots < 0]

    @property
    def families(self) -> int:
        return sum(t.families for t in self.teams)

    @property
    def capacity(self) -> int:
        return sum(t.capacity for t in self.teams)


def _staff_items(user: User, agency_id: int, today: date) -> StaffItems:
    """Three queries, each over the staff `user` may read (`staff_visible_to`)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not user.can("manage_staff"):
        return StaffItems([], [], [])
    staff = staff_visible_to(user).values("pk")
    proposals = list(
        proposals_visible_to(user)
        .filter(status=MembershipProposal.Status.PENDING, agency_id=agency_id)
        .order_by("pk")
    )
    confirmed = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    without = [
        m.user
        for m in Membership.objects.active()
        .filter(agency_id=agency_id, role__in=list(MFA_REQUIRED_ROLES), user__in=staff)
        .filter(user__is_active=True)
        .exclude(user__in=confirmed)
        .select_related("user")
        .order_by("user__last_name", "user_id")
    ]
    ending = list(
        Membership.objects.active()
        .filter(
            agency_id=agency_id,
            user__in=staff,
            end_date__gte=today,
            end_date__lte=today + timedelta(days=ENDING_WITHIN_DAYS),
        )
        .select_related("user", "team")
        .order_by("end_date", "user__last_name")
    )
    return StaffItems(proposals, without, ending)


def agency_home(user: User, today: date | None = None) -> AgencyHome:
    """The agency administrator's agency. Its one event is the waitlist's read
    (`families.queries.waitlist`, via "home")."""
    if user.scope != Scope.AGENCY or not user.can("manage_intake"):
        _deny("agency", "not an agency role with manage_intake")
    today = today or timezone.localdate()
    agency = user.membership.agency
    cap = policy_on(today).caseload_cap_per_fte
    teams = team_loads(agency=agency, cap_per_fte=cap)
    staff = _staff_items(user, agency.pk, today)
    waiting = referrals_visible_to(user).waiting().count()
    first = waitlist(user, via="home", limit=WAITLIST_SHOWN)
    return AgencyHome(today, first, waiting, teams, staff, cap)


@dataclass
class StateHome:
    rows: list[AgencyFigures]
    total: AgencyFigures
    small_cell_max: int

    kind = "state"


def state_home(user: User) -> StateHome:
    """Every agency's counts, small cells suppressed. One `report.read` event."""
    if not user.can("view_state_reports"):
        _deny("state", "missing capability view_state_reports")
    figures = state_figures()
    record(
        action="report.read",
        object_type="state",
        details={"view": "home", "agencies": len(figures.rows)},
    )
    return StateHome(figures.rows, figures.total, settings.SMALL_CELL_MAX)


@dataclass
class StateAgency:
    figures: AgencyFigures  # the agency's row, suppressed as on the statewide table
    teams: list[TeamLoad]  # staff figures only (no families per team outside the agency)
    small_cell_max: int
    cap_per_fte: int


def state_agency(user: User, agency_id: int) -> StateAgency:
    """One agency as the state sees it: its row of the statewide table (the same cells
    hidden: the suppression needs the whole table) and its teams' staff and capacity.
    A missing agency is a 404, a role without view_state_reports a 403 (both audited).
    One `report.read` event."""
    if not user.can("view_state_reports"):
        _deny("agency", "missing capability view_state_reports", object_id=agency_id)
    figures = state_figures()
    row = next((r for r in figures.rows if r.agency.pk == agency_id), None)
    if row is None:
        record(
            action="report.read",
            outcome=Outcome.DENIED,
            object_type="agency",
            object_id=agency_id,
            details={"reason": "not found"},
        )
        raise Http404("No such agency.")
    cap = policy_on().caseload_cap_per_fte
    teams = team_loads(agency=row.agency, cap_per_fte=cap)
    record(action="report.read", target=row.agency, details={"view": "state agency"})
    return StateAgency(row, teams, settings.SMALL_CELL_MAX, cap)


@dataclass
class NoRoleHome:
    kind = "none"
    reason: str = field(default="no active role")


def home_for(user: User, today: date | None = None):
    """The home of `user`'s role (the page and the API call this)."""
    if user.membership is None:
        return NoRoleHome()
    if user.can("view_state_reports"):
        return state_home(user)
    if user.scope == Scope.CASELOAD:
        return visitor_home(user, today)
    if user.scope == Scope.TEAM:
        return supervisor_home(user, today)
    if user.scope == Scope.AGENCY:
        return agency_home(user, today)
    return NoRoleHome()


def _deny(view: str, reason: str, object_id="") -> None:
    record(
        action="report.read",
        outcome=Outcome.DENIED,
        object_type="home",
        object_id=object_id,
        details={"view": view, "reason": reason},
    )
    raise PermissionDenied
