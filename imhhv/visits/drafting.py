"""The visits app's forms that keep drafts (imhhv.drafts.registry), registered from
`VisitsConfig.ready()`.

- "visit-note", record key `family-<id>`: a new visit of a family the user may document
  visits for (`get_family_for_user(write=True, capability="document_visits")`: 404 out of
  scope, 403 without the capability, 409 for a discharged family);
  `visit-<id>`: editing a visit, which only its own home visitor does
  (`get_visit_for_user(write=True)`).

Each refusal is one audit event, written by the access function.
"""

from django.http import Http404
from django.urls import reverse

from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.drafts.registry import key_id, register
from imhhv.families.access import get_family_for_user, parse_id
from imhhv.visits.access import get_visit_for_user


def check_visit_note(user, record_key: str) -> None:
    kind = record_key.partition("-")[0]
    if kind == "family":
        get_family_for_user(
            user, key_id(record_key, "family") or 0, write=True, capability="document_visits"
        )
    elif kind == "visit":
        get_visit_for_user(user, parse_id(str(key_id(record_key, "visit"))) or 0, write=True)
    else:
        record(
            action="visit.read",
            outcome=Outcome.DENIED,
            user=user,
            object_type="draft",
            object_id=f"visit-note:{record_key}"[:40],
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No such record.")


def _url(record_key: str) -> str:
    if record_key.startswith("family-"):
        return reverse("visits:new", kwargs={"family_id": key_id(record_key, "family") or 0})
    return reverse("visits:edit", kwargs={"pk": key_id(record_key, "visit") or 0})


def register_forms() -> None:
    register(
        "visit-note",
        check=check_visit_note,
        urls={
            "visits:new": lambda kw: f"family-{kw.get('family_id')}",
            "visits:edit": lambda kw: f"visit-{kw.get('pk')}",
        },
        url=_url,
    )
