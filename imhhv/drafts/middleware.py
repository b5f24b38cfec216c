"""Drafts around the request: the POST that came too late, and the save-on-submit.

`DraftMiddleware` sits right after `SessionTimeoutMiddleware` (config/settings.py):

1. A POST that arrives after the idle (or absolute) timeout used to lose what was typed:
   the session is gone, the user is redirected to sign in, and the form comes back empty.
   `SessionTimeoutMiddleware` now leaves the user it signed out on the request
   (`request.timed_out_user`); when the POST is to a registered draft form (its URL name
   and kwargs resolve to a form and record key through `imhhv.drafts.registry`) and its
   CSRF token is valid, what was submitted is saved as that user's draft (one
   `draft.save` event, via "timeout", if they may still write the record), and the request
   goes on to the usual redirect to sign in with `?next=` the form's page. After signing in
   again the form opens with the draft restored. The autosave endpoint answers 401 JSON
   instead of a redirect, so the page's script can say what happened.
2. After the view: the submitted form a view asked to keep (`pages.draft_state` on POST)
   is saved, unless the view discarded it (see `imhhv.drafts.pages`).

The timeout path runs before Django's CSRF check, so it checks the token itself: a forged
cross-site POST must not write into anyone's drafts.
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve, reverse

from imhhv.core.errors import DomainError
from imhhv.drafts import pages, registry, services

logger = logging.getLogger(__name__)

KEPT_MESSAGE = "What you were typing is kept as a draft: it will be there when you sign in."


class DraftMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timed_out = getattr(request, "timed_out_user", None)
        if timed_out is not None and request.method == "POST":
            answer = self._keep_timed_out_post(request, timed_out)
            if answer is not None:
                return answer
        response = self.get_response(request)
        if getattr(request, pages.PENDING, None) is not None:
            try:
                pages.save_pending(request, response.status_code)
            except (ValidationError, PermissionDenied, Http404, DomainError) as error:
                # The page has answered already; a draft too large or no longer allowed is
                # not kept (the refusal, if any, is audited by the check). Ids only.
                logger.warning("draft not kept after submit: %s", type(error).__name__)
        return response

    def _keep_timed_out_post(self, request: HttpRequest, user) -> HttpResponse | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name == "drafts:save":
            target = (match.kwargs.get("form", ""), match.kwargs.get("record_key", ""))
        else:
            target = registry.form_for_url(match.view_name, match.kwargs)
        if target is None or not _csrf_ok(request):
            return None
        form, record_key = target
        kept = False
        # The access checks audit their refusals as the request's user: for this one save
        # that is the person just signed out, so the trail names them, not "anonymous".
        signed_out_as = request.user
        request.user = user
        try:
            services.save_draft(
                user=user, form=form, record_key=record_key, data=request.POST, via="timeout"
            )
            kept = True
        except (ValidationError, PermissionDenied, Http404, DomainError) as error:
            logger.warning("draft not kept after timeout: %s", type(error).__name__)
        finally:
            request.user = signed_out_as
        if match.view_name == "drafts:save":
            return JsonResponse(
                {
                    "signed_out": True,
                    "kept": kept,
                    "login_url": reverse("accounts:login"),
                    "message": "You were signed out after a period of inactivity. "
                    + (KEPT_MESSAGE if kept else "Copy what you typed before signing in."),
                },
                status=401,
            )
        if kept:
            messages.info(request, KEPT_MESSAGE)
        return None


def _csrf_ok(request: HttpRequest) -> bool:
    """Django's own CSRF check, run early (None from process_view means it passed)."""
    checker = CsrfViewMiddleware(lambda r: HttpResponse())
    return checker.process_view(request, _plain_view, (), {}) is None


def _plain_view(request):  # a stand-in view for the CSRF check: not exempt
    return HttpResponse()
