"""Who may see which draft: only its author, at the agency where it was written.

A draft is the author's own unfinished typing about a record: nobody else reads it, not
their supervisor, not an administrator (the record itself, once saved, follows the record's
scope). A person who moves to another agency does not see the drafts written at the first
one; they are purged with the others after `DRAFT_RETENTION_DAYS`.

Reading or writing a draft also needs the right to write the record it belongs to: the
registered form's check (`imhhv.drafts.registry`), which answers 404 for a record out of
scope and 403 for a missing capability, audited once by the owning app's access function.
"""

from django.db.models import QuerySet
from django.http import Http404

from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.drafts import registry
from imhhv.drafts.models import Draft


def drafts_visible_to(user) -> QuerySet[Draft]:
    """The user's own drafts written at their current agency (none when signed out)."""
    if user is None or not user.is_authenticated:
        return Draft.objects.none()
    membership = user.membership
    if membership is None:
        return Draft.objects.none()
    return Draft.objects.filter(user_id=user.pk, agency_id=membership.agency_id)


def check_record(user, *, form: str, record_key: str, action: str) -> registry.DraftForm:
    """The registered form if `user` may write a draft of that record; otherwise raises.

    An unknown form or a malformed key is a 404, audited here as `action` denied; the
    form's own check audits its refusals (once) and raises 404 or 403.
    """
    spec = registry.get_form(form)
    if spec is None or not registry.valid_key(record_key) or not _has_membership(user):
        record(
            action=action,
            outcome=Outcome.DENIED,
            user=user,
            object_type="draft",
            object_id=f"{form}:{record_key}"[:40],
            details={"reason": "unknown form or record"},
        )
        raise Http404("No such form.")
    spec.check(user, record_key)
    return spec


def _has_membership(user) -> bool:
    return user is not None and user.is_authenticated and user.membership is not None
