"""The staff record's pages: the profile, one form page per kind of entry, and the
download of a training certificate.

Each view parses the request, calls one query or service, and renders. Every request
writes exactly one audit event: the profile's read (`queries.staff_profile`), the write
of a saved entry (the service's), a denial (the access function's), or, when a form is
shown (first or again with its errors), the profile read that fills it.

Whose record one may read or add to is `imhhv.workforce.access`: oneself always, a
supervisor their team's home visitors, the agency administrator the agency's staff, the
state office everyone; anyone else asking for another person is a 403 (no staff
capability) or a 404 (out of reach, like missing).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from imhhv.accounts.pages import attempt
from imhhv.accounts.policies import SIGNED_IN, policy
from imhhv.core import workforce as rules
from imhhv.core.roles import Role
from imhhv.workforce import forms, queries, services
from imhhv.workforce.access import get_staff_for_user, may_write
from imhhv.workforce.models import TrainingEntry

STATUS_TAGS = {rules.MET: "tag-ok", rules.DUE_SOON: "tag-info", rules.NOT_MET: "tag-warning"}


def _evidence(by, staff_id, data):
    upload = data["file"]
    return services.attach_evidence(
        by=by, staff_id=staff_id, entry_id=data["entry"], filename=upload.name, data=upload.read()
    )


def _self_assessment(by, staff_id, data):
    return services.record_self_assessment(
        by=by,
        staff_id=staff_id,
        completed_on=data["completed_on"],
        discussed_on=data["discussed_on"],
        discussed_with_id=data["discussed_with"],
        gaps=data["gaps"],
        resources=data["resources"],
        follow_up=data["follow_up"],
    )


def _questionnaire(by, staff_id, data):
    return services.record_questionnaire(
        by=by,
        staff_id=staff_id,
        instrument_id=data["instrument"],
        time_point=data["time_point"],
        day=data["day"],
        score=data["score"],
    )


def _as_is(service):
    """The service called with the form's fields as its keyword arguments."""
    return lambda by, staff_id, data: service(by=by, staff_id=staff_id, **data)


@dataclass(frozen=True)
class Kind:
    form: type[forms.RecordForm]
    save: Callable
    done: str
    link: str  # the profile's "Add …" link


KINDS = {
    "degree": Kind(forms.DegreeForm, _as_is(services.add_degree), "Degree added.", "Add a degree"),
    "license": Kind(
        forms.LicenseForm, _as_is(services.add_license), "License added.", "Add a license"
    ),
    "endorsement": Kind(
        forms.EndorsementForm,
        _as_is(services.set_endorsement),
        "Endorsement saved.",
        "Record the endorsement",
    ),
    "waiver": Kind(forms.WaiverForm, _as_is(services.add_waiver), "Waiver added.", "Add a waiver"),
    "self_assessment": Kind(
        forms.SelfAssessmentForm,
        _self_assessment,
        "Self-assessment saved.",
        "Record the self-assessment",
    ),
    "coursework": Kind(
        forms.CourseworkForm,
        _as_is(services.record_coursework),
        "Coursework saved.",
        "Record psychotherapy coursework",
    ),
    "training": Kind(
        forms.TrainingForm, _as_is(services.add_training), "Training added.", "Add training hours"
    ),
    "evidence": Kind(
        forms.EvidenceForm, _evidence, "Certificate attached.", "Attach a certificate"
    ),
    "leave": Kind(
        forms.LeaveForm, _as_is(services.record_leave), "Leave recorded.", "Record leave"
    ),
    "questionnaire": Kind(
        forms.QuestionnaireForm,
        _questionnaire,
        "Questionnaire recorded.",
        "Record a staff questionnaire",
    ),
}


