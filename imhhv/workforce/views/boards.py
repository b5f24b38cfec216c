"""Boards and figures of the workforce app: the agency's staff board, compliance per team,
agency or state, the state evaluation's ninth domain and the learning-collaborative
cohorts.

Each page is an adapter over one call in `imhhv.workforce.queries` (reads) or
`imhhv.workforce.services` (the cohort forms): parse the input's shape, call, render.
Who may see what, the suppression of small cells and the one audit event live in those
calls; a refusal there is a 403 page with its message (`reports.errors`).

The cohorts page lists staff to enroll only on its own step (`?enroll=<cohort id>`, the
staff from `accounts.queries.staff_list`), so each request stays one use case and one
audit event.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.pages import attempt
from imhhv.accounts.policies import SIGNED_IN, capability, policy
from imhhv.accounts.queries import staff_list
from imhhv.accounts.staff_filters import StaffFilters
from imhhv.core import workforce as rules
from imhhv.core.roles import ROLE_LABELS, Role
from imhhv.workforce import queries, services
from imhhv.workforce.access import compliance_levels_for
from imhhv.workforce.queries import QUALIFIED, SUPERVISED_WEEKLY, Cell

# Short column heads for the boards (the full label is the heading's title text).
SHORT_LABELS = {
    rules.DEGREE: "Degree",
    rules.LICENSE: "License",
    rules.COURSEWORK: "Psychotherapy coursework",
    rules.ENDORSEMENT: "Endorsement or waiver",
    rules.SELF_ASSESSMENT: "Self-assessment",
    rules.COLLABORATIVE: "Learning collaborative",
    rules.CONTINUING_EDUCATION: "CE hours",
    rules.RELATIONSHIP_HOURS: "Relationship-based hours",
    rules.SUPERVISION_HOURS: "RS hours toward endorsement",
    QUALIFIED: "Qualified staff",
    SUPERVISED_WEEKLY: "Home visitors supervised weekly",
}
FULL_LABELS = {
    **rules.REQUIREMENT_LABELS,
    QUALIFIED: "Qualified staff: degree, license, coursework (supervisors) and endorsement "
    "or waiver met or due soon",
    SUPERVISED_WEEKLY: "Home visitors with reflective supervision in at least 9 of 10 weeks "
    "(the last 12 full weeks, weeks on leave left out)",
}
LEVEL_LABELS = {"team": "Per team", "agency": "Per agency", "state": "Michigan"}


def _columns(names) -> list[dict]:
    return [{"name": n, "short": SHORT_LABELS[n], "full": FULL_LABELS[n]} for n in names]


# ---------------------------------------------------------------- the agency's staff board


@policy(capability("manage_staff"))
def staff_board(request: HttpRequest) -> HttpResponse:
    """The agency administrator's board: what is due in the next 90 days, then everyone."""
    board = queries.agency_staff_board(request.user)
    rows = []
    for row in board.rows:
        by_name = {r.name: r for r in row.record.requirements}
        rows.append(
            {
                "row": row,
                "role": ROLE_LABELS.get(Role(row.membership.role), row.membership.role),
                "cells": [by_name.get(name) for name in rules.REQUIREMENT_ORDER],
            }
        )
    return render(
        request,
        "workforce/staff_board.html",
        {
            "board": board,
            "rows": rows,
            "columns": _columns(rules.REQUIREMENT_ORDER),
            "status_labels": rules.STATUS_LABELS,
            "expiring": [
                {"row": row, "what": what, "when": when, "days": (when - board.today).days}
                for row, what, when in board.expiring
            ],
        },
    )


# ---------------------------------------------------------------- compliance


def _default_level(levels: list[str]) -> str:
    if "agency" in levels:
        return "agency"
    return levels[0] if levels else "team"  # nobody's level: the query refuses it


def _cell(cell: Cell, suppressed: bool) -> dict:
    """What one cell shows. For suppressed figures only a rate that gives nothing away
    (`Cell.share`, through the one suppression function) appears, with its counts."""
    if cell.of == 0:
        return {"kind": "none"}
    if cell.met is None or cell.of is None or (suppressed and cell.share is None):
        return {"kind": "suppressed"}
    return {"kind": "shown", "met": cell.met, "of": cell.of, "share": cell.share}


