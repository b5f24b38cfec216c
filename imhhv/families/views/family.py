"""Family pages: the list, the chart, and the edits a family's record takes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from imhhv.accounts.policies import capability, policy
from imhhv.agencies.policy import policy_on
from imhhv.audit.services import record
from imhhv.families import forms, services
from imhhv.families.access import families_visible_to, get_family_for_user
from imhhv.families.chart import child_view, is_expecting, youngest_age_months
from imhhv.families.models import Assignment, Child, Consent, Enrollment, Family
from imhhv.families.services import FamilyIsDischarged, StaleEdit
from imhhv.visits.queries import plan_on, recent_visits

PAGE_SIZE = 50


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors where they belong."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def with_open_episode(families):
    open_episodes = Prefetch(
        "enrollments",
        queryset=Enrollment.objects.filter(discharged_on__isnull=True),
        to_attr="open_episodes",
    )
    return families.prefetch_related("children", open_episodes)


@policy(capability("view_families"))
def family_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "active")
    families = families_visible_to(request.user).select_related("agency", "home_visitor")
    families = families.discharged() if status == "discharged" else families.active()
    page = Paginator(with_open_episode(families), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(f, youngest_age_months(f, today), is_expecting(f)) for f in page.object_list]
    record(
        action="family.list",
        object_type="family",
        details={
            "count": len(rows),
            "ids": [f.pk for f, _, _ in rows],
            "page": page.number,
            "status": status,
        },
    )
    return render(
        request,
        "families/list.html",
        {"page": page, "rows": rows, "status": status, "query": f"status={status}"},
    )


def _chart_family(family_id: int, request: HttpRequest) -> Family:
    return get_family_for_user(request.user, family_id)


@policy(capability("view_families"))
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = _chart_family(pk, request)
    record(action="family.read", target=family)
    return render(request, "families/chart.html", chart_context(request, family))


def chart_context(request: HttpRequest, family: Family) -> dict:
    today = timezone.localdate()
    program = policy_on(today)
    episodes = list(family.enrollments.select_related("enrolled_by", "discharged_by"))
    open_episode = next((e for e in episodes if e.is_open), None)
    user = request.user
    return {
        "family": family,
        "caregivers": list(family.caregivers.all()),
        "children": [child_view(c, today=today, policy=program) for c in family.children.all()],
        "episodes": episodes,
        "open_episode": open_episode,
        "assignments": list(family.assignments.select_related("home_visitor", "assigned_by")),
        "consents": list(family.consents.all()),
        "can_edit": open_episode is not None and user.can("edit_families"),
        "can_assign": open_episode is not None and user.can("assign_caseload"),
        "can_reenroll": open_episode is None and user.can("manage_intake"),
        "can_document": open_episode is not None and user.can("document_visits"),
        "visits": recent_visits(family),
        "visit_plan": plan_on(family, today),
        "policy": program,
    }


def _refuse_stale(request: HttpRequest, family: Family) -> HttpResponse:
    messages.error(request, StaleEdit.message)
    return redirect("families:detail", pk=family.pk)


def _writable(request: HttpRequest, pk: int, capability_name: str = "edit_families"):
    """The family for an edit, or a redirect with a message when it is discharged."""
    try:
        return get_family_for_user(request.user, pk, write=True, capability=capability_name), None
    except FamilyIsDischarged:
        messages.error(request, FamilyIsDischarged.message)
        return None, redirect("families:detail", pk=pk)


@policy(capability("edit_families"))
def caregiver_edit(request: HttpRequest, pk: int, caregiver_id: int) -> HttpResponse:
    family, refused = _writable(request, pk)
    if refused:
        return refused
    caregiver = get_object_or_404(family.caregivers, pk=caregiver_id)
    form = forms.CaregiverEditForm(
        request.POST or None, instance=caregiver, initial={"version": family.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        fresh = family.caregivers.get(pk=caregiver.pk)  # the form mutated `caregiver`
        try:
            services.update_caregiver(
                family=family,
                caregiver=fresh,
                by=request.user,
                changes=data,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            return _refuse_stale(request, family)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Caregiver details saved.")
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/caregiver_edit.html",
        {"family": family, "form": form, "caregiver": caregiver},
    )


@policy(capability("edit_families"))
def record_birth(request: HttpRequest, pk: int, child_id: int) -> HttpResponse:
    family, refused = _writable(request, pk)
    if refused:
        return refused
    child = get_object_or_404(family.children, pk=child_id, birth_date__isnull=True)
    form = forms.BirthForm(
        request.POST or None, initial={"version": family.version, "first_name": child.first_name}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_birth(
                family=family,
                child=child,
                by=request.user,
                birth_date=data["birth_date"],
                gestational_age_weeks=data["gestational_age_weeks"],
                birth_weight_grams=data["birth_weight_grams"],
                first_name=data["first_name"],
                expected_version=data["version"],
            )
        except StaleEdit:
            return _refuse_stale(request, family)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Birth recorded.")
            return redirect("families:detail", pk=family.pk)
    return render(request, "families/birth.html", {"family": family, "form": form, "child": child})


@policy(capability("edit_families"))
def add_child(request: HttpRequest, pk: int) -> HttpResponse:
    family, refused = _writable(request, pk)
    if refused:
        return refused
    form = forms.ChildForm(request.POST or None)
    version = forms.VersionForm(request.POST or None, initial={"version": family.version})
    if request.method == "POST" and form.is_valid() and version.is_valid():
        try:
            services.add_child(
                family=family,
                by=request.user,
                data=form.cleaned_data,
                expected_version=version.cleaned_data["version"],
            )
        except StaleEdit:
            return _refuse_stale(request, family)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Child added.")
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/child_add.html",
        {"family": family, "form": form, "version_form": version},
    )


@policy(capability("edit_families"))
def consents(request: HttpRequest, pk: int) -> HttpResponse:
    family, refused = _writable(request, pk)
    if refused:
        return refused
    give = forms.ConsentForm(request.POST if request.POST.get("action") == "give" else None)
    revoke = forms.RevokeConsentForm(
        request.POST if request.POST.get("action") == "revoke" else None
    )
    if request.method == "POST":
        try:
            if give.is_bound and give.is_valid():
                services.record_consent(
                    family=family,
                    by=request.user,
                    kind=give.cleaned_data["kind"],
                    given_on=give.cleaned_data["given_on"],
                )
                messages.success(request, "Consent recorded.")
                return redirect("families:consents", pk=family.pk)
            if revoke.is_bound and revoke.is_valid():
                consent = get_object_or_404(Consent, pk=request.POST.get("consent"), family=family)
                services.revoke_consent(
                    family=family,
                    consent=consent,
                    by=request.user,
                    revoked_on=revoke.cleaned_data["revoked_on"],
                )
                messages.success(request, "Consent revoked.")
                return redirect("families:consents", pk=family.pk)
        except ValidationError as error:
            apply_errors(give if give.is_bound else revoke, error)
    return render(
        request,
        "families/consents.html",
        {
            "family": family,
            "give": give,
            "revoke": revoke,
            "consents": family.consents.all(),
        },
    )


@policy(capability("assign_caseload"))
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    family, refused = _writable(request, pk, "assign_caseload")
    if refused:
        return refused
    visitors = services.assignable_visitors(family.agency)
    form = forms.AssignForm(
        request.POST or None, visitors=visitors, initial={"version": family.version}
    )
    over_cap = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visitor = next(m.user for m in visitors if m.user_id == data["home_visitor"])
        try:
            services.assign_home_visitor(
                family=family,
                home_visitor=visitor,
                by=request.user,
                start_date=data["start_date"],
                reason=data["reason"],
                over_cap_confirmed=data["over_cap_confirmed"],
                expected_version=data["version"],
            )
        except StaleEdit:
            return _refuse_stale(request, family)
        except services.OverCap as error:
            over_cap = error
            form.add_error("over_cap_confirmed", error.messages[0])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{family.display_name} is now with {visitor.display_name()}."
            )
            return redirect("families:detail", pk=family.pk)
    loads = {
        m.user_id: services.visitor_load(home_visitor=m.user, agency=family.agency)
        for m in visitors
    }
    history = family.assignments.select_related("home_visitor", "assigned_by")
    return render(
        request,
        "families/assign.html",
        {
            "family": family,
            "form": form,
            "over_cap": over_cap,
            "history": history,
            "visitor_rows": [(m, *loads[m.user_id]) for m in visitors],
        },
    )


@policy(capability("assign_caseload"))
def discharge(request: HttpRequest, pk: int) -> HttpResponse:
    family, refused = _writable(request, pk, "assign_caseload")
    if refused:
        return refused
    form = forms.DischargeForm(request.POST or None, initial={"version": family.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.discharge_family(
                family=family,
                by=request.user,
                discharged_on=data["discharged_on"],
                reason=data["reason"],
                planned=data["planned"],
                transition_plan=data["transition_plan"],
                referrals_made=data["referrals_made"],
                expected_version=data["version"],
            )
        except StaleEdit:
            return _refuse_stale(request, family)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{family.display_name} is discharged. The record is now read-only."
            )
            return redirect("families:detail", pk=family.pk)
    return render(request, "families/discharge.html", {"family": family, "form": form})


@policy(capability("manage_intake"))
def reenroll(request: HttpRequest, pk: int) -> HttpResponse:
    family = get_family_for_user(
        request.user, pk, write=True, capability="manage_intake", allow_discharged=True
    )
    form = forms.ReenrollForm(request.POST or None, initial={"version": family.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reenroll_family(
                family=family,
                by=request.user,
                enrolled_on=data["enrolled_on"],
                prenatal=data["prenatal"],
                gestational_weeks=data["gestational_weeks"],
                expected_version=data["version"],
            )
        except StaleEdit:
            return _refuse_stale(request, family)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "A new episode is open. Assign a home visitor next.")
            return redirect("families:detail", pk=family.pk)
    return render(request, "families/reenroll.html", {"family": family, "form": form})


__all__ = ["Assignment", "Child"]
