"""Family pages: the list, the chart, and the edits a family's record takes.

Each view parses the request, calls one query or service, and renders. Reads go through
`imhhv.families.queries` / `access`; refusals from services are shown on the form by
`attempt_audited` (and audited once); a DomainError raised before a form exists (a
discharged family: read-only) becomes a page with its message (409) by the middleware.

Every request writes exactly one audit event: the write on a successful save, the denial
on a refused one, otherwise the read of the page shown.

A save refused as stale (the family's `version` moved on after the page was opened:
`claim_version`) shows the page again with what the person typed, the version saved now
and, where the form edits saved values (a caregiver, a child's name), the fields that
differ side by side (`_merged`, `templates/_version_merge.html`): saving again applies
their values to the new version, nothing is retyped. The saved record is read again
through the same access function as the page; that read writes no event of its own, so
the stale denial stays the request's one event.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from imhhv.accounts.pages import fields_that_differ, with_version
from imhhv.accounts.policies import capability, policy
from imhhv.audit.searches import searchable
from imhhv.core.errors import StaleEdit
from imhhv.families import forms, queries, services
from imhhv.families.access import (
    get_caregiver_for_user,
    get_consent_for_user,
    get_expected_child_for_user,
    get_family_for_user,
)
from imhhv.families.filters import FamilyFilterForm
from imhhv.families.views.common import attempt_audited

STALE_MERGE = (
    "Someone else changed this record after you opened it (a colleague, or you on another "
    "device or in another tab), so nothing of yours was saved yet. What you typed is still "
    "in the form below. Compare it with the version saved now, change what you need, and "
    "save again."
)


def _merged(form_class, request: HttpRequest, version: int, **kwargs):
    """`form_class` bound again to what the person posted but carrying `version`, the
    family's version saved now, and validated (its cleaned values feed the comparison).
    A fresh form, so the refusal's "reload the page" message is replaced by the merge's
    explanation (`STALE_MERGE`, shown by the template, not as a form error)."""
    form = form_class(with_version(request.POST, version), **kwargs)
    form.is_valid()
    return form


def _merge_context(conflicts: list[dict], title: str, same: str = "") -> dict:
    return {
        "conflicts": conflicts,
        "merge_title": title,
        "merge_same": same,
        "merge_message": STALE_MERGE,
    }


# What a form that adds something new (a child, a discharge, an episode) says after a stale
# save: none of its fields is a saved value, so there is nothing to set side by side.
NOTHING_TO_COMPARE = (
    "What you typed here is new, so there is nothing to compare: the change saved meanwhile "
    "is elsewhere in the family's record. Open the family's record in another tab to see "
    "it if you need to, then save again."
)


@policy(capability("view_families"))
@searchable
def family_list(request: HttpRequest) -> HttpResponse:
    """The families list with its search and filters (imhhv.families.filters).

    The filter form is posted and kept behind a key (`imhhv.audit.searches`), so no URL
    holds the search text. Bad filter input is shown as messages above an empty list
    (status 400), never as a list the person did not ask for.
    """
    search = request.search
    visitors, teams = queries.family_filter_choices(request.user)
    form = FamilyFilterForm(
        search.data,
        visitors=visitors,
        teams=teams,
        medicaid=request.user.can("manage_intake"),
    )
    context = {"form": form, "keep": search.pager(form)}
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
        if isinstance(refused, StaleEdit):
            family, caregiver = get_caregiver_for_user(request.user, pk, caregiver_id, write=True)
            # The saved values first: validating a ModelForm writes onto its instance.
            now = {name: getattr(caregiver, name) for name in form.fields if name != "version"}
            form = _merged(forms.CaregiverEditForm, request, family.version, instance=caregiver)
            context.update(family=family, form=form, caregiver=caregiver)
            context.update(
                _merge_context(
                    fields_that_differ(form, now),
                    "Two versions of this caregiver",
                    "The caregiver's details are the same in both versions: save to keep them.",
                )
            )
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
        if isinstance(refused, StaleEdit):
            family, child = get_expected_child_for_user(request.user, pk, child_id, write=True)
            form = _merged(forms.BirthForm, request, family.version)
            # Of the birth's fields only the name is saved before the birth is recorded.
            conflicts = fields_that_differ(form, {"first_name": child.first_name})
            context.update(family=family, form=form, child=child)
            context.update(
                _merge_context(conflicts, "Two versions of this child", NOTHING_TO_COMPARE)
            )
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
        if isinstance(refused, StaleEdit):
            family = get_family_for_user(request.user, pk, write=True)
            version = _merged(forms.VersionForm, request, family.version)
            form = forms.ChildForm(request.POST)
            form.is_valid()
            context.update(family=family, form=form, version_form=version)
            context.update(_merge_context([], "Two versions of this family", NOTHING_TO_COMPARE))
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
        can_override=request.user.can("supervise"),
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
            qualification_override=data.get("qualification_override", False),
            expected_version=data["version"],
        )
        if saved is not None:
            messages.success(
                request, f"{family.display_name} is now with {visitor.display_name()}."
            )
            return redirect("families:detail", pk=family.pk)
    merge = {}
    if isinstance(refused, StaleEdit):
        # Assigned (or changed) meanwhile: the choice made stays, against the version saved
        # now, beside the home visitor the family has now.
        family = get_family_for_user(request.user, pk, write=True, capability="assign_caseload")
        form = _merged(
            forms.AssignForm,
            request,
            family.version,
            visitors=visitors,
            loads=loads,
            current_visitor_id=family.home_visitor_id,
            can_override=request.user.can("supervise"),
        )
        merge = _merge_context(
            fields_that_differ(form, {"home_visitor": family.home_visitor_id}),
            "Two versions of this assignment",
            "The family is already with the home visitor you chose: save to record yours.",
        )
    context = {
        "family": family,
        "form": form,
        "history": family.assignments.select_related("home_visitor", "assigned_by"),
        "visitor_rows": form.visitor_rows,
        **merge,
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
        if isinstance(refused, StaleEdit):
            family = get_family_for_user(request.user, pk, write=True, capability="assign_caseload")
            form = _merged(forms.DischargeForm, request, family.version)
            context.update(family=family, form=form)
            context.update(_merge_context([], "Two versions of this family", NOTHING_TO_COMPARE))
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
        if isinstance(refused, StaleEdit):
            family = get_family_for_user(
                request.user, pk, write=True, capability="manage_intake", allow_discharged=True
            )
            form = _merged(forms.ReenrollForm, request, family.version)
            context.update(family=family, form=form)
            context.update(_merge_context([], "Two versions of this family", NOTHING_TO_COMPARE))
        if refused:
            return render(request, "families/reenroll.html", context, status=409)
    queries.record_page_read(family, view="reenroll")
    return render(request, "families/reenroll.html", context)
