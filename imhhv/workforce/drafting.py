"""The workforce forms that keep drafts (imhhv.drafts.registry), registered from
`WorkforceConfig.ready()`.

- "supervision-session", record key `new` (a session with the team) or `consultant`
  (the supervisor's own consultation): the session form, whose notes are long and typed
  after the session; needs `supervise` (403). A draft is its author's only (the drafts
  app's rule), so the notes stay with the person writing them.

Each refusal is one audit event.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.drafts.registry import register

SESSION_KEYS = ("new", "consultant")


def check_session(user, record_key: str) -> None:
    if record_key not in SESSION_KEYS:
        record(
            action="draft.write",
            outcome=Outcome.DENIED,
            user=user,
            object_type="draft",
            object_id=f"supervision-session:{record_key}"[:40],
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No such form.")
    if not user.can("supervise"):
        record(
            action="draft.write",
            outcome=Outcome.DENIED,
            user=user,
            object_type="draft",
            object_id="supervision-session",
            details={"reason": "missing capability supervise"},
        )
        raise PermissionDenied


def session_key(consultant: bool) -> str:
    return "consultant" if consultant else "new"


def register_forms() -> None:
    register(
        "supervision-session",
        check=check_session,
        urls={"workforce:session_new": lambda kw: "new"},
        url=lambda key: (
            reverse("workforce:session_new") + ("?with=consultant" if key == "consultant" else "")
        ),
    )
