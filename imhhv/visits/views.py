"""Visit pages: my week, documenting, signing and amending a visit, the visit plan."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from imhhv.accounts.policies import capability, policy
from imhhv.audit.services import record
from imhhv.families.access import families_visible_to, get_family_for_user
from imhhv.families.services import StaleEdit
from imhhv.visits import services
from imhhv.visits.access import get_visit_for_user, visitors_visible_to
from imhhv.visits.fidelity import disengaged_families
from imhhv.visits.forms import AmendReasonForm, VisitForm, VisitPlanForm, initial_from
from imhhv.visits.queries import documented_late, my_week, plan_on, team_week

# Service field names -> the form fields that show them.
FIELD_OF = {
    "scheduled_at": "visit_date",
    "started_at": "start_time",
    "ended_at": "end_time",
    "strategies": "components",
}


def _show_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = FIELD_OF.get(field, field)
            for message in errors:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return timezone.localdate()


@policy(capability("document_visits"))
def week(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    summary = my_week(
        visitor=request.user,
        families=families_visible_to(request.user).filter(home_visitor=request.user),
        day=day,
    )
    alerts = disengaged_families(visitor=request.user, today=timezone.localdate())
    record(
        action="visit.list",
        object_type="visit",
        details={
            "view": "my week",
            "week": summary.monday.isoformat(),
            "ids": [v.pk for v in summary.scheduled + summary.to_document + summary.to_sign],
        },
    )
    return render(
        request,
        "visits/week.html",
        {
            "week": summary,
            "previous": summary.monday - timedelta(days=7),
            "next": summary.monday + timedelta(days=7),
            "days": [summary.monday + timedelta(days=i) for i in range(7)],
            "alerts": alerts,
        },
    )


@policy(capability("supervise"))
def team_week_view(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    memberships = list(visitors_visible_to(request.user).order_by("user__last_name"))
    summary = team_week(memberships=memberships, day=day)
    record(
        action="visit.list",
        object_type="visit",
        details={
            "view": "team week",
            "week": summary.monday.isoformat(),
            "ids": [v.pk for _, visits, _ in summary.rows for v in visits],
        },
    )
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
        try:
            visit = services.document_visit(
                family=family, visitor=request.user, by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Visit saved. Sign the note when it is final.")
            return redirect("visits:detail", pk=visit.pk)
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
        kwargs = form.service_kwargs()
        try:
            if visit.is_signed:
                services.amend_visit(
                    visit=visit,
                    by=request.user,
                    reason=reason.cleaned_data["reason"],
                    data=kwargs["data"],
                    components=kwargs["components"],
                    strategies=kwargs["strategies"],
                    expected_version=form.cleaned_data.get("version"),
                )
                messages.success(
                    request, "Amendment saved. The note as signed stays in the history."
                )
            else:
                services.document_visit(
                    family=family,
                    visitor=visit.visitor,
                    by=request.user,
                    visit=visit,
                    expected_version=form.cleaned_data.get("version"),
                    **kwargs,
                )
                messages.success(request, "Visit saved.")
        except StaleEdit:
            messages.error(request, StaleEdit.message)
            return redirect("visits:detail", pk=visit.pk)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            return redirect("visits:detail", pk=visit.pk)
    return render(
        request,
        "visits/form.html",
        {"family": family, "form": form, "visit": visit, "reason_form": reason},
    )


@require_POST
@policy(capability("document_visits"))
def visit_sign(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk, write=True)
    try:
        services.sign_visit(visit=visit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
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
        try:
            services.set_visit_plan(family=family, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Visit plan saved.")
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "visits/plan.html",
        {
            "family": family,
            "form": form,
            "current": current,
            "history": family.visit_plans.all(),
        },
    )