def _hours_this_fiscal_year(training: list[TrainingEntry], today) -> list[dict]:
    """Hours per ledger category in the current fiscal year (every category listed)."""
    fy = rules.fiscal_year(today)
    totals = {key: Decimal(0) for key, _ in TrainingEntry.CATEGORY_CHOICES}
    for entry in training:
        if rules.fiscal_year(entry.day) == fy:
            totals[entry.category] = totals.get(entry.category, Decimal(0)) + entry.hours
    labels = dict(TrainingEntry.CATEGORY_CHOICES)
    return [{"label": labels.get(k, k), "hours": v} for k, v in totals.items()]


@policy(SIGNED_IN)
def profile(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Every requirement of the person's role with its status, reason and next due date,
    and the ledgers of their record."""
    shown = queries.staff_profile(request.user, staff_id)
    today = timezone.localdate()
    requirements = [
        {
            "label": rules.REQUIREMENT_LABELS.get(r.name, r.name),
            "status": rules.STATUS_LABELS.get(r.status, r.status),
            "tag": STATUS_TAGS.get(r.status, "tag-info"),
            "reason": r.reason,
            "next_due": r.next_due,
        }
        for r in shown.requirements
    ]
    writable = may_write(request.user, shown.staff)
    share = shown.weekly_supervision_share
    return render(
        request,
        "workforce/profile.html",
        {
            "profile": shown,
            "staff": shown.staff,
            "role_label": Role(shown.role).label.lower() if shown.role else "",
            "requirements": requirements,
            "fiscal_year": rules.fiscal_year(today),
            "hours": _hours_this_fiscal_year(shown.training, today),
            "share_percent": round(float(share) * 100) if share is not None else None,
            "may_write": writable,
            "links": [(kind, k.link) for kind, k in KINDS.items()] if writable else [],
        },
    )


def _initial(kind: str, shown: queries.StaffProfile) -> dict:
    """What a form that updates a record in place starts with."""
    if kind == "self_assessment" and shown.self_assessment is not None:
        a = shown.self_assessment
        return {
            "completed_on": a.completed_on,
            "discussed_on": a.discussed_on,
            "discussed_with": a.discussed_with_id,
            "gaps": a.gaps,
            "resources": a.resources,
            "follow_up": a.follow_up,
        }
    if kind == "coursework" and shown.coursework is not None:
        c = shown.coursework
        return {"psychotherapy": c.psychotherapy, "description": c.description}
    return {}


@policy(SIGNED_IN)
def add(request: HttpRequest, staff_id: int, kind: str) -> HttpResponse:
    """The form for one kind of entry: GET shows it, POST saves it through the service
    and returns to the profile, or shows the form again with the message and what was
    typed (nothing saved)."""
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404("No such part of the staff record.")
    # Whether the person may add to this record at all (403/404, one denial event).
    get_staff_for_user(request.user, staff_id, write=True)
    if request.method == "POST":
        form = spec.form(request.POST, request.FILES)
        if form.is_valid():
            saved = attempt(form, spec.save, request.user, staff_id, form.cleaned_data)
            if saved is not None:
                messages.success(request, spec.done)
                return redirect("workforce:profile", staff_id=staff_id)
    else:
        form = None
    shown = queries.staff_profile(request.user, staff_id)
    if form is None:
        form = spec.form(initial=_initial(kind, shown))
    form.offer(
        training=shown.training,
        supervisors=shown.supervisors if kind == "self_assessment" else (),
        instruments=shown.instruments if kind == "questionnaire" else (),
    )
    return render(
        request,
        "workforce/add.html",
        {
            "form": form,
            "staff": shown.staff,
            "kind": kind,
            "heading": spec.form.heading,
            "nothing_to_attach_to": kind == "evidence" and not shown.training,
        },
    )


@policy(SIGNED_IN)
def evidence(request: HttpRequest, staff_id: int, entry_id: int) -> HttpResponse:
    """The certificate of a training entry, as a download (never shown inline)."""
    file = queries.training_evidence(request.user, staff_id, entry_id)
    response = HttpResponse(bytes(file.data), content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
