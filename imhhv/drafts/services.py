"""Writing drafts: save (as the person types, on submit, after a timeout), discard, purge.

Each is one keyword-only call writing one audit event: `draft.save`, `draft.discard`,
`draft.purge`. A save the user may not do is one denied event (written by the check of the
form's owning app, see `imhhv.drafts.access`). The event names the form and the record key
(ids), never what was typed.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from imhhv.audit.services import record
from imhhv.drafts.access import check_record, drafts_visible_to
from imhhv.drafts.errors import DraftInvalid
from imhhv.drafts.models import Draft

# Never kept in a draft: the CSRF token (stale after the next sign-in) and anything secret.
SKIPPED_FIELDS = frozenset({"csrfmiddlewaretoken", "password", "otp_token", "token"})
MAX_FIELDS = 400
MAX_VALUES_PER_FIELD = 100
MAX_FIELD_NAME = 100
MAX_VALUE_LENGTH = 50_000
MAX_TOTAL_LENGTH = 500_000


def clean_data(data) -> dict[str, list[str]]:
    """`data` (a QueryDict, or a dict of field -> string or list of strings) as stored.

    Raises `DraftInvalid` (400, field errors) for anything that is not a form's fields or
    is larger than any form of ours could be; nothing is saved then.
    """
    items = data.lists() if hasattr(data, "lists") else getattr(data, "items", lambda: None)()
    if items is None:
        raise DraftInvalid({"data": ["The draft must be an object of field names and values."]})
    cleaned: dict[str, list[str]] = {}
    total = 0
    for name, values in items:
        if name in SKIPPED_FIELDS:
            continue
        if not isinstance(name, str) or not name or len(name) > MAX_FIELD_NAME:
            raise DraftInvalid({"data": ["A field name is empty or too long."]})
        if "\x00" in name:  # PostgreSQL's JSON cannot hold it (a 500 before)
            raise DraftInvalid({"data": ["A field name holds a character that is not text."]})
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            raise DraftInvalid({name: ["A field's value must be text or a list of texts."]})
        if len(values) > MAX_VALUES_PER_FIELD:
            raise DraftInvalid({name: ["Too many values for one field."]})
        for value in values:
            if len(value) > MAX_VALUE_LENGTH:
                raise DraftInvalid({name: ["This field is too long to keep as a draft."]})
            if "\x00" in value:
                raise DraftInvalid({name: ["This field holds a character that is not text."]})
            total += len(value)
        cleaned[name] = list(values)
    if len(cleaned) > MAX_FIELDS:
        raise DraftInvalid({"data": ["Too many fields for one form."]})
    if total > MAX_TOTAL_LENGTH:
        raise DraftInvalid({"data": ["The draft is too long to keep."]})
    return cleaned


def save_draft(*, user, form: str, record_key: str, data, via: str = "autosave") -> Draft:
    """Create or replace `user`'s draft of `form` for `record_key`.

    `via` says how it came ("autosave", "submit", "timeout", "api") for the audit event.
    Raises Http404 / PermissionDenied (the record is not the user's to write: one denied
    event) or `DraftInvalid` (bad data, nothing saved). The check runs before the write's
    transaction, so the denial's event is not rolled back with it.
    """
    check_record(user, form=form, record_key=record_key, action="draft.save")
    cleaned = clean_data(data)
    with transaction.atomic():
        return _write(user=user, form=form, record_key=record_key, data=cleaned, via=via)


def _write(*, user, form: str, record_key: str, data: dict, via: str) -> Draft:
    cleaned = data
    now = timezone.now()
    draft = drafts_visible_to(user).filter(form=form, record_key=record_key).first()
    if draft is None:
        # A draft of the same form and record written at a former agency is replaced.
        Draft.objects.filter(user_id=user.pk, form=form, record_key=record_key).delete()
        draft = Draft(
            user=user,
            agency_id=user.membership.agency_id,
            form=form,
            record_key=record_key,
            created_at=now,
        )
    draft.data = cleaned
    draft.updated_at = now
    draft.save()
    record(
        action="draft.save",
        user=user,
        target=draft,
        details={"form": form, "record_key": record_key, "via": via, "fields": len(cleaned)},
    )
    return draft


@transaction.atomic
def discard_draft(*, user, form: str, record_key: str, reason: str = "discarded") -> bool:
    """Delete `user`'s draft of that form and record; True when there was one.

    Called when the record is saved (`reason="saved"`) and when the person discards it.
    No draft, nothing touched: no event.
    """
    draft = (
        Draft.objects.filter(user_id=getattr(user, "pk", None), form=form, record_key=record_key)
        .only("pk")
        .first()
    )
    if draft is None:
        return False
    draft_id = draft.pk
    draft.delete()
    record(
        action="draft.discard",
        user=user,
        object_type="draft",
        object_id=draft_id,
        details={"form": form, "record_key": record_key, "reason": reason},
    )
    return True


@transaction.atomic
def purge_expired(*, now: datetime | None = None) -> int:
    """Delete every draft untouched for `DRAFT_RETENTION_DAYS`; one event with the count."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DRAFT_RETENTION_DAYS)
    expired = Draft.objects.filter(updated_at__lt=cutoff)
    ids = list(expired.values_list("pk", flat=True))
    if ids:
        Draft.objects.filter(pk__in=ids).delete()
    record(
        action="draft.purge",
        object_type="draft",
        details={
            "deleted": len(ids),
            "cutoff": cutoff.isoformat(),
            "retention_days": settings.DRAFT_RETENTION_DAYS,
        },
    )
    return len(ids)
