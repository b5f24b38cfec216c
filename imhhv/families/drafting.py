"""The families app's forms that keep drafts (imhhv.drafts.registry), registered from
`FamiliesConfig.ready()`.

- "enrollment", record key `referral-<id>`: the enrollment form of a referral; the user
  must do intake (`manage_intake`, else 403) at the referral's agency (else 404).
- "referral", record key `new`: the new-referral form; needs `manage_intake` (403).

Each refusal is one audit event (the access function's, or the one written here).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.drafts.registry import key_id, register
from imhhv.families.access import get_referral_for_user


def _require_intake(user, form: str) -> None:
    if not user.can("manage_intake"):
        record(
            action="draft.write",
            outcome=Outcome.DENIED,
            user=user,
            object_type="draft",
            object_id=form,
            details={"reason": "missing capability manage_intake"},
        )
        raise PermissionDenied


def check_enrollment(user, record_key: str) -> None:
    _require_intake(user, "enrollment")
    get_referral_for_user(user, key_id(record_key, "referral") or 0)


def check_referral(user, record_key: str) -> None:
    if record_key != "new":
        record(
            action="draft.write",
            outcome=Outcome.DENIED,
            user=user,
            object_type="draft",
            object_id=f"referral:{record_key}"[:40],
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No such form.")
    _require_intake(user, "referral")


def register_forms() -> None:
    register(
        "enrollment",
        check=check_enrollment,
        urls={"families:enroll": lambda kw: f"referral-{kw.get('pk')}"},
        url=lambda key: reverse("families:enroll", kwargs={"pk": key_id(key, "referral") or 0}),
    )
    register(
        "referral",
        check=check_referral,
        urls={"families:referral_new": lambda kw: "new"},
        url=lambda key: reverse("families:referral_new"),
    )
