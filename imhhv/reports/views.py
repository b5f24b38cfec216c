"""Home pages: one per role, real figures only."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from imhhv.accounts.policies import PUBLIC, SIGNED_IN, policy
from imhhv.audit.services import record
from imhhv.core.caseload import caseload_capacity
from imhhv.core.roles import Scope
from imhhv.families.access import families_visible_to
from imhhv.families.chart import is_expecting, youngest_age_months
from imhhv.reference.policy import policy_on
from imhhv.reports import queries


@policy(SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    membership = user.membership
    context = {"membership": membership}
    if membership is None:
        return render(request, "reports/home_no_role.html", context)
    # The cap of the policy in force today (DOMAIN.md: 12-15 per FTE, a state setting).
    cap = policy_on().caseload_cap_per_fte
    context["cap_per_fte"] = cap
    if user.scope == Scope.CASELOAD:
        today = timezone.localdate()
        families = list(families_visible_to(user).active().prefetch_related("children"))
        record(
            action="family.list",
            object_type="family",
            details={"count": len(families), "ids": [f.pk for f in families], "view": "home"},
        )
        context.update(
            families=[(f, youngest_age_months(f, today), is_expecting(f)) for f in families],
            capacity=caseload_capacity(membership.fte, cap_per_fte=cap),
        )
        return render(request, "reports/home_visitor.html", context)
    if user.scope == Scope.TEAM:
        loads = queries.visitor_loads(team=membership.team, cap_per_fte=cap)
        context.update(
            loads=loads,
            total=sum(v.families for v in loads),
            capacity=sum(v.capacity for v in loads),
        )
        return render(request, "reports/home_supervisor.html", context)
    if user.scope == Scope.AGENCY:
        teams = queries.team_loads(agency=membership.agency, cap_per_fte=cap)
        context.update(
            teams=teams,
            total=sum(t.families for t in teams),
            capacity=sum(t.capacity for t in teams),
        )
        return render(request, "reports/home_agency.html", context)
    figures = queries.state_figures()
    context.update(rows=figures.rows, total=figures.total, small_cell_max=settings.SMALL_CELL_MAX)
    return render(request, "reports/home_state.html", context)


@policy(PUBLIC)
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without touching PHI."""
    return HttpResponse("ok", content_type="text/plain")