@policy(SIGNED_IN)
def compliance(request: HttpRequest) -> HttpResponse:
    """The share of staff meeting each requirement at `?level=` (team, agency, state)."""
    levels = compliance_levels_for(request.user)
    level = request.GET.get("level") or _default_level(levels)
    problem = ""
    report = None
    try:
        report = queries.compliance(request.user, level)
    except ValidationError as error:  # a level that does not exist: say so, no figures
        problem = " ".join(error.message_dict.get("level", error.messages))
    rows = []
    if report is not None:
        shown = [*report.rows, *([report.total] if report.total else [])]
        rows = [
            {
                "row": row,
                "total": row is report.total,
                "cells": [_cell(row.cells[c], report.suppressed) for c in report.columns],
            }
            for row in shown
        ]
    return render(
        request,
        "workforce/compliance.html",
        {
            "report": report,
            "rows": rows,
            "columns": _columns(report.columns) if report else [],
            "level": level,
            "levels": [(name, LEVEL_LABELS[name]) for name in levels],
            "problem": problem,
            "ninth_domain": request.user.can("view_state_reports"),
        },
        status=400 if problem else 200,
    )


def _fiscal_year(value: str) -> tuple[int | None, str]:
    """The `?fy=` asked for (shape only: a four-digit year), or None and why not."""
    value = value.strip()
    if not value:
        return None, ""
    if not (value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2100):
        return None, "Give the fiscal year as four digits, for example 2026 (October to September)."
    return int(value), ""


@policy(capability("view_state_reports"))
def ninth_domain(request: HttpRequest) -> HttpResponse:
    """The state evaluation's therapist / therapy / reflective supervision domain for
    `?fy=`. A fiscal year that cannot be shown keeps what was typed beside its message,
    and the figures are those of the current fiscal year instead."""
    typed = request.GET.get("fy", "")
    fiscal_year, problem = _fiscal_year(typed)
    try:
        domain = queries.ninth_domain(request.user, fiscal_year=fiscal_year)
    except ValidationError as error:  # a fiscal year that has not begun (nothing read yet)
        problem = " ".join(error.message_dict.get("fiscal_year", error.messages))
        domain = queries.ninth_domain(request.user)
    return render(
        request,
        "workforce/ninth_domain.html",
        {
            "domain": domain,
            "problem": problem,
            "typed": typed if problem else str(domain.fiscal_year),
            "start": rules.fiscal_year_start(domain.fiscal_year),
            "end": rules.fiscal_year_end(domain.fiscal_year),
        },
    )


# ---------------------------------------------------------------- learning collaborative

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CohortForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    trainers = forms.CharField(label="Trainers", max_length=300)
    start = forms.DateField(label="Starts", widget=DATE)
    end = forms.DateField(label="Ends", widget=DATE)
    instruction_sessions = forms.IntegerField(label="Instruction sessions", min_value=0)
    coaching_calls = forms.IntegerField(label="Coaching calls", min_value=0)


class EnrollForm(forms.Form):
    """The person is a select for the eye; any id passes the shape check and the service
    decides (found through access, a home visitor or supervisor, not yet a member), so
    a POST needs no staff list read."""

    cohort = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    staff = forms.IntegerField(
        label="Home visitor or supervisor",
        min_value=1,
        widget=forms.Select,
        error_messages={"required": "Choose a person.", "invalid": "Choose a person."},
    )

    def offer(self, choices: list[tuple[int, str]]) -> "EnrollForm":
        self.fields["staff"].widget.choices = [("", "Choose a person"), *choices]
        return self


class AttendanceForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    instruction_attended = forms.IntegerField(label="Instruction sessions attended", min_value=0)
    coaching_attended = forms.IntegerField(label="Coaching calls attended", min_value=0)
    completed_on = forms.DateField(label="Completed on", required=False, widget=DATE)


ACTIONS = ("create", "enroll", "attendance")


def _staff_choices(user) -> list[tuple[int, str]]:
    """Home visitors and supervisors the state office may enroll, from the staff list."""
    listed = staff_list(
        user, filters=StaffFilters(status="active"), per_page=2000, via="cohort_enroll"
    )
    choices = []
    for person in listed.page.object_list:
        current = [m for m in person.current_memberships if m.role in rules.ROLES]
        if current:
            m = current[0]
            where = m.agency.name if m.agency else ""
            if m.team:
                where = f"{where} / {m.team.name}"
            choices.append(
                (person.pk, f"{person.display_name()} ({ROLE_LABELS[Role(m.role)]}, {where})")
            )
    return choices


