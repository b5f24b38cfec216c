"""Home pages: one per role, each an adapter over `imhhv.reports.home` (the same call as
`GET /api/v1/home/`): call, render. Who sees what and the audit event live there."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imhhv.accounts.policies import PUBLIC, SIGNED_IN, capability, policy
from imhhv.reports.home import home_for, state_agency

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


@policy(PUBLIC)
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without touching PHI."""
    return HttpResponse("ok", content_type="text/plain")
