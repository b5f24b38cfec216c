"""Reading drafts: one draft (to restore a form), and the list of my drafts.

Each read is one call writing one audit event when it shows a draft (`draft.read`,
`draft.list`); a record the user may not write is the form check's one denied event.
"""

from dataclasses import dataclass
from datetime import datetime

from imhhv.audit.services import record
from imhhv.drafts import registry
from imhhv.drafts.access import check_record, drafts_visible_to
from imhhv.drafts.models import Draft


def draft_for(user, *, form: str, record_key: str, view: str = "") -> Draft | None:
    """The user's draft of `form` for `record_key`, or None; audited when there is one.

    The record must still be the user's to write (the form's check): a family transferred
    to another home visitor takes its drafts out of reach with it (404).
    """
    check_record(user, form=form, record_key=record_key, action="draft.read")
    draft = drafts_visible_to(user).filter(form=form, record_key=record_key).first()
    if draft is not None:
        details = {"form": form, "record_key": record_key}
        if view:
            details["view"] = view
        record(action="draft.read", user=user, target=draft, details=details)
    return draft


@dataclass(frozen=True)
class DraftRow:
    form: str
    record_key: str
    updated_at: datetime
    url: str


def my_drafts(user) -> list[DraftRow]:
    """The user's drafts, newest first, with the page to resume each (no content)."""
    rows = [
        DraftRow(
            form=d.form,
            record_key=d.record_key,
            updated_at=d.updated_at,
            url=registry.form_url(d.form, d.record_key),
        )
        for d in drafts_visible_to(user)
        .order_by("-updated_at")
        .only("form", "record_key", "updated_at")
    ]
    record(action="draft.list", user=user, object_type="draft", details={"count": len(rows)})
    return rows
