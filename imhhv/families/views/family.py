"""Family pages: the list, the chart, and the edits a family's record takes.

Each view parses the request, calls one query or service, and renders. Reads go through
`imhhv.families.queries` / `access`; refusals from services are shown on the form by
`attempt_audited` (and audited once); a DomainError raised before a form exists (a
discharged family: read-only) becomes a page with its message (409) by the middleware.

Every request writes exactly one audit event: the write on a successful save, the denial
on a refused one, otherwise the read of the page shown.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from imhhv.accounts.policies import capability, policy
from imhhv.families import forms, queries, services
from imhhv.families.access import (
    get_caregiver_for_user,
    get_consent_for_user,
    get_expected_child_for_user,
    get_family_for_user,
)
from imhhv.families.filters import FamilyFilterForm
from imhhv.families.views.common import attempt_audited


@policy(capability("view_families"))
def family_list(request: HttpRequest) -> HttpResponse:
    """The families list with its search and filters (a GET form: imhhv.families.filters).

    Bad filter input is shown as messages above an empty list (status 400), never as a
    list the person did not ask for. The pager repeats the filters as hidden fields of a
    form, so no link the site generates carries the search text.
    """
    visitors, teams = queries.family_filter_choices(request.user)
    form = FamilyFilterForm(
        request.GET or None,
        visitors=visitors,
        teams=teams,
        medicaid=request.user.can("manage_intake"),
    )
    context = {"form": form, "keep": form.kept()}
    try:
        filters = form.filters()
    except ValidationError:
        # Nothing was read, so nothing is audited: the person fixes the filter first.
        context.update(errors=form.messages(), rows=[], page=None, status="", searched=False)
        return render(request, "families/list.html", context, status=400)
    result = queries.family_list(request.user, filters=filters, page=request.GET.get("page"))
    context.update(
        page=result.page, rows=result.rows, status=result.status, searched=result.searched
    )
    return render(request, "families/list.html", context)


@policy(capability("view_families"))
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "families/chart.html", queries.chart(request.user, pk).context())


@policy(capability("edit_families"))
def caregiver_edit(request: HttpRequest, pk: int, caregiver_id: int) -> HttpResponse:
    family, caregiver = get_caregiver_for_user(request.user, pk, caregiver_id, write=True)
    form = forms.CaregiverEditForm(
        request.POST or None, instance=caregiver, initial={"version": family.version}
    )
    context = {"family": family, "form": form, "caregiver": caregiver}
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        saved, refused = attempt_audited(
            form,
            services.update_caregiver,
            action="caregiver.update",
            target=family,
            family=family,
            caregiver=family.caregivers.get(pk=caregiver.pk),  # the form mutated `caregiver`
            by=request.user,
            changes=data,
            expected_version=form.cleaned_data["version"],
        )
        if saved is not None:
            messages.success(request, "Caregiver details saved.")
            return redirect("families:detail", pk=family.pk)
        if refused:
            return render(request, "families/caregiver_edit.html", context, status=409)
    queries.record_page_read(family, view="caregiver_edit", caregiver_id=caregiver.pk)
    return render(request, "families/caregiver_edit.html", context)


@policy(capability("edit_families"))
def record_birth(request: HttpRequest, pk: int, child_id: int) -> HttpResponse:
    family, child = get_expected_child_for_user(request.user, pk, child_id, write=True)
    form = forms.BirthForm(
        request.POST or None, initial={"version": family.version, "first_name": child.first_name}
    )
    context = {"family": family, "form": form, "child": child}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, refused = attempt_audited(
            form,
            services.record_birth,
            action="child.birth",
            target=family,
            family=family,
            child=child,
            by=request.user,
            birth_date=data["birth_date"],
            gestational_age_weeks=data["gestational_age_weeks"],
            birth_weight_grams=data["birth_weight_grams"],
            first_name=data["first_name"],
            expected_version=data["version"],
        )
        if saved is not None:
            messages.success(request, "Birth recorded.")
            return redirect("families:detail", pk=family.pk)
        if refused:
            return render(request, "families/birth.html", context, status=409)
    queries.record_page_read(family, view="birth", child_id=child.pk)
    return render(request, "families/birth.html", context)


@policy(capability("edit_families"))
def add_child(request: HttpRequest, pk: int) -> HttpResponse:
    family = get_family_for_user(request.user, pk, write=True)
    form = forms.ChildForm(request.POST or None)
    version = forms.VersionForm(request.POST or None, initial={"version": family.version})
    context = {"family": family, "form": form, "version_form": version}
    if request.method == "POST" and form.is_valid() and version.is_valid():
        saved, refused = attempt_audited(
            form,
            services.add_child,
            action="child.add",
            target=family,
            family=family,
            by=request.user,
            data=form.cleaned_data,
            expected_version=version.cleaned_data["version"],
        )
        if saved is not None:
            messages.success(request, "Child added.")
            return redirect("families:detail", pk=family.pk)
        if refused:
            return render(request, "families/child_add.html", context, status=409)
    queries.record_page_read(family, view="child_add")
    return render(request, "families/child_add.html", context)


@policy(capability("edit_families"))
def consents(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consent, or revoke one in force (the consent id comes from the form)."""
    family = get_family_for_user(request.user, pk, write=True)
    action = request.POST.get("action")
    give = forms.ConsentForm(request.POST if action == "give" else None)
    revoke = forms.RevokeConsentForm(request.POST if action == "revoke" else None)
    refused = None
    if request.method == "POST" and give.is_bound and give.is_valid():
        saved, refused = attempt_audited(
            give,
            services.record_consent,
            action="consent.give",
            target=family,
            family=family,
            by=request.user,
            kind=give.cleaned_data["kind"],
            given_on=give.cleaned_data["given_on"],
        )
        if saved is not None:
            messages.success(request, "Consent recorded.")
            return redirect("families:consents", pk=family.pk)
    if request.method == "POST" and revoke.is_bound and revoke.is_valid():
        consent = get_consent_for_user(family, request.user, revoke.cleaned_data["consent"])
        saved, refused = attempt_audited(
            revoke,
            services.revoke_consent,
            action="consent.revoke",
            target=family,
            family=family,
            consent=consent,
            by=request.user,
            revoked_on=revoke.cleaned_data["revoked_on"],
        )
        if saved is not None:
            messages.success(request, "Consent revoked.")
            return redirect("families:consents", pk=family.pk)
    context = {
        "family": family,
        "give": give,
        "revoke": revoke,
        "consents": family.consents.all(),
    }
    if refused:
        return render(request, "families/consents.html", context, status=409)
    queries.record_page_read(family, view="consents")
    return render(request, "families/consents.html", context)


