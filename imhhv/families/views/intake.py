"""Intake pages: referrals, eligibility screening, the waitlist, capacity and enrollment."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from imhhv.accounts.policies import capability, policy
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.families import forms, services
from imhhv.families.access import families_visible_to, get_referral_for_user, referrals_visible_to
from imhhv.families.models import Caregiver, Referral
from imhhv.families.queries import agency_capacity, ranked_waitlist
from imhhv.families.views.family import apply_errors

PAGE_SIZE = 50


@policy(capability("manage_intake"))
def referral_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    referrals = referrals_visible_to(request.user).prefetch_related("caregivers")
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        action="referral.list",
        object_type="referral",
        details={
            "count": len(page.object_list),
            "ids": [r.pk for r in page.object_list],
            "status": status,
        },
    )
    return render(
        request,
        "families/referral_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Referral.Status.choices,
            "query": f"status={status}",
        },
    )


@policy(capability("manage_intake"))
def referral_new(request: HttpRequest) -> HttpResponse:
    post = request.POST or None
    form = forms.ReferralForm(post)
    caregivers = forms.CaregiverFormSet(post, prefix="caregiver")
    children = forms.ReferralChildFormSet(post, prefix="child")
    confirm = forms.DuplicateConfirmForm(post)
    duplicates = None
    if request.method == "POST" and all(
        f.is_valid() for f in (form, caregivers, children, confirm)
    ):
        agency = request.user.membership.agency
        people = caregivers.filled()
        duplicates = services.find_possible_duplicates(
            agency=agency, caregivers=people, medicaid_ids=[form.cleaned_data["medicaid_id"]]
        )
        if duplicates and not confirm.cleaned_data["not_a_duplicate"]:
            record(
                action="referral.duplicate_check",
                object_type="referral",
                details={
                    "referral_ids": [r.pk for r in duplicates.referrals],
                    "family_ids": [f.pk for f in duplicates.families],
                },
            )
            visible = set(
                families_visible_to(request.user)
                .filter(pk__in=[f.pk for f in duplicates.families])
                .values_list("pk", flat=True)
            )
            return render(
                request,
                "families/referral_new.html",
                {
                    "form": form,
                    "caregivers": caregivers,
                    "children": children,
                    "confirm": confirm,
                    "duplicates": duplicates,
                    "visible_family_ids": visible,
                },
            )
        try:
            referral = services.create_referral(
                agency=agency,
                by=request.user,
                data=form.referral_data(),
                caregivers=people,
                children=children.filled(),
                risk_factor_codes=form.risk_factor_codes(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Referral saved. Screen it for eligibility next.")
            return redirect("families:referral", pk=referral.pk)
    return render(
        request,
        "families/referral_new.html",
        {
            "form": form,
            "caregivers": caregivers,
            "children": children,
            "confirm": confirm,
            "duplicates": None,
        },
    )


@policy(capability("manage_intake"))
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    override = forms.OverrideForm(
        request.POST if request.POST.get("action") == "override" else None
    )
    close = forms.CloseReferralForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "screen":
                result = services.screen_referral(referral=referral, by=request.user)
                messages.success(
                    request, "Eligible." if result.eligible else "Not eligible: see the reasons."
                )
                return redirect("families:referral", pk=referral.pk)
            if action == "override" and not request.user.can("supervise"):
                record(
                    action="referral.override",
                    outcome=Outcome.DENIED,
                    target=referral,
                    details={"reason": "missing capability supervise"},
                )
                raise PermissionDenied("Only a supervisor can override the eligibility rule.")
            if action == "override" and override.is_valid():
                services.override_eligibility(
                    referral=referral,
                    by=request.user,
                    eligible=override.cleaned_data["eligible"],
                    reason=override.cleaned_data["override_reason"],
                )
                messages.success(request, "Override recorded.")
                return redirect("families:referral", pk=referral.pk)
            if action == "close" and close.is_valid():
                services.close_referral(
                    referral=referral, by=request.user, reason=close.cleaned_data["closed_reason"]
                )
                messages.success(request, "Referral closed.")
                return redirect("families:referral", pk=referral.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("families:referral", pk=referral.pk)
    record(action="referral.read", target=referral)
    return render(
        request,
        "families/referral_detail.html",
        {
            "referral": referral,
            "caregivers": list(referral.caregivers.all()),
            "children": list(referral.children.all()),
            "risk_factors": list(referral.risk_factors.all()),
            "override": override,
            "close": close,
            "can_override": request.user.can("supervise"),
        },
    )


@policy(capability("manage_intake"))
def waitlist(request: HttpRequest) -> HttpResponse:
    agency = request.user.membership.agency
    today = timezone.localdate()
    ranked, priority = ranked_waitlist(agency_ids=[agency.pk], today=today)
    record(action="waitlist.read", object_type="referral", details={"count": len(ranked)})
    return render(
        request,
        "families/waitlist.html",
        {
            "rows": ranked,
            "priority": priority,
            "today": today,
            "capacity": agency_capacity(agency),
        },
    )


@policy(capability("manage_intake"))
def enroll(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    if referral.status != Referral.Status.ELIGIBLE:
        messages.error(request, "Only an eligible referral on the waitlist can be enrolled.")
        return redirect("families:referral", pk=referral.pk)
    visitors = services.assignable_visitors(referral.agency)
    post = request.POST or None
    form = forms.EnrollmentForm(
        post,
        visitors=visitors,
        initial={
            "prenatal": referral.pregnant,
        },
    )
    caregivers = forms.EnrollCaregiverFormSet(
        post,
        prefix="caregiver",
        initial=[
            {
                **{
                    f: getattr(c, f)
                    for f in (
                        "first_name",
                        "last_name",
                        "birth_date",
                        "phone",
                        "address",
                        "city",
                        "zip_code",
                        "preferred_language",
                        "interpreter_needed",
                    )
                },
                "relationship": Caregiver.Relationship.PRIMARY
                if i == 0
                else Caregiver.Relationship.SECONDARY,
                "medicaid_id": referral.medicaid_id if i == 0 else "",
                "insurance": "medicaid"
                if i == 0 and referral.medicaid_status == "enrolled"
                else "unknown",
            }
            for i, c in enumerate(referral.caregivers.all())
        ],
    )
    child_initial = [
        {"first_name": c.first_name, "birth_date": c.birth_date} for c in referral.children.all()
    ]
    if referral.pregnant and referral.due_date:
        child_initial.append({"due_date": referral.due_date})
    children = forms.EnrollChildFormSet(post, prefix="child", initial=child_initial)
    if request.method == "POST" and all(f.is_valid() for f in (form, caregivers, children)):
        data = form.cleaned_data
        visitor = next((m.user for m in visitors if m.user_id == data["home_visitor"]), None)
        try:
            family = services.enroll_family(
                referral=referral,
                by=request.user,
                enrolled_on=data["enrolled_on"],
                caregivers=caregivers.filled(),
                children=children.filled(),
                consents=data["consents"],
                prenatal=data["prenatal"],
                gestational_weeks=data["gestational_weeks"],
                home_visitor=visitor,
                assign_reason=data["assign_reason"],
                over_cap_confirmed=data["over_cap_confirmed"],
            )
        except services.OverCap as error:
            form.add_error("over_cap_confirmed", error.messages[0])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{family.display_name} is enrolled.")
            return redirect("families:detail", pk=family.pk)
    record(action="referral.read", target=referral, details={"view": "enroll"})
    return render(
        request,
        "families/enroll.html",
        {
            "referral": referral,
            "form": form,
            "caregivers": caregivers,
            "children": children,
        },
    )


@policy(capability("assign_caseload"))
def capacity(request: HttpRequest) -> HttpResponse:
    agency = request.user.membership.agency
    return render(
        request, "families/capacity.html", {"capacity": agency_capacity(agency), "agency": agency}
    )
