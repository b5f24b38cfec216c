"""Reflective supervision pages: the sessions one may see, and the form a supervisor
records a session with (or their own consultation with an external consultant).

Thin adapters over `queries.sessions_for`, `queries.session_choices` and
`services.record_session`. Notes reach a page only through `sessions_for`, which fills
them in for the people in each session and nobody else (agency administrators and the
state see that a session took place, never what was said). Every request writes exactly
one audit event: the list's read, the form's choices, the session recorded, or a denial.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from imhhv.accounts.pages import attempt
from imhhv.accounts.policies import SIGNED_IN, capability, policy
from imhhv.drafts.pages import discard, draft_state
from imhhv.workforce import forms, queries, services
from imhhv.workforce.drafting import session_key

NOTES_HIDDEN = "Notes are visible only to the people in the session."


@policy(SIGNED_IN)
def session_list(request: HttpRequest) -> HttpResponse:
    """One's own sessions and, for a supervisor, the team's (`sessions_for` decides),
    filtered by date and optionally by person (`?staff=`, through access: 404/403)."""
    form = forms.SessionFilterForm(request.GET or None)
    context = {"form": form, "notes_hidden": NOTES_HIDDEN}
    if form.is_bound and not form.is_valid():
        # Nothing is read, so nothing is audited: the person fixes the dates first.
        context["rows"] = []
        return render(request, "workforce/sessions.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    rows = queries.sessions_for(
        request.user,
        staff_id=data.get("staff"),
        start=data.get("start"),
        end=data.get("end"),
    )
    context.update(rows=rows, staff_id=data.get("staff"))
    context["may_record"] = request.user.can("supervise")
    return render(request, "workforce/sessions.html", context)


@policy(capability("supervise"))
def session_new(request: HttpRequest) -> HttpResponse:
    """The session form. `?with=consultant` is the supervisor's own consultation with an
    external consultant (no account): the supervisor is the supervisee."""
    consultant = (request.POST or request.GET).get("with") == "consultant"
    # The form keeps a draft (imhhv.drafts): restored on GET, kept on a refused submit.
    draft = draft_state(request, form="supervision-session", record_key=session_key(consultant))
    post = (request.POST if request.method == "POST" else draft.data) or None
    form = forms.SessionForm(post, consultant=consultant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "by": request.user,
            "day": data["day"],
            "started_at": data["started_at"],
            "minutes": data["minutes"],
            "format": data["format"],
            "themes": data["themes"],
            "notes": data["notes"],
        }
        if consultant:
            arguments = {
                "supervisee_ids": [request.user.pk],
                "supervisor_id": None,
                "consultant_name": data["consultant_name"],
                "consultant_credential": data["consultant_credential"],
            }
        else:
            arguments = {
                "supervisee_ids": data["supervisees"],
                "supervisor_id": request.user.pk,
                "families": form.pairs(),
            }
        saved = attempt(
            form,
            services.record_session,
            fields={"supervisee_ids": "supervisees"},
            **common,
            **arguments,
        )
        if saved is not None:
            discard(request, form="supervision-session", record_key=session_key(consultant))
            messages.success(request, f"Session of {saved.day:%-d %B %Y} recorded.")
            return redirect("workforce:sessions")
    # The form shown (first, or again with what was typed): its options are the one read.
    form.offer(queries.session_choices(request.user))
    return render(
        request,
        "workforce/session_new.html",
        {"form": form, "consultant": consultant, "draft": draft},
    )
