"""Sign in, sign out, two-factor enrollment and verification, the account page."""

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from imhhv.accounts import services
from imhhv.accounts.forms import CodeForm, EnrollForm, LoginForm
from imhhv.accounts.policies import (
    PUBLIC,
    SIGNED_IN,
    SIGNED_IN_UNVERIFIED,
    has_confirmed_device,
    mfa_satisfied,
    policy,
)
from imhhv.accounts.qr import qr_data_uri

GENERIC_LOGIN_ERROR = "That username and password do not match an active account."
LOCKED_OUT_MESSAGE = (
    "Too many failed sign-in attempts. For your security, sign-in is paused for 15 minutes."
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _after_password(request: HttpRequest, user) -> HttpResponse:
    if mfa_satisfied(user):
        return redirect(_next_url(request))
    if has_confirmed_device(user):
        return redirect("accounts:mfa_verify")
    return redirect("accounts:mfa_enroll")


@policy(PUBLIC)
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _after_password(request, request.user)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            services.sign_in(request=request, user=user)
            return _after_password(request, user)
        services.record_failed_sign_in(
            username=username, locked_out=bool(getattr(request, "axes_locked_out", False))
        )
        form.add_error(None, GENERIC_LOGIN_ERROR)
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes lockout response: the same for known and unknown usernames."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT_MESSAGE}, status=429)
    return render(
        request,
        "accounts/login.html",
        {"form": LoginForm(), "locked_message": LOCKED_OUT_MESSAGE, "next": ""},
        status=429,
    )


@require_POST
@policy(SIGNED_IN_UNVERIFIED)
def logout_view(request: HttpRequest) -> HttpResponse:
    services.sign_out(request=request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


def _wait_message(seconds: int) -> str:
    return (
        f"Too many wrong codes in a row. Wait {seconds} second{'s' if seconds != 1 else ''}, "
        "then enter the code your app shows."
    )


@policy(SIGNED_IN_UNVERIFIED)
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_confirmed_device(user):
        return redirect("accounts:mfa_enroll")
    if user.is_verified():
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = CodeForm(request.POST or None)
    code = request.POST.get("code", "").strip()
    wait = services.seconds_until_code_allowed(device=services.confirmed_totp_device(user=user))
    if request.method == "POST" and form.is_valid() and code.isdigit() and wait:
        form.add_error("code", _wait_message(wait))
    elif request.method == "POST" and form.is_valid():
        if services.verify_second_factor(request=request, code=form.cleaned_data["code"]):
            left = services.recovery_codes_left(user=user)
            if left <= 3:
                messages.warning(
                    request,
                    f"You have {left} recovery codes left. Make new ones on your account page.",
                )
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("code", "That code is not valid. Check your app's clock and try again.")
    return render(request, "accounts/mfa_verify.html", {"form": form})


@policy(SIGNED_IN_UNVERIFIED)
def mfa_enroll(request: HttpRequest) -> HttpResponse:
    user = request.user
    if has_confirmed_device(user) and not user.is_verified():
        return redirect("accounts:mfa_verify")
    device = services.pending_totp_device(user=user)
    form = EnrollForm(request.POST or None)
    wait = services.seconds_until_code_allowed(device=device)
    if request.method == "POST" and form.is_valid() and wait:
        form.add_error("code", _wait_message(wait))
    elif request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_enrollment(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "new_enrollment": True}
            )
        form.add_error(
            "code", "That code did not match. Scan the code again and enter the current 6 digits."
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/mfa_enroll.html",
        {
            "form": form,
            "qr_data_uri": qr_data_uri(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "required": user.mfa_required,
        },
    )


@policy(SIGNED_IN)
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    codes = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate" and has_confirmed_device(user):
            codes = services.regenerate_recovery_codes(user=user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        if action == "sign_out_everywhere":
            services.sign_out_everywhere(request=request)
            messages.info(request, "You are signed out everywhere; your API tokens are revoked.")
            return redirect("accounts:login")
        if action == "remove" and has_confirmed_device(user):
            if user.mfa_required and not settings.DEMO_MODE:
                messages.error(
                    request, "Your role requires two-factor sign-in; it cannot be removed."
                )
            else:
                services.remove_two_factor(user=user)
                messages.success(request, "Two-factor sign-in removed.")
            return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "has_mfa": has_confirmed_device(user),
            "codes_left": services.recovery_codes_left(user=user),
            "membership": user.membership,
        },
    )


@require_POST
@policy(SIGNED_IN_UNVERIFIED)
def keepalive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button (static/js/session.js): the request is the activity.

    `SessionTimeoutMiddleware` has already moved the idle clock on; this only answers. Not
    audited: it reads no one's data (the sign-in and the timeout are audited). Without
    JavaScript the dialog's form posts here and comes back to the page.
    """
    idle = int(settings.SESSION_IDLE_TIMEOUT.total_seconds())
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"idle_seconds": idle})
    return redirect(_next_url(request))
