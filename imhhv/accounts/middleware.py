"""Security middleware: headers, session timeouts and deny-by-default access policies."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from imhhv.accounts.policies import policy_of
from imhhv.audit.models import Outcome
from imhhv.audit.services import record

SESSION_STARTED = "imhhv_started_at"
SESSION_LAST_SEEN = "imhhv_last_seen_at"


class SecurityHeadersMiddleware:
    """Content-Security-Policy (Django 5.2 has none built in) and no caching of PHI."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        # Pages may show PHI: browsers and proxies must not keep them. Static files may.
        if not request.path.startswith("/" + settings.STATIC_URL.strip("/") + "/"):
            response.setdefault("Cache-Control", "no-store")
        return response


class SessionTimeoutMiddleware:
    """HIPAA automatic logoff: 15 minutes idle, 12 hours after sign-in at most.

    Timestamps live in the server-side session; logging out flushes it, so an old cookie
    is worthless afterwards.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            started = _read_time(request.session.get(SESSION_STARTED))
            last_seen = _read_time(request.session.get(SESSION_LAST_SEEN))
            reason = None
            if started is None or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason = "absolute"
            elif last_seen is None or now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                reason = "idle"
            if reason:
                record(action="session.timeout", user=user, details={"reason": reason})
                logout(request)
                # Who was signed out, for the drafts middleware right after this one: a
                # POST that came too late is kept as that user's draft (imhhv/drafts).
                request.timed_out_user = user
                if not request.path.startswith("/api/"):
                    messages.info(
                        request,
                        "You were signed out after a period of inactivity."
                        if reason == "idle"
                        else "Your session reached its 12-hour limit. Please sign in again.",
                    )
            else:
                request.session[SESSION_LAST_SEEN] = now.isoformat()
        return self.get_response(request)


def _read_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def start_session_clock(request: HttpRequest) -> None:
    now = timezone.now().isoformat()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


class AccessPolicyMiddleware:
    """Deny by default: a view without a declared policy is refused for everyone.

    Page views are checked here. DRF views authenticate inside the view (tokens), so their
    policy is checked by `imhhv.api.permissions.PolicyPermission`; here we only insist
    that they declare one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        declared = policy_of(view_func)
        if declared is None:
            record(
                action="access.undeclared",
                outcome=Outcome.DENIED,
                details={"path_name": _url_name(request)},
            )
            raise PermissionDenied("This page declares no access policy.")
        if hasattr(view_func, "cls"):  # DRF view: PolicyPermission decides.
            return None
        return enforce_page_policy(request, declared)


def _url_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def enforce_page_policy(request: HttpRequest, declared) -> HttpResponse | None:
    from imhhv.accounts.policies import has_confirmed_device, mfa_satisfied

    user = request.user
    if not declared.requires_login:
        return None
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if declared.requires_mfa and not mfa_satisfied(user):
        if has_confirmed_device(user):
            return redirect("accounts:mfa_verify")
        return redirect("accounts:mfa_enroll")
    if declared.capability and not user.can(declared.capability):
        record(
            action="access.capability",
            outcome=Outcome.DENIED,
            details={"capability": declared.capability, "view": _url_name(request)},
        )
        raise PermissionDenied
    return None
