"""Draft endpoints for the pages: the autosave target of `static/js/drafts.js`, and the
discard confirmation.

`save` answers JSON: `{"saved_at": ISO time, "message": "Draft saved at 7:42 PM"}`, 400
`{"errors": {field: [messages]}}` for bad input, 404 for an unknown form or a record out of
the user's scope, 403 for a missing capability (the refusals are the form check's, audited
once). It is CSRF-protected like any form POST (the form's own token travels in the body).
A request to it that arrives after the idle timeout is kept by `DraftMiddleware` (401 JSON).

Discarding is a page of its own (GET: "Discard this draft?", POST: discard), linked from
`templates/drafts/_status.html`: a discard button inside the form would be the form's
default button for the Enter key, and one keystroke must not throw a note away.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from imhhv.accounts.policies import SIGNED_IN, policy
from imhhv.drafts import registry, services
from imhhv.drafts.access import check_record
from imhhv.drafts.errors import DraftInvalid


def saved_message(saved_at) -> str:
    local = timezone.localtime(saved_at)
    return f"Draft saved at {formats.time_format(local, 'g:i A')}"


@policy(SIGNED_IN)
@require_POST
def save(request: HttpRequest, form: str, record_key: str) -> HttpResponse:
    try:
        draft = services.save_draft(
            user=request.user, form=form, record_key=record_key, data=request.POST
        )
    except DraftInvalid as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return JsonResponse(
        {"saved_at": draft.updated_at.isoformat(), "message": saved_message(draft.updated_at)}
    )


@policy(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, form: str, record_key: str) -> HttpResponse:
    back = _back_url(request, form, record_key)
    if request.method == "POST":
        services.discard_draft(user=request.user, form=form, record_key=record_key)
        messages.success(request, "Draft discarded.")
        return redirect(back)
    # The confirmation shows no content, but only for a record the user may write.
    check_record(request.user, form=form, record_key=record_key, action="draft.read")
    return render(request, "drafts/discard.html", {"back": back})


def _back_url(request: HttpRequest, form: str, record_key: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return registry.form_url(form, record_key) or "/"
