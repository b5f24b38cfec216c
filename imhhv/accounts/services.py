"""Writes about accounts: signing in and out, two-factor, memberships, deactivation.

Each function is keyword-only, atomic, and writes its audit event in the same
transaction.
"""

import math
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhhv.accounts.middleware import start_session_clock
from imhhv.accounts.models import Membership, User, UserSession
from imhhv.agencies.models import Agency, Team
from imhhv.audit.models import Outcome
from imhhv.audit.services import diff, record
from imhhv.core.roles import Role

RECOVERY_DEVICE_NAME = "recovery codes"


@transaction.atomic
def sign_in(*, request: HttpRequest, user: User) -> None:
    """Start a server-side session for a user whose password was checked."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    start_session_clock(request)
    request.session.save()
    UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)
    record(action="login", user=user)


def record_failed_sign_in(*, username: str, locked_out: bool) -> None:
    record(
        action="login.locked_out" if locked_out else "login",
        outcome=Outcome.DENIED if locked_out else Outcome.FAILURE,
        details={"attempted_username": username[:150]},
    )


@transaction.atomic
def sign_out(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        record(action="logout", user=user)
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    logout(request)


def end_sessions(*, user: User) -> int:
    """Delete every server-side session of `user`; returns how many ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def deactivate_user(*, user: User, by: User | None, on: date | None = None) -> None:
    """Deactivate an account: end its membership, sessions and API tokens at once."""
    from imhhv.api.services import revoke_all_tokens

    on = on or timezone.localdate()
    ended = Membership.objects.active_on(on).filter(user=user).update(end_date=on)
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = end_sessions(user=user)
    tokens = revoke_all_tokens(user=user)
    record(
        action="user.deactivate",
        user=by,
        target=user,
        details={"memberships_ended": ended, "sessions_ended": sessions, "tokens_revoked": tokens},
        changes={"is_active": [True, False]},
    )


def _membership_snapshot(m: Membership | None) -> dict:
    if m is None:
        return {}
    return {
        "role": m.role,
        "agency_id": m.agency_id,
        "team_id": m.team_id,
        "fte": str(m.fte),
    }


@transaction.atomic
def change_membership(
    *,
    user: User,
    role: Role,
    agency: Agency | None,
    team: Team | None,
    fte: Decimal = Decimal("1.00"),
    start_date: date | None = None,
    by: User | None,
) -> Membership:
    """Give `user` a new role/agency/team from `start_date`, ending the current one the
    day before, so the history of memberships stays."""
    start_date = start_date or timezone.localdate()
    current = (
        Membership.objects.select_for_update()
        .active_on(start_date)
        .filter(user=user)
        .order_by("-start_date")
        .first()
    )
    if current is not None:
        # A same-day correction keeps the old row as a one-day record; the newest wins.
        current.end_date = max(current.start_date, start_date - timedelta(days=1))
        current.save(update_fields=["end_date"])
    membership = Membership(
        user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date
    )
    membership.full_clean()
    membership.save()
    user.__dict__.pop("membership", None)
    record(
        action="membership.change",
        user=by,
        target=user,
        details={"membership_id": membership.pk, "start_date": start_date.isoformat()},
        changes=diff(_membership_snapshot(current), _membership_snapshot(membership)),
    )
    return membership


# Two-factor -----------------------------------------------------------------------------


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (created on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrollment(
    *, request: HttpRequest, device: TOTPDevice, code: str
) -> list[str] | None:
    """Confirm the device if `code` is right: returns fresh recovery codes, else None."""
    user = request.user
    if not device.verify_token(code.strip().replace(" ", "")):
        record(action="mfa.enroll", outcome=Outcome.FAILURE, user=user)
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user=user)
    otp_login(request, device)
    record(action="mfa.enroll", user=user, details={"device": "totp"})
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    codes = _new_recovery_codes(user=user)
    record(action="mfa.recovery_codes_regenerated", user=user)
    return codes


def _new_recovery_codes(*, user: User) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [
        f"{secrets.token_hex(3)}-{secrets.token_hex(3)}"
        for _ in range(settings.RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@transaction.atomic
def verify_second_factor(*, request: HttpRequest, code: str) -> bool:
    """Check an authenticator code or a recovery code; mark the session verified."""
    from django_otp import match_token

    user = request.user
    token = code.strip().replace(" ", "").lower()
    device = match_token(user, token) if token else None
    if device is None:
        record(action="mfa.verify", outcome=Outcome.FAILURE, user=user)
        return False
    otp_login(request, device)
    used_recovery = isinstance(device, StaticDevice)
    record(
        action="mfa.verify",
        user=user,
        details={"method": "recovery code" if used_recovery else "authenticator"},
    )
    return True


@transaction.atomic
def remove_two_factor(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(action="mfa.remove", user=user)


def seconds_until_code_allowed(*, device: TOTPDevice | None) -> int:
    """After wrong codes django-otp pauses a device (1, 2, 4 ... seconds); how long is left."""
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    locked_until = (data or {}).get("locked_until")
    if allowed or locked_until is None:
        return 0
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def confirmed_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def create_staff(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    role: Role,
    agency: Agency | None,
    team: Team | None,
    fte: Decimal,
    start_date: date,
    by: User,
) -> User:
    """A new staff account with its first membership."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    membership = Membership(
        user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date
    )
    membership.full_clean()
    membership.save()
    record(
        action="user.create",
        user=by,
        target=user,
        details={"membership_id": membership.pk, "start_date": start_date.isoformat()},
        changes=diff({}, _membership_snapshot(membership)),
    )
    return user
