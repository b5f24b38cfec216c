"""Home pages: one per role, each an adapter over `imhhv.reports.home` (the same call as
`GET /api/v1/home/`): call, render. Who sees what and the audit event live there.

The supervisor's Monday team board is an adapter over `imhhv.reports.team_board` (the
same call as `GET /api/v1/team-board/`): call, put each row into words, render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imhhv.accounts.policies import PUBLIC, SIGNED_IN, capability, policy
from imhhv.core import workforce as rules
from imhhv.core.calendar import week_start
from imhhv.reports.home import home_for, state_agency
from imhhv.reports.team_board import TeamBoardRow
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


def _line(row: TeamBoardRow) -> dict:
    """One home visitor's row with its statuses in words (the figures are the board's)."""
    rec = row.record
    return {
        "row": row,
        "worst": row.worst,
        "worst_word": rules.STATUS_LABELS[row.worst],
        "missing": [r.reason for r in row.unmet],
        "gated": row.gated,
        "weeks": (rec.weeks_supervised, rec.weeks_counted) if rec.weeks_counted else None,
        "ce": row.ce,
        "ce_word": rules.STATUS_LABELS[row.ce.status] if row.ce else "",
        "coverage": round(row.coverage * 100) if row.coverage is not None else None,
        "over_cap": row.over_cap,
    }


@policy(capability("supervise"))
def team_board(request: HttpRequest) -> HttpResponse:
    """The supervisor's Monday board: one row per home visitor on the team."""
    board = team_board_of(request.user)
    lines = [_line(row) for row in board.rows]
    return render(
        request,
        "reports/team_board.html",
        {
            "board": board,
            "monday": week_start(board.today),
            "lines": lines,
            "summary": board.summary,
        },
    )


@policy(PUBLIC)
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without touching PHI."""
    return HttpResponse("ok", content_type="text/plain")
