"""Visit pages: my week, team week, documenting, signing and amending a visit, the plan.

Each page parses its input, calls one query or service, and renders. Refusals of the
services (`imhhv.visits.errors`, ValidationError) reach the person through
`imhhv.accounts.pages.attempt` (on the form, with what they typed kept) or, outside a
form, `DomainErrorMiddleware` (a page with the message and the status).

Every page that shows a family's data writes exactly one audit event per request: the
read when the page is rendered (also when a POST re-renders it with errors), or the
write of the service when a POST succeeds and redirects.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from imhhv.accounts.pages import attempt
from imhhv.accounts.policies import capability, policy
from imhhv.audit.services import record
from imhhv.families.access import get_family_for_user
from imhhv.visits import services
from imhhv.visits.access import get_visit_for_user
from imhhv.visits.forms import AmendReasonForm, VisitForm, VisitPlanForm, initial_from
from imhhv.visits.queries import documented_late, my_week, plan_on, team_week, visit_plan_for

# Service field names -> the form fields that show them.
FIELD_OF = {
    "scheduled_at": "visit_date",
    "started_at": "start_time",
    "ended_at": "end_time",
    "strategies": "components",
}


def _day(request: HttpRequest) -> date:
    """?week=YYYY-MM-DD, any day of the week; anything else means this week."""
    try:
        return date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return timezone.localdate()


@policy(capability("document_visits"))
def week(request: HttpRequest) -> HttpResponse:
    summary = my_week(request.user, _day(request))
    return render(
        request,
        "visits/week.html",
        {
            "week": summary,
            "previous": summary.monday - timedelta(days=7),
            "next": summary.monday + timedelta(days=7),
            "days": [summary.monday + timedelta(days=i) for i in range(7)],
            "alerts": summary.alerts,
        },
    )


@policy(capability("supervise"))
def team_week_view(request: HttpRequest) -> HttpResponse:
    summary = team_week(request.user, _day(request))
    return render(
        request,
        "visits/team_week.html",
        {
            "week": summary,
            "previous": summary.monday - timedelta(days=7),
            "next": summary.monday + timedelta(days=7),
        },
    )


@policy(capability("document_visits"))
def visit_new(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_family_for_user(request.user, family_id, write=True, capability="document_visits")
    catalogue = services.current_catalogue()
    form = VisitForm(request.POST or None, family=family, catalogue=catalogue)
    if request.method == "POST" and form.is_valid():
        visit = attempt(
            form,
            services.document_visit,
            fields=FIELD_OF,
            family=family,
            visitor=request.user,
            by=request.user,
            **form.service_kwargs(),
        )
        if visit is not None:
            messages.success(request, "Visit saved. Sign the note when it is final.")
            return redirect("visits:detail", pk=visit.pk)
    record(action="family.read", target=family, details={"view": "new visit"})
    return render(
        request,
        "visits/form.html",
        {"family": family, "form": form, "catalogue": catalogue, "visit": None},
    )


@policy(capability("view_families"))
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk)
    record(action="visit.read", target=visit, details={"family_id": visit.family_id})
    responses = list(visit.strategy_responses.select_related("strategy__component"))
    return render(
        request,
        "visits/detail.html",
        {
            "visit": visit,
            "components": list(visit.components.all()),
            "responses": responses,
            "amendments": list(visit.amendments.select_related("amended_by")),
            "caregivers": list(visit.caregivers_present.all()),
            "children": list(visit.children_present.all()),
            "can_write": request.user.pk == visit.visitor_id
            and request.user.can("document_visits"),
            "late": documented_late(visit, timezone.localdate()),
        },
    )


def _save_visit(visit, *, by, reason: str | None, kwargs: dict, version: int | None):
    """Amend a signed note, or document an unsigned one: the one service for the form."""
    if visit.is_signed:
        services.amend_visit(
            visit=visit,
            by=by,
            reason=reason or "",
            data=kwargs["data"],
            components=kwargs["components"],
            strategies=kwargs["strategies"],
            expected_version=version,
        )
        return "Amendment saved. The note as signed stays in the history."
    services.document_visit(
        family=visit.family,
        visitor=visit.visitor,
        by=by,
        visit=visit,
        expected_version=version,
        **kwargs,
    )
    return "Visit saved."


@policy(capability("document_visits"))
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk, write=True)
    family = visit.family
    form = VisitForm(
        request.POST or None,
        family=family,
        catalogue=visit.catalogue or services.current_catalogue(),
        initial=initial_from(visit),
    )
    reason = AmendReasonForm(request.POST or None) if visit.is_signed else None
    if request.method == "POST" and form.is_valid() and (reason is None or reason.is_valid()):
        done = attempt(
            form,
            _save_visit,
            visit,
            fields=FIELD_OF,
            by=request.user,
            reason=reason.cleaned_data["reason"] if reason is not None else None,
            kwargs=form.service_kwargs(),
            version=form.cleaned_data.get("version"),
        )
        if done is not None:
            messages.success(request, done)
            return redirect("visits:detail", pk=visit.pk)
    record(action="visit.read", target=visit, details={"family_id": family.pk, "view": "edit"})
    return render(
        request,
        "visits/form.html",
        {"family": family, "form": form, "visit": visit, "reason_form": reason},
    )


@require_POST
@policy(capability("document_visits"))
def visit_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign from the visit page. A refusal (discharged, not documented yet, already
    signed) is a DomainError, shown by DomainErrorMiddleware as a page with its message."""
    visit = get_visit_for_user(request.user, pk, write=True)
    services.sign_visit(visit=visit, by=request.user)
    messages.success(request, "Note signed. Later changes are amendments with a reason.")
    return redirect("visits:detail", pk=visit.pk)


@policy(capability("document_visits"))
def visit_plan(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_family_for_user(request.user, family_id, write=True, capability="document_visits")
    current = plan_on(family, timezone.localdate())
    initial = {
        "frequency": current.frequency if current else "weekly",
        "preferred_day": current.preferred_day if current else None,
        "preferred_time": current.preferred_time if current else None,
    }
    form = VisitPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = attempt(
            form, services.set_visit_plan, family=family, by=request.user, **form.cleaned_data
        )
        if plan is not None:
            messages.success(request, "Visit plan saved.")
            return redirect("families:detail", pk=family.pk)
    plan = visit_plan_for(family)
    return render(
        request,
        "visits/plan.html",
        {"family": family, "form": form, "current": plan.current, "history": plan.history},
    )
