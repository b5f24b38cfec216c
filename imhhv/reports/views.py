"""Home pages: one per role, each an adapter over `imhhv.reports.home` (the same call as
`GET /api/v1/home/`): call, render. Who sees what and the audit event live there.

The supervisor's Monday team board is an adapter over `imhhv.reports.team_board` (the
same call as `GET /api/v1/team-board/`): call, put each row into words, render."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imhhv.accounts.policies import PUBLIC, SIGNED_IN, capability, policy
from imhhv.core import workforce as rules
from imhhv.core.calendar import week_start
from imhhv.reports.home import home_for, state_agency
from imhhv.reports.team_board import TeamBoard, TeamBoardRow
from imhhv.reports.team_board import team_board as team_board_of

TEMPLATES = {
    "visitor": "reports/home_visitor.html",
    "supervisor": "reports/home_supervisor.html",
    "agency": "reports/home_agency.html",
    "state": "reports/home_state.html",
    "none": "reports/home_no_role.html",
}


@policy(SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    page = home_for(request.user)
    return render(
        request,
        TEMPLATES[page.kind],
        {"home": page, "membership": request.user.membership},
    )


@policy(capability("view_state_reports"))
def agency(request: HttpRequest, agency_id: int) -> HttpResponse:
    """One agency's figures as the state sees them (the drill-down of the state home)."""
    return render(
        request, "reports/state_agency.html", {"page": state_agency(request.user, agency_id)}
    )


STATUS_WORDS = {rules.MET: "Met", rules.DUE_SOON: "Due soon", rules.NOT_MET: "Not met"}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _weeks(board: TeamBoard, row: TeamBoardRow) -> tuple[int, int] | None:
    """(weeks with a session, weeks counted) over the board's last full weeks, weeks on
    leave left out: the share the board returns, as the two counts a supervisor reads."""
    share = row.record.share
    if share is None:
        return None
    monday = week_start(board.today)
    weeks = [monday - timedelta(weeks=n) for n in range(1, board.share_weeks + 1)]
    counted = sum(1 for w in weeks if w not in row.record.leave_weeks)
    return int(share * counted), counted


def _line(board: TeamBoard, row: TeamBoardRow) -> dict:
    """One home visitor's row in words: qualifications (the worst status and what is not
    met), supervision, CE pace, caseload and the fidelity headline."""
    rec = row.record
    others = [r for r in rec.requirements if r.name != rules.CONTINUING_EDUCATION]
    # Not met first, then due soon; CE has its own column. The gate for a new family is
    # one tag: its reasons are the endorsement's and the self-assessment's, listed here.
    unmet = sorted(
        (r for r in others if r.status != rules.MET), key=lambda r: rules.status_rank(r.status)
    )
    worst = rules.worst(r.status for r in others)
    return {
        "row": row,
        "worst": worst,
        "worst_word": STATUS_WORDS[worst],
        "missing": [r.reason for r in unmet],
        "gated": rec.carry is not None and not rec.carry[0],
        "weeks": _weeks(board, row),
        "ce": row.ce,
        "ce_word": STATUS_WORDS[row.ce.status] if row.ce else "",
        "coverage": round(row.coverage * 100) if row.coverage is not None else None,
        "over_cap": row.load is not None and row.load.open_slots < 0,
    }


def _summary(board: TeamBoard, lines: list[dict]) -> list[str]:
    """The board's first line: what needs acting on this week, counted."""
    parts = []
    if n := len(board.not_supervised_this_week):
        parts.append(_plural(n, "home visitor", "home visitors") + " not yet supervised this week")
    licenses = [r.record.status_of(rules.LICENSE) for r in board.rows]
    if n := licenses.count(rules.DUE_SOON):
        parts.append(_plural(n, "license renewal", "license renewals") + " due")
    if n := licenses.count(rules.NOT_MET):
        parts.append(_plural(n, "home visitor", "home visitors") + " without a valid license")
    if n := sum(1 for r in board.rows if r.record.carry is not None and not r.record.carry[0]):
        parts.append(
            _plural(n, "home visitor", "home visitors")
            + " who may not take a new family without an override"
        )
    if n := sum(1 for line in lines if line["ce"] and line["ce"].status != rules.MET):
        parts.append(
            _plural(n, "home visitor", "home visitors") + " behind on continuing education"
        )
    if n := sum(1 for line in lines if line["over_cap"]):
        parts.append(_plural(n, "caseload", "caseloads") + " over the cap")
    return parts


@policy(capability("supervise"))
def team_board(request: HttpRequest) -> HttpResponse:
    """The supervisor's Monday board: one row per home visitor on the team."""
    board = team_board_of(request.user)
    lines = [_line(board, row) for row in board.rows]
    return render(
        request,
        "reports/team_board.html",
        {
            "board": board,
            "monday": week_start(board.today),
            "lines": lines,
            "summary": _summary(board, lines),
        },
    )


@policy(PUBLIC)
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without touching PHI."""
    return HttpResponse("ok", content_type="text/plain")
