"""Program settings for the state: policy versions, the risk factor list and holidays."""

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from imhhv.accounts.pages import attempt
from imhhv.accounts.policies import capability, policy
from imhhv.agencies import services
from imhhv.agencies.forms import HolidayForm, PolicyForm, RiskFactorForm
from imhhv.reference.holidays import calendar_between
from imhhv.reference.models import ProgramPolicy, RiskFactor, StateHoliday
from imhhv.reference.policy import policy_on


@policy(capability("manage_policy"))
def program_settings(request: HttpRequest) -> HttpResponse:
    current = policy_on()
    today = timezone.localdate()
    action = request.POST.get("action")
    policy_form = PolicyForm(
        request.POST if action == "policy" else None,
        initial={
            "effective_from": today,
            "age_limit_months": current.age_limit_months,
            "caseload_cap_per_fte": current.caseload_cap_per_fte,
            "transition_planning_months": current.transition_planning_months,
            "waitlist_priority": current.waitlist_priority,
        },
    )
    factor_form = RiskFactorForm(request.POST if action == "risk_factor" else None)
    holiday_form = HolidayForm(request.POST if action == "holiday" else None)
    if action == "policy" and policy_form.is_valid():
        published = attempt(
            policy_form,
            services.publish_policy,
            policy=policy_form.save(commit=False),
            by=request.user,
        )
        if published is not None:
            messages.success(request, "Policy published.")
            return redirect("agencies:settings")
    if action == "risk_factor" and factor_form.is_valid():
        added = attempt(
            factor_form, services.add_risk_factor, **factor_form.cleaned_data, by=request.user
        )
        if added is not None:
            messages.success(request, "Risk factor added.")
            return redirect("agencies:settings")
    if action == "toggle":
        factor = get_object_or_404(RiskFactor, pk=_id(request.POST.get("factor")))
        services.set_risk_factor_active(factor=factor, active=not factor.active, by=request.user)
        return redirect("agencies:settings")
    if action == "holiday" and holiday_form.is_valid():
        added = attempt(
            holiday_form, services.add_state_holiday, **holiday_form.cleaned_data, by=request.user
        )
        if added is not None:
            messages.success(request, f"{added.name} added: notes are not due that day.")
            return redirect("agencies:settings")
    if action == "remove_holiday":
        holiday = get_object_or_404(StateHoliday, pk=_id(request.POST.get("holiday")))
        services.remove_state_holiday(holiday=holiday, by=request.user)
        messages.success(request, f"{holiday.name} removed.")
        return redirect("agencies:settings")
    return render(
        request,
        "agencies/settings.html",
        {
            "current": current,
            "history": ProgramPolicy.objects.select_related("created_by"),
            "policy_form": policy_form,
            "factor_form": factor_form,
            "factors": RiskFactor.objects.all(),
            "holiday_form": holiday_form,
            # This year and next, so December shows January's holidays too.
            "holidays": calendar_between(date(today.year, 1, 1), date(today.year + 1, 12, 31)),
        },
    )


def _id(value: str | None) -> int:
    """A posted row id; anything that is not a plausible id is a 404, never a 500."""
    if value is None or not value.isdigit() or len(value) > 18:
        return 0
    return int(value)