@policy(capability("assign_caseload"))
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    family = get_family_for_user(request.user, pk, write=True, capability="assign_caseload")
    visitors = services.assignable_visitors(family.agency)
    loads = {
        m.user_id: services.visitor_load(home_visitor=m.user, agency=family.agency)
        for m in visitors
    }
    form = forms.AssignForm(
        request.POST or None,
        visitors=visitors,
        loads=loads,
        current_visitor_id=family.home_visitor_id,
        initial={"version": family.version},
    )
    refused = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visitor = next(m.user for m in form.listed if m.user_id == data["home_visitor"])
        saved, refused = attempt_audited(
            form,
            services.assign_home_visitor,
            action="family.assign",
            target=family,
            family=family,
            home_visitor=visitor,
            by=request.user,
            start_date=data["start_date"],
            reason=data["reason"],
            over_cap_confirmed=data["over_cap_confirmed"],
            expected_version=data["version"],
        )
        if saved is not None:
            messages.success(
                request, f"{family.display_name} is now with {visitor.display_name()}."
            )
            return redirect("families:detail", pk=family.pk)
    context = {
        "family": family,
        "form": form,
        "history": family.assignments.select_related("home_visitor", "assigned_by"),
        "visitor_rows": form.visitor_rows,
    }
    if refused:
        return render(request, "families/assign.html", context, status=409)
    queries.record_page_read(family, view="assign")
    return render(request, "families/assign.html", context)


@policy(capability("assign_caseload"))
def discharge(request: HttpRequest, pk: int) -> HttpResponse:
    family = get_family_for_user(request.user, pk, write=True, capability="assign_caseload")
    form = forms.DischargeForm(request.POST or None, initial={"version": family.version})
    context = {"family": family, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, refused = attempt_audited(
            form,
            services.discharge_family,
            action="family.discharge",
            target=family,
            family=family,
            by=request.user,
            discharged_on=data["discharged_on"],
            reason=data["reason"],
            planned=data["planned"],
            transition_plan=data["transition_plan"],
            referrals_made=data["referrals_made"],
            expected_version=data["version"],
        )
        if saved is not None:
            messages.success(
                request, f"{family.display_name} is discharged. The record is now read-only."
            )
            return redirect("families:detail", pk=family.pk)
        if refused:
            return render(request, "families/discharge.html", context, status=409)
    queries.record_page_read(family, view="discharge")
    return render(request, "families/discharge.html", context)


@policy(capability("manage_intake"))
def reenroll(request: HttpRequest, pk: int) -> HttpResponse:
    family = get_family_for_user(
        request.user, pk, write=True, capability="manage_intake", allow_discharged=True
    )
    form = forms.ReenrollForm(request.POST or None, initial={"version": family.version})
    context = {"family": family, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, refused = attempt_audited(
            form,
            services.reenroll_family,
            action="family.reenroll",
            target=family,
            family=family,
            by=request.user,
            enrolled_on=data["enrolled_on"],
            prenatal=data["prenatal"],
            gestational_weeks=data["gestational_weeks"],
            expected_version=data["version"],
        )
        if saved is not None:
            messages.success(request, "A new episode is open. Assign a home visitor next.")
            return redirect("families:detail", pk=family.pk)
        if refused:
            return render(request, "families/reenroll.html", context, status=409)
    queries.record_page_read(family, view="reenroll")
    return render(request, "families/reenroll.html", context)