def _int(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _write(user, form, service, /, fields=None, **kwargs):
    """The service's result, or None with its refusal shown on `form`. Only the state
    office's writes go through `attempt`; anyone else's call is refused by the service
    itself outside `attempt`'s savepoint, so that the refusal's audit event is kept
    (the 403 page follows)."""
    if not user.can(services.COHORT_CAPABILITY):
        return service(**kwargs)
    return attempt(form, service, fields=fields, **kwargs)


def _bad_request(request: HttpRequest, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=400)


def _enroll_page(request: HttpRequest, form: EnrollForm) -> HttpResponse:
    """The enroll step (state office): the select filled from one `staff.list` read."""
    form.offer(_staff_choices(request.user))
    return render(
        request, "workforce/cohort_enroll.html", {"form": form}, status=400 if form.errors else 200
    )


@policy(SIGNED_IN)
def cohorts(request: HttpRequest) -> HttpResponse:
    """Every cohort with its members' attendance; for the state office, the forms to
    create a cohort, enroll staff (`?enroll=<cohort id>`) and record attendance (POST
    with an `action`). A refused form comes back with what was typed beside its message."""
    user = request.user
    manages = user.can(services.COHORT_CAPABILITY)
    post = request.POST if request.method == "POST" else None
    action = post.get("action", "") if post is not None else ""
    if post is not None and action not in ACTIONS:
        return _bad_request(request, "Bad request", "The form sent no known action.")

    if action == "enroll":
        form = EnrollForm(post)
        if form.is_valid():
            member = _write(
                user,
                form,
                services.add_cohort_member,
                by=user,
                cohort_id=form.cleaned_data["cohort"],
                staff_id=form.cleaned_data["staff"],
                fields={"cohort": "__all__"},
            )
            if member is not None:
                messages.success(
                    request, f"{member.user.display_name()} enrolled in {member.cohort.name}."
                )
                return redirect(f"{reverse('workforce:cohorts')}#cohort-{member.cohort_id}")
        if not manages:
            return _bad_request(request, "Bad request", "Choose a cohort and a person.")
        return _enroll_page(request, form)
    enroll = request.GET.get("enroll", "").strip()
    if manages and post is None and enroll:
        if not _int(enroll):
            return _bad_request(request, "No such cohort", "Choose a cohort from the list.")
        return _enroll_page(request, EnrollForm(initial={"cohort": _int(enroll)}))

    create = CohortForm(post if action == "create" else None, prefix="new")
    posted_member = _int(post.get("att-member")) if action == "attendance" else 0
    attendance = AttendanceForm(
        post if action == "attendance" else None,
        prefix="att",
        auto_id=f"id_%s_{posted_member}",
    )
    if action == "create" and create.is_valid():
        cohort = _write(user, create, services.create_cohort, by=user, **create.cleaned_data)
        if cohort is not None:
            messages.success(request, f"Cohort {cohort.name} created.")
            return redirect(f"{reverse('workforce:cohorts')}#cohort-{cohort.pk}")
    if action == "attendance" and attendance.is_valid():
        data = attendance.cleaned_data
        member = _write(
            user,
            attendance,
            services.record_cohort_attendance,
            by=user,
            member_id=data["member"],
            instruction_attended=data["instruction_attended"],
            coaching_attended=data["coaching_attended"],
            completed_on=data["completed_on"],
            fields={"member": "__all__"},
        )
        if member is not None:
            messages.success(request, f"Attendance saved for {member.user.display_name()}.")
            return redirect(f"{reverse('workforce:cohorts')}#member-{member.pk}")
    placed = False
    shown = []
    for view in queries.cohorts_for(user):
        members = []
        for member in view.members:
            form = None
            if manages and posted_member == member.pk:
                form, placed = attendance, True  # the refused form, with what was typed
            elif manages:
                form = AttendanceForm(
                    prefix="att",
                    auto_id=f"id_%s_{member.pk}",
                    initial={
                        "member": member.pk,
                        "instruction_attended": member.instruction_attended,
                        "coaching_attended": member.coaching_attended,
                        "completed_on": member.completed_on,
                    },
                )
            members.append({"member": member, "form": form})
        shown.append({"view": view, "members": members})
    return render(
        request,
        "workforce/cohorts.html",
        {
            "cohorts": shown,
            "manages": manages,
            "today": timezone.localdate(),
            "create": create,
            # A refused attendance form whose member is not on the page: its errors on top.
            "attendance_unplaced": attendance if attendance.errors and not placed else None,
        },
        status=400 if create.errors or attendance.errors else 200,
    )
