"""Fidelity pages: a home visitor's own, the team's (supervisor), the agency's teams
(agency administrator) and every agency without names (state).

Each page is an adapter over `imhhv.visits.fidelity.fidelity_report`, the same call as
`GET /api/v1/fidelity/`: it parses the period, calls, renders. Who may see which unit,
the period limit and the audit event all live in that call.

A period that cannot be read (not a date, ends before it starts, longer than two years)
is never reset silently: the form keeps what was typed and shows each message on its
field (From or To), a summary above the figures links to the fields and says that the
figures are those of the default period instead (the last 12 weeks that are over), so
the page stays useful and says what was wrong. The API answers the same period with a
400 and the same field errors (`imhhv/api/fidelity.py`).

Beside the figures, each page shows the report's staff columns (DOMAIN §4): a home
visitor's weeks with reflective supervision and qualification, a team's, agency's or the
state's "n of m home visitors" supervised weekly and qualified (suppressed for the state).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from imhhv.accounts.policies import SIGNED_IN, policy
from imhhv.core.fidelity import KEY_COMPONENTS
from imhhv.core.roles import Scope
from imhhv.core.workforce import DEFAULT_POLICY
from imhhv.visits.fidelity import (
    FidelityReport,
    Period,
    default_period,
    fidelity_report,
    parse_period,
)

PERIOD_FIELDS = {"start": "From", "end": "To"}


def _period(request: HttpRequest) -> tuple[Period, dict[str, list[str]]]:
    """The period asked for, or the default one and the field errors saying why not."""
    today = timezone.localdate()
    try:
        return parse_period(request.GET, today=today), {}
    except ValidationError as error:
        return default_period(today), error.message_dict


@policy(SIGNED_IN)
def fidelity_home(request: HttpRequest) -> HttpResponse:
    """Send each role to its fidelity page."""
    user = request.user
    if user.can("view_state_reports"):
        return redirect("visits:fidelity_state")
    if user.scope == Scope.AGENCY:
        return redirect("visits:fidelity_agency")
    if user.scope == Scope.TEAM:
        return redirect("visits:fidelity_team", team_id=user.membership.team_id)
    if user.scope == Scope.CASELOAD:
        return redirect("visits:fidelity_visitor", user_id=user.pk)
    raise PermissionDenied


def _render(
    request: HttpRequest,
    template: str,
    report: FidelityReport,
    errors: dict[str, list[str]],
    **extra,
) -> HttpResponse:
    if errors:  # what was typed stays in the form, beside its message
        typed = {name: request.GET.get(name, "") for name in PERIOD_FIELDS}
    else:
        typed = {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()}
    return render(
        request,
        template,
        {
            "report": report,
            "start": report.period.start,
            "end": report.period.end,
            "period_errors": errors,
            "period_problems": [
                (name if name in PERIOD_FIELDS else "", PERIOD_FIELDS.get(name, ""), message)
                for name, messages in errors.items()
                for message in messages
            ],
            "typed": typed,
            "this_week": report.this_week,
            "alerts": report.alerts,
            "adds_up": report.adds_up,
            "total": report.total,
            "rows": [(r.unit.name, r.unit.id, r.summary) for r in report.rows],
            # The same rows with their staff figures (supervised weekly, qualified staff).
            "table_rows": [(r.unit.name, r.unit.id, r.summary, r.staff) for r in report.rows],
            "staff": report.staff,
            "supervised_target": DEFAULT_POLICY.supervised_weekly_target,
            "trend": report.trend,
            "components": KEY_COMPONENTS,
            "query": request.GET.urlencode(),
            **extra,
        },
    )


@policy(SIGNED_IN)
def fidelity_team(request: HttpRequest, team_id: int) -> HttpResponse:
    period, problems = _period(request)
    report = fidelity_report(request.user, level="team", unit_id=team_id, period=period)
    return _render(request, "visits/fidelity_team.html", report, problems, team=report.unit)


@policy(SIGNED_IN)
def fidelity_visitor(request: HttpRequest, user_id: int) -> HttpResponse:
    period, problems = _period(request)
    report = fidelity_report(request.user, level="visitor", unit_id=user_id, period=period)
    return _render(request, "visits/fidelity_visitor.html", report, problems, visitor=report.unit)


@policy(SIGNED_IN)
def fidelity_agency(request: HttpRequest) -> HttpResponse:
    """The agency administrator's own agency (the state has the statewide page)."""
    if request.user.can("view_state_reports"):
        return redirect("visits:fidelity_state")
    period, problems = _period(request)
    membership = request.user.membership
    unit_id = membership.agency_id if membership is not None else 0
    report = fidelity_report(request.user, level="agency", unit_id=unit_id, period=period)
    return _render(request, "visits/fidelity_agency.html", report, problems, agency=report.unit)


@policy(SIGNED_IN)
def fidelity_state(request: HttpRequest) -> HttpResponse:
    period, problems = _period(request)
    report = fidelity_report(request.user, level="state", period=period)
    return _render(
        request,
        "visits/fidelity_state.html",
        report,
        problems,
        total_row=report.total,
        total_label="All agencies",
    )
