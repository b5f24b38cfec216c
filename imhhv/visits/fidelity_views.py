"""Fidelity pages: a home visitor's own, the team's (supervisor), the agency's teams
(agency administrator) and every agency without names (state)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from imhhv.accounts.policies import SIGNED_IN, policy
from imhhv.agencies.models import Agency
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.calendar import week_start
from imhhv.core.fidelity import KEY_COMPONENTS
from imhhv.core.roles import Scope
from imhhv.families.models import Family
from imhhv.visits import fidelity
from imhhv.visits.access import teams_visible_to, visitors_visible_to

DEFAULT_WEEKS = 12


def period(request: HttpRequest) -> tuple[date, date]:
    """[start, end] from ?start=&end=, default the last 12 weeks up to today."""
    today = timezone.localdate()
    try:
        end = date.fromisoformat(request.GET["end"]) if request.GET.get("end") else today
        start = (
            date.fromisoformat(request.GET["start"])
            if request.GET.get("start")
            else week_start(end) - timedelta(weeks=DEFAULT_WEEKS - 1)
        )
    except ValueError:
        end, start = today, week_start(today) - timedelta(weeks=DEFAULT_WEEKS - 1)
    if start > end or (end - start).days > 366 * 2:
        end, start = today, week_start(today) - timedelta(weeks=DEFAULT_WEEKS - 1)
    return start, end


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


def _context(request, start, end, **extra) -> dict:
    return {
        "start": start,
        "end": end,
        "components": KEY_COMPONENTS,
        "query": request.GET.urlencode(),
        **extra,
    }


@policy(SIGNED_IN)
def fidelity_team(request: HttpRequest, team_id: int) -> HttpResponse:
    team = teams_visible_to(request.user).filter(pk=team_id).select_related("agency").first()
    if team is None:
        record(
            action="fidelity.read", outcome=Outcome.DENIED, object_type="team", object_id=team_id
        )
        raise Http404("No team found.")
    start, end = period(request)
    today = timezone.localdate()
    members = list(visitors_visible_to(request.user).filter(team=team).order_by("user__last_name"))
    facts = fidelity.read_facts(
        Family.objects.filter(
            agency_id=team.agency_id, assignments__home_visitor__in=[m.user_id for m in members]
        ).distinct(),
        start,
        end,
    )
    by_visitor = fidelity.summaries_by_visitor(
        facts, [m.user_id for m in members], start, end, today=today
    )
    team_summary = fidelity.summaries_by_group(
        facts, {m.user_id: team.pk for m in members}, start, end, today=today
    ).get(team.pk)
    rows = [(m.user.display_name(), m.user_id, by_visitor[m.user_id]) for m in members]
    record(
        action="fidelity.read",
        object_type="team",
        object_id=team.pk,
        details={"start": start.isoformat(), "end": end.isoformat()},
    )
    return render(
        request,
        "visits/fidelity_team.html",
        _context(
            request,
            start,
            end,
            team=team,
            rows=rows,
            total=team_summary,
            trend=fidelity.summaries_trend(
                facts, start, end, visitor_ids=[m.user_id for m in members]
            ),
        ),
    )


@policy(SIGNED_IN)
def fidelity_visitor(request: HttpRequest, user_id: int) -> HttpResponse:
    membership = visitors_visible_to(request.user).filter(user_id=user_id).first()
    if membership is None:
        record(
            action="fidelity.read", outcome=Outcome.DENIED, object_type="user", object_id=user_id
        )
        raise Http404("No home visitor found.")
    start, end = period(request)
    today = timezone.localdate()
    families = Family.objects.filter(assignments__home_visitor_id=user_id).distinct()
    facts = fidelity.read_facts(families, start, end)
    summary = fidelity.summaries_by_visitor(facts, [user_id], start, end, today=today)[user_id]
    per_family = fidelity.family_rows(facts, user_id, start, end, today=today)
    names = dict(families.values_list("pk", "display_name"))
    record(
        action="fidelity.read",
        object_type="user",
        object_id=user_id,
        details={"start": start.isoformat(), "end": end.isoformat(), "family_ids": sorted(names)},
    )
    return render(
        request,
        "visits/fidelity_visitor.html",
        _context(
            request,
            start,
            end,
            visitor=membership.user,
            total=summary,
            rows=[(names.get(fid, f"family {fid}"), fid, s) for fid, s in per_family.items()],
            trend=fidelity.weekly_trend(facts, start, end, visitor_id=user_id),
        ),
    )


@policy(SIGNED_IN)
def fidelity_agency(request: HttpRequest) -> HttpResponse:
    if request.user.scope != Scope.AGENCY or not request.user.can("view_agency_reports"):
        raise PermissionDenied
    agency = request.user.membership.agency
    start, end = period(request)
    today = timezone.localdate()
    teams = list(teams_visible_to(request.user).order_by("name"))
    members = list(visitors_visible_to(request.user))
    facts = fidelity.read_facts(Family.objects.filter(agency=agency), start, end)
    by_team = fidelity.summaries_by_group(
        facts, {m.user_id: m.team_id for m in members}, start, end, today=today
    )
    record(
        action="fidelity.read",
        object_type="agency",
        object_id=agency.pk,
        details={"start": start.isoformat(), "end": end.isoformat()},
    )
    return render(
        request,
        "visits/fidelity_agency.html",
        _context(
            request,
            start,
            end,
            agency=agency,
            rows=[(t.name, t.pk, by_team.get(t.pk)) for t in teams],
            total=fidelity.summary_of_families(facts, start, end, today=today),
            trend=fidelity.weekly_trend(facts, start, end),
        ),
    )


@policy(SIGNED_IN)
def fidelity_state(request: HttpRequest) -> HttpResponse:
    if not request.user.can("view_state_reports"):
        raise PermissionDenied
    start, end = period(request)
    today = timezone.localdate()
    agencies = list(Agency.objects.order_by("name"))
    families = Family.objects.all()
    agency_of = dict(families.values_list("pk", "agency_id"))
    facts = fidelity.read_facts(families, start, end)
    by_agency = fidelity.summaries_by_family_group(facts, agency_of.get, start, end, today=today)
    record(
        action="fidelity.read",
        object_type="state",
        details={"start": start.isoformat(), "end": end.isoformat()},
    )
    return render(
        request,
        "visits/fidelity_state.html",
        _context(
            request,
            start,
            end,
            rows=[(a.name, a.pk, by_agency.get(a.pk)) for a in agencies],
            total=fidelity.summary_of_families(facts, start, end, today=today),
            trend=fidelity.weekly_trend(facts, start, end),
        ),
    )
