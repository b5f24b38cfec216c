"""Drafts in a page view: restore on GET, save on POST, discard after success.

    state = draft_state(request, form="visit-note", record_key=f"family-{family.pk}")
    data = request.POST if request.method == "POST" else state.data
    form = VisitForm(data, ...)          # bound to the draft on GET when there is one
    ... when the service succeeded:
    discard(request, form="visit-note", record_key=f"family-{family.pk}")
    return render(request, "...", {"draft": state, ...})

and in the template, inside the <form> element:

    <form method="post" {% include "drafts/_attrs.html" %}>
    {% include "drafts/_status.html" %}

GET reads the draft (`queries.draft_for`, audited when there is one). POST keeps what was
submitted as the draft (the path without JavaScript: "the draft saves on submit"), so a
submit refused by validation or by the service still leaves a draft. The save happens
after the view has answered (`DraftMiddleware`), and `discard()` cancels it: a successful
submit writes no draft at all (the audit trail shows the record's write, and a discard
only when a draft existed), and a submit answered with a refusal page (404, 403, 500)
writes none either. The POST must be the user's own form page: the view has already
checked access before it calls `draft_state`.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone

from imhhv.drafts import queries, services

PENDING = "_imhhv_draft_pending"
# The answers after which a submitted form is kept as a draft: the form came back (with
# its errors, or a conflict to resolve). Not after a redirect (saved, or sent elsewhere),
# nor after a refusal page (nothing of the user's to keep).
KEEP_AFTER_STATUS = frozenset({200, 400, 409, 422})


@dataclass
class DraftState:
    form: str
    record_key: str
    data: QueryDict | None = None  # the restored draft on GET, else None
    saved_at: datetime | None = None  # when the shown draft was saved
    restored: bool = False  # the page shows a draft restored from the server
    saved_now: bool = False  # a POST: what was submitted is kept as the draft
    urls: dict = field(default_factory=dict)

    @property
    def save_url(self) -> str:
        return reverse("drafts:save", kwargs={"form": self.form, "record_key": self.record_key})

    @property
    def discard_url(self) -> str:
        return reverse("drafts:discard", kwargs={"form": self.form, "record_key": self.record_key})


def draft_state(request: HttpRequest, *, form: str, record_key: str) -> DraftState:
    """The draft of this form and record for the page (see the module docstring)."""
    state = DraftState(form=form, record_key=record_key)
    if request.method == "POST":
        setattr(request, PENDING, (form, record_key, request.POST.copy()))
        state.saved_now = True
        state.saved_at = timezone.now()
        return state
    draft = queries.draft_for(request.user, form=form, record_key=record_key, view="page")
    if draft is not None:
        state.data = to_querydict(draft.data)
        state.saved_at = draft.updated_at
        state.restored = True
    return state


def discard(request: HttpRequest, *, form: str, record_key: str) -> bool:
    """The record was saved: drop its draft (audited when there was one), keep none."""
    pending = getattr(request, PENDING, None)
    if pending is not None and pending[:2] == (form, record_key):
        setattr(request, PENDING, None)
    return services.discard_draft(
        user=request.user, form=form, record_key=record_key, reason="saved"
    )


def save_pending(request: HttpRequest, status_code: int) -> None:
    """Called by `DraftMiddleware` once the view has answered."""
    pending = getattr(request, PENDING, None)
    if pending is None or status_code not in KEEP_AFTER_STATUS:
        return
    form, record_key, data = pending
    setattr(request, PENDING, None)
    services.save_draft(
        user=request.user, form=form, record_key=record_key, data=data, via="submit"
    )


def to_querydict(data: dict) -> QueryDict:
    """A stored draft as the QueryDict a form binds to (immutable, like request.POST)."""
    query = QueryDict(mutable=True)
    for name, values in (data or {}).items():
        query.setlist(name, list(values) if isinstance(values, list) else [str(values)])
    query._mutable = False
    return query
