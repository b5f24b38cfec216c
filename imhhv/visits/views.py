"""Visit pages: my week, team week, documenting, signing and amending a visit, the plan.

Each page parses its input, calls one query or service, and renders. Refusals of the
services (`imhhv.visits.errors`, ValidationError) reach the person through
`imhhv.accounts.pages.attempt` (on the form, with what they typed kept) or, outside a
form, `DomainErrorMiddleware` (a page with the message and the status).

Every page that shows a family's data writes exactly one audit event per request: the
read when the page is rendered (also when a POST re-renders it with errors), or the
write of the service when a POST succeeds and redirects. The visit note's form also keeps
the person's draft (`imhhv.drafts`): a refused submit writes that draft's own event too.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from imhhv.accounts.pages import attempt, with_version
from imhhv.accounts.policies import capability, policy
from imhhv.audit.services import record
from imhhv.core.visit_rules import rating_label
from imhhv.drafts.pages import discard, draft_state
from imhhv.families.access import get_family_for_user
from imhhv.visits import services
from imhhv.visits.access import get_visit_for_user
from imhhv.visits.errors import NoteIsSigned, NoteNotReady
from imhhv.visits.forms import (
    AmendReasonForm,
    AttestForm,
    VisitForm,
    VisitPlanForm,
    initial_from,
    narrative_conflicts,
    prefill,
)
from imhhv.visits.queries import (
    FIRST_DAY,
    LAST_DAY,
    documented_late,
    my_week,
    plan_on,
    team_week,
    visit_plan_for,
)

DRAFT_FORM = "visit-note"  # imhhv.visits.drafting registers it with imhhv.drafts

# Service field names -> the form fields that show them.
FIELD_OF = {
    "scheduled_at": "visit_date",
    "started_at": "start_time",
    "ended_at": "end_time",
    "strategies": "components",
}


def _day(request: HttpRequest) -> date:
    """?week=YYYY-MM-DD, any day of the week; anything else (or a year no week of the
    program can be in, whose week's end would overflow) means this week."""
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return timezone.localdate()
    return day if FIRST_DAY <= day <= LAST_DAY else timezone.localdate()


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
            "today": timezone.localdate(),
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


def _visit_form(request, *, family, catalogue, draft, initial=None) -> VisitForm:
    """The visit form bound to what was submitted, or on GET to the restored draft (shown
    as typed, without errors until the person submits: `VisitForm.quiet`), else unbound
    with `initial`."""
    if request.method == "POST":
        return VisitForm(request.POST, family=family, catalogue=catalogue, initial=initial)
    form = VisitForm(draft.data, family=family, catalogue=catalogue, initial=initial)
    if draft.data is not None:
        form.quiet()
    return form


@policy(capability("document_visits"))
def visit_new(request: HttpRequest, family_id: int) -> HttpResponse:
    """Document a visit. `?on=YYYY-MM-DD&at=HH:MM` (a planned visit's "document" link)
    prefills the day and time and the outcome "completed" (`forms.prefill`); a draft of
    the note (`imhhv.drafts`, key "family-<id>") is restored on GET, kept on a refused
    POST and dropped once the visit is saved."""
    family = get_family_for_user(request.user, family_id, write=True, capability="document_visits")
    catalogue = services.current_catalogue()
    key = f"family-{family.pk}"
    draft = draft_state(request, form=DRAFT_FORM, record_key=key)
    initial = prefill(
        request.GET.get("on", ""), request.GET.get("at", ""), today=timezone.localdate()
    )
    form = _visit_form(request, family=family, catalogue=catalogue, draft=draft, initial=initial)
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
            discard(request, form=DRAFT_FORM, record_key=key)
            messages.success(request, "Visit saved. Sign the note when it is final.")
            return redirect("visits:detail", pk=visit.pk)
    record(action="family.read", target=family, details={"view": "new visit"})
    return render(
        request,
        "visits/form.html",
        {
            "family": family,
            "form": form,
            "catalogue": catalogue,
            "visit": None,
            "draft": draft,
        },
    )


def _visit_page_context(visit) -> dict:
    """What the visit page and the sign page show of the note. Each strategy response
    carries `answer`, in words: "Yes"/"No", or a rating with its meaning ("2 – Somewhat",
    the same labels as the form's radio buttons)."""
    responses = list(visit.strategy_responses.select_related("strategy__component"))
    for response in responses:
        response.answer = (
            ("Yes" if response.value else "No")
            if response.strategy.response_type == response.strategy.ResponseType.YES_NO
            else rating_label(response.value)
        )
    return {
        "visit": visit,
        "components": list(visit.components.all()),
        "responses": responses,
        "caregivers": list(visit.caregivers_present.all()),
        "children": list(visit.children_present.all()),
    }


@policy(capability("view_families"))
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk)
    record(action="visit.read", target=visit, details={"family_id": visit.family_id})
    return render(
        request,
        "visits/detail.html",
        {
            **_visit_page_context(visit),
            "amendments": list(visit.amendments.select_related("amended_by")),
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


STALE_MERGE = (
    "This visit was saved again after you opened it (on another device or in another "
    "tab), so nothing of yours was saved yet. Your text is still in the form below. "
    "Compare it with the version saved now, change what you need, and save again."
)


def _stale(request: HttpRequest, form: VisitForm, visit, family, catalogue):
    """After a refused save: if the refusal was a stale version (the record's version is
    no longer the one the form carried, `claim_version`), the form again with what the
    person typed but the version saved now, so saving it again applies their text to the
    new version, and the free-text fields that differ (theirs as saved now, yours).
    Otherwise (another refusal) None: the form keeps its errors.

    The view does not catch the service's StaleEdit (`attempt` does, DESIGN.md rule 5);
    it reads the visit again through the same access function and compares versions."""
    mine = form.cleaned_data.get("version")
    if mine is None:  # no version sent: the service bumps unconditionally, never stale
        return None
    saved = get_visit_for_user(request.user, visit.pk, write=True)
    if saved.version == mine:
        return None
    data = with_version(request.POST, saved.version)
    merged = VisitForm(data, family=family, catalogue=catalogue, initial=initial_from(saved))
    merged.is_valid()
    merged.add_error(None, STALE_MERGE)
    return saved, merged, narrative_conflicts(merged, saved)


@policy(capability("document_visits"))
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an unsigned note or amend a signed one (with a reason), with the note's draft
    (key "visit-<id>"). A save against a stale version shows both versions side by side
    and keeps the person's text in the form (`_stale`)."""
    visit = get_visit_for_user(request.user, pk, write=True)
    family = visit.family
    catalogue = visit.catalogue or services.current_catalogue()
    key = f"visit-{visit.pk}"
    draft = draft_state(request, form=DRAFT_FORM, record_key=key)
    form = _visit_form(
        request, family=family, catalogue=catalogue, draft=draft, initial=initial_from(visit)
    )
    posted = request.POST if request.method == "POST" else None
    reason = AmendReasonForm(posted) if visit.is_signed else None
    conflicts = None
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
            discard(request, form=DRAFT_FORM, record_key=key)
            messages.success(request, done)
            return redirect("visits:detail", pk=visit.pk)
        stale = _stale(request, form, visit, family, catalogue)
        if stale is not None:
            visit, form, conflicts = stale
            if visit.is_signed and reason is None:  # signed meanwhile: now an amendment
                reason = AmendReasonForm(posted)
    record(action="visit.read", target=visit, details={"family_id": family.pk, "view": "edit"})
    return render(
        request,
        "visits/form.html",
        {
            "family": family,
            "form": form,
            "visit": visit,
            "reason_form": reason,
            "draft": draft,
            "conflicts": conflicts,
        },
    )


@policy(capability("document_visits"))
def visit_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign a note: a confirmation page, separate from Edit, that shows the note and asks
    for the attestation (`services.ATTESTATION`); the service refuses a signature without
    it. Only a documented, unsigned note of one's own visit has this page: a scheduled
    visit (NoteNotReady) or a signed note (NoteIsSigned) is a refusal page
    (DomainErrorMiddleware, audited), as the service would answer."""
    visit = get_visit_for_user(request.user, pk, write=True)
    if visit.is_signed:
        raise NoteIsSigned("This note is already signed.")
    if visit.outcome == visit.Outcome.SCHEDULED:
        raise NoteNotReady
    form = AttestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        signed = attempt(
            form,
            services.sign_visit,
            visit=visit,
            by=request.user,
            attested=form.cleaned_data["attest"],
        )
        if signed is not None:
            messages.success(request, "Note signed. Later changes are amendments with a reason.")
            return redirect("visits:detail", pk=visit.pk)
    record(
        action="visit.read", target=visit, details={"family_id": visit.family_id, "view": "sign"}
    )
    return render(request, "visits/sign.html", {**_visit_page_context(visit), "form": form})


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
