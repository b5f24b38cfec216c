"""Program settings for the state: policy versions and the risk factor list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from imhhv.accounts.policies import capability, policy
from imhhv.agencies import services
from imhhv.agencies.forms import PolicyForm, RiskFactorForm
from imhhv.agencies.models import ProgramPolicy
from imhhv.agencies.policy import policy_on
from imhhv.families.models import RiskFactor


@policy(capability("manage_policy"))
def program_settings(request: HttpRequest) -> HttpResponse:
    current = policy_on()
    action = request.POST.get("action")
    policy_form = PolicyForm(
        request.POST if action == "policy" else None,
        initial={
            "effective_from": timezone.localdate(),
            "age_limit_months": current.age_limit_months,
            "caseload_cap_per_fte": current.caseload_cap_per_fte,
            "transition_planning_months": current.transition_planning_months,
            "waitlist_priority": current.waitlist_priority,
        },
    )
    factor_form = RiskFactorForm(request.POST if action == "risk_factor" else None)
    if action == "policy" and policy_form.is_valid():
        services.publish_policy(policy=policy_form.save(commit=False), by=request.user)
        messages.success(request, "Policy published.")
        return redirect("agencies:settings")
    if action == "risk_factor" and factor_form.is_valid():
        try:
            services.add_risk_factor(**factor_form.cleaned_data, by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    factor_form.add_error(field, message)
        else:
            messages.success(request, "Risk factor added.")
            return redirect("agencies:settings")
    if action == "toggle":
        factor = get_object_or_404(RiskFactor, pk=request.POST.get("factor"))
        services.set_risk_factor_active(factor=factor, active=not factor.active, by=request.user)
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
        },
    )
