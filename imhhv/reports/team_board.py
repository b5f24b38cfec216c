"""The supervisor's Monday team board: one row per home visitor on the team, one call.

What a supervisor needs on Monday morning in one screen (issue 10, part 4): each home
visitor's qualifications (every requirement's status, the worst first, what is due and
when), reflective supervision last week (a missed week is the first thing a row needs),
this week so far and over the last 12 weeks (weeks fully on leave left out), the
continuing-education pace, the caseload against the FTE cap and the fidelity headline
(the share of family-weeks with a completed visit over the last four full weeks, from
the week facts).

`team_board(user)` is the one use case: the page (`reports.views.team_board`) and
`GET /api/v1/team-board/` render what it returns. It reads through the apps' scoped
building blocks (`workforce.access.team_memberships_for`, `workforce.queries.board_rows`,
`reports.queries.visitor_loads`, `visits.access.fidelity_facts`) in a fixed number of
queries whatever the team's size, and writes one `workforce.team_board.read` event.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core import workforce as rules
from imhhv.core.calendar import week_start
from imhhv.reference.policy import policy_on
from imhhv.reports.queries import VisitorLoad, visitor_loads
from imhhv.visits.access import fidelity_facts
from imhhv.visits.models import VisitorWeekTotals
from imhhv.workforce.access import team_memberships_for
from imhhv.workforce.queries import BoardRow, board_rows
from imhhv.workforce.queries.facts import SHARE_WEEKS

FIDELITY_WEEKS = 4


@dataclass
class TeamBoardRow:
    board: BoardRow
    load: VisitorLoad | None
    covered: int  # family-weeks with a completed visit, last FIDELITY_WEEKS full weeks
    expected: int  # family-weeks enrolled in those weeks

    @property
    def staff(self) -> User:
        return self.board.staff

    @property
    def record(self):
        return self.board.record

    @property
    def coverage(self) -> float | None:
        return self.covered / self.expected if self.expected else None

    @property
    def needs(self) -> list[str]:
        """What the supervisor should act on, in words, most urgent first."""
        rec = self.record
        out = []
        if rec.last_week is False:
            out.append("No reflective supervision last week")
        if rec.carry is not None and not rec.carry[0]:
            out.extend(rec.carry[1])
        out.extend(
            r.reason for r in rec.requirements if r.status != rules.MET and r.reason not in out
        )
        return out

    @property
    def unmet(self) -> list[rules.Requirement]:
        """Requirements not met, then due soon (CE aside: it has its own column)."""
        others = [r for r in self.record.requirements if r.name != rules.CONTINUING_EDUCATION]
        return sorted(
            (r for r in others if r.status != rules.MET),
            key=lambda r: rules.status_rank(r.status),
        )

    @property
    def worst(self) -> str:
        """The worst status of the qualifications (CE aside)."""
        return rules.worst(
            r.status for r in self.record.requirements if r.name != rules.CONTINUING_EDUCATION
        )

    @property
    def gated(self) -> bool:
        """A new family needs a supervisor's override (`may_carry_families`)."""
        return self.record.carry is not None and not self.record.carry[0]

    @property
    def over_cap(self) -> bool:
        return self.load is not None and self.load.open_slots < 0

    @property
    def ce(self) -> rules.Requirement | None:
        return next(
            (r for r in self.record.requirements if r.name == rules.CONTINUING_EDUCATION), None
        )


@dataclass
class TeamBoard:
    today: date
    team_name: str
    rows: list[TeamBoardRow]
    share_weeks: int = SHARE_WEEKS
    fidelity_weeks: int = FIDELITY_WEEKS

    @property
    def not_supervised_this_week(self) -> list[TeamBoardRow]:
        """Not yet this week (on Monday morning, usually everyone: shown, not alarmed)."""
        return [r for r in self.rows if r.record.this_week is False]

    @property
    def missed_last_week(self) -> list[TeamBoardRow]:
        """The week just over passed without a session (weeks on leave aside)."""
        return [r for r in self.rows if r.record.last_week is False]

    @property
    def attention(self) -> int:
        return sum(1 for r in self.rows if r.needs)

    @property
    def summary(self) -> list[str]:
        """The board's first line: what needs acting on this week, counted (the page and
        the API show the same words)."""
        parts = []
        licenses = [r.record.status_of(rules.LICENSE) for r in self.rows]
        counts = (
            (
                len(self.missed_last_week),
                "home visitor",
                " missed reflective supervision last week",
            ),
            (len(self.not_supervised_this_week), "home visitor", " not yet supervised this week"),
            (licenses.count(rules.DUE_SOON), "license renewal", " due"),
            (licenses.count(rules.NOT_MET), "home visitor", " without a valid license"),
            (
                sum(1 for r in self.rows if r.gated),
                "home visitor",
                " who may not take a new family without an override",
            ),
            (
                sum(1 for r in self.rows if r.ce and r.ce.status != rules.MET),
                "home visitor",
                " behind on continuing education",
            ),
            (sum(1 for r in self.rows if r.over_cap), "caseload", " over the cap"),
        )
        for n, noun, rest in counts:
            if n:
                parts.append(f"{n} {noun if n == 1 else noun + 's'}{rest}")
        return parts


def team_board(user: User, today: date | None = None) -> TeamBoard:
    """The board of the team `user` supervises (403 without `supervise` or a team)."""
    membership = user.membership if user.is_authenticated else None
    if (
        not user.is_authenticated
        or not user.can("supervise")
        or membership is None
        or (membership.team_id is None)
    ):
        record(
            action="workforce.team_board.read",
            outcome=Outcome.DENIED,
            object_type="team",
            details={"reason": "not a supervisor of a team"},
        )
        raise PermissionDenied("Only a team's supervisor sees its board.")
    today = today or timezone.localdate()
    memberships = list(team_memberships_for(user).order_by("user__last_name", "user__first_name"))
    rows = board_rows(memberships, today)
    ids = [r.staff.pk for r in rows]
    loads = {
        load.user_id: load
        for load in visitor_loads(
            team=membership.team, cap_per_fte=policy_on(today).caseload_cap_per_fte
        )
    }
    last = week_start(today) - timedelta(weeks=1)
    first = last - timedelta(weeks=FIDELITY_WEEKS - 1)
    coverage = {
        row["visitor_id"]: (row["covered"] or 0, row["expected"] or 0)
        for row in fidelity_facts(user, VisitorWeekTotals)
        .filter(visitor_id__in=ids, week__range=(first, last))
        .values("visitor_id")
        .annotate(covered=Sum("covered"), expected=Sum("expected"))
        .order_by()
    }
    board = TeamBoard(
        today,
        membership.team.name,
        [TeamBoardRow(r, loads.get(r.staff.pk), *coverage.get(r.staff.pk, (0, 0))) for r in rows],
    )
    record(
        action="workforce.team_board.read",
        object_type="team",
        object_id=membership.team_id,
        details={"staff": ids},
    )
    return board
