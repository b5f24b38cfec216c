"""Intake pages: referrals, eligibility screening, the waitlist, capacity and enrollment.

Views adapt HTTP to one query (imhhv.families.queries) or service each; refusals are put
on the form by `attempt_audited` or shown as a page by the middleware, never caught here.
"""

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from imhhv.accounts.policies import capability, policy
from imhhv.audit.models import Outcome
from imhhv.audit.searches import searchable
from imhhv.audit.services import record
from imhhv.drafts.pages import discard, draft_state
from imhhv.families import forms, queries, services
from imhhv.families.access import get_referral_for_user
from imhhv.families.errors import PossibleDuplicates
from imhhv.families.filters import ReferralFilterForm, WaitlistFilterForm
from imhhv.families.models import Caregiver, Referral
from imhhv.families.views.common import attempt_audited


@policy(capability("manage_intake"))
@searchable
def referral_list(request: HttpRequest) -> HttpResponse:
    """Referrals with their search and filters (imhhv.families.filters), posted and kept
    behind a key (`imhhv.audit.searches`); bad filter input is a message above an empty
    list (400), and nothing is read."""
    search = request.search
    form = ReferralFilterForm(search.data)
    context = {"form": form, "keep": search.pager(form)}
    try:
        filters = form.filters()
    except ValidationError:
        context.update(errors=form.messages(), page=None, searched=False)
        return render(request, "families/referral_list.html", context, status=400)
    result = queries.referral_list(request.user, filters=filters, page=request.GET.get("page"))
    context.update(page=result.page, searched=result.searched)
    return render(request, "families/referral_list.html", context)


@policy(capability("manage_intake"))
def referral_new(request: HttpRequest) -> HttpResponse:
    """Take a referral; possible duplicates are shown (scoped) before anything is saved.

    The form keeps a draft (imhhv.drafts): restored on GET, kept on a refused submit.
    """
    draft = draft_state(request, form="referral", record_key="new")
    post = (request.POST if request.method == "POST" else draft.data) or None
    form = forms.ReferralForm(post)
    caregivers = forms.CaregiverFormSet(post, prefix="caregiver")
    children = forms.ReferralChildFormSet(post, prefix="child")
    confirm = forms.DuplicateConfirmForm(post)
    context = {
        "form": form,
        "caregivers": caregivers,
        "children": children,
        "confirm": confirm,
        "duplicates": None,
        "draft": draft,
    }
    if request.method == "POST" and all(
        f.is_valid() for f in (form, caregivers, children, confirm)
    ):
        referral, refused = attempt_audited(
            form,
            services.create_referral,
            action="referral.create",
            object_type="referral",
            agency=request.user.membership.agency,
            by=request.user,
            data=form.referral_data(),
            caregivers=caregivers.filled(),
            children=children.filled(),
            risk_factor_codes=form.risk_factor_codes(),
            confirm_not_duplicate=confirm.cleaned_data["not_a_duplicate"],
        )
        if referral is not None:
            discard(request, form="referral", record_key="new")
            messages.success(request, "Referral saved. Screen it for eligibility next.")
            return redirect("families:referral", pk=referral.pk)
        if isinstance(refused, PossibleDuplicates):
            form.errors.pop("__all__", None)  # the duplicates panel says it better
            context["duplicates"] = refused.matches
        if refused:
            return render(request, "families/referral_new.html", context, status=409)
    return render(request, "families/referral_new.html", context)


@policy(capability("manage_intake"))
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    override = forms.OverrideForm(
        request.POST if request.POST.get("action") == "override" else None
    )
    close = forms.CloseReferralForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST":
        referral = get_referral_for_user(request.user, pk)
        action = request.POST.get("action")
        holder = django_forms.Form()  # screening has no fields: a place for its refusal
        done = None
        if action == "screen":
            done = attempt_audited(
                holder,
                services.screen_referral,
                action="referral.screen",
                target=referral,
                referral=referral,
                by=request.user,
            )[0]
            if done is not None:
                messages.success(
                    request, "Eligible." if done.eligible else "Not eligible: see the reasons."
                )
                for warning in done.warnings:
                    messages.warning(request, warning)
        elif action == "override":
            if not request.user.can("supervise"):
                record(
                    action="referral.override",
                    outcome=Outcome.DENIED,
                    target=referral,
                    details={"reason": "missing capability supervise"},
                )
                raise PermissionDenied("Only a supervisor can override the eligibility rule.")
            if override.is_valid():
                done = attempt_audited(
                    override,
                    services.override_eligibility,
                    action="referral.override",
                    target=referral,
                    referral=referral,
                    by=request.user,
                    eligible=override.cleaned_data["eligible"],
                    reason=override.cleaned_data["override_reason"],
                )[0]
                if done is not None:
                    messages.success(request, "Override recorded.")
        elif action == "close" and close.is_valid():
            done = attempt_audited(
                close,
                services.close_referral,
                action="referral.close",
                target=referral,
                referral=referral,
                by=request.user,
                reason=close.cleaned_data["closed_reason"],
            )[0]
            if done is not None:
                messages.success(request, "Referral closed.")
        if done is not None:
            return redirect("families:referral", pk=referral.pk)
        for error in holder.non_field_errors():
            messages.error(request, error)
    shown = queries.referral_detail(request.user, pk)
    return render(
        request,
        "families/referral_detail.html",
        {
            "referral": shown.referral,
            "identity_visible": shown.identity_visible,
            "caregivers": shown.caregivers,
            "children": shown.children,
            "risk_factors": shown.risk_factors,
            "override": override,
            "close": close,
            "can_override": request.user.can("supervise"),
        },
    )


@policy(capability("manage_intake"))
def waitlist(request: HttpRequest) -> HttpResponse:
    form = WaitlistFilterForm(request.GET or None)
    try:
        filters = form.filters()
    except ValidationError:
        return render(
            request,
            "families/waitlist.html",
            {"form": form, "errors": form.messages(), "rows": [], "filtered": True},
            status=400,
        )
    shown = queries.waitlist(request.user, filters=filters)
    return render(
        request,
        "families/waitlist.html",
        {
            "form": form,
            "filtered": bool(filters.audit()),
            "rows": shown.rows,
            "priority": shown.priority,
            "today": shown.today,
            "capacity": shown.capacity,
        },
    )


@policy(capability("manage_intake"))
def enroll(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    if referral.status != Referral.Status.ELIGIBLE:
        messages.error(request, "Only an eligible referral on the waitlist can be enrolled.")
        return redirect("families:referral", pk=referral.pk)
    visitors = services.assignable_visitors(referral.agency)
    draft_key = f"referral-{referral.pk}"
    draft = draft_state(request, form="enrollment", record_key=draft_key)
    post = (request.POST if request.method == "POST" else draft.data) or None
    form = forms.EnrollmentForm(
        post,
        visitors=visitors,
        can_override=request.user.can("supervise"),
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
    context = {
        "referral": referral,
        "form": form,
        "caregivers": caregivers,
        "children": children,
        "draft": draft,
    }
    if request.method == "POST" and all(f.is_valid() for f in (form, caregivers, children)):
        data = form.cleaned_data
        visitor = next((m.user for m in visitors if m.user_id == data["home_visitor"]), None)
        family, refused = attempt_audited(
            form,
            services.enroll_family,
            action="family.enroll",
            target=referral,
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
            qualification_override=data.get("qualification_override", False),
        )
        if family is not None:
            discard(request, form="enrollment", record_key=draft_key)
            messages.success(request, f"{family.display_name} is enrolled.")
            return redirect("families:detail", pk=family.pk)
        if refused:
            return render(request, "families/enroll.html", context, status=409)
    record(action="referral.read", target=referral, details={"view": "enroll"})
    return render(request, "families/enroll.html", context)


@policy(capability("assign_caseload"))
def capacity(request: HttpRequest) -> HttpResponse:
    agency, rows = queries.capacity(request.user)
    return render(request, "families/capacity.html", {"capacity": rows, "agency": agency})
