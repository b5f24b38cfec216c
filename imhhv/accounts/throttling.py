"""The limit on failed sign-ins per source address, across usernames.

django-axes locks a username at one address after `AXES_FAILURE_LIMIT` failures; that
does nothing against one address trying a few passwords on many usernames (password
spraying). So, as well:

    an address with SIGN_IN_ADDRESS_FAILURE_LIMIT failed sign-ins (default 20) within
    SIGN_IN_ADDRESS_WINDOW (default 15 minutes) may not sign in at all, with any username,
    until enough of those failures are older than the window.

Both numbers are settings (environment variables SIGN_IN_ADDRESS_FAILURE_LIMIT and
SIGN_IN_ADDRESS_WINDOW_MINUTES). 20 leaves room for an agency office behind one NAT
address on a bad morning (four people locking themselves out is 20 failures) while
stopping a spray at 20 guesses per quarter hour. Page and API share it:
`AddressLockoutBackend` (first in `AUTHENTICATION_BACKENDS`) refuses the attempt inside
`authenticate()`, before any password is checked, and flags the request the way
django-axes does, so the person gets the same neutral lockout message and 429 as for the
per-username lock, and `record_failed_sign_in` audits it as `login.locked_out` with
`limit: address`.

Counted: every failed or refused sign-in from the address except those the address lock
itself refused (so the lock lifts on time). A successful sign-in does not reset the count:
one valid account must not let an address keep guessing others. Failures live in the
database (`SignInFailure`), shared by every app server; rows leave once out of the window.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from imhhv.accounts.models import SignInFailure
from imhhv.audit.middleware import client_ip

# Set on the request when this limit refused it (django-axes's own flag is set as well).
ADDRESS_LOCKED_FLAG = "imhhv_address_locked"


def address_locked(source_ip: str | None, *, now: datetime | None = None) -> bool:
    """Whether `source_ip` has reached the failure limit within the window."""
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    if not source_ip or limit <= 0:
        return False
    since = (now or timezone.now()) - settings.SIGN_IN_ADDRESS_WINDOW
    recent = SignInFailure.objects.filter(source_ip=source_ip, occurred_at__gt=since)
    return recent.count() >= limit


def note_failed_sign_in(*, source_ip: str | None) -> None:
    """Count one failed sign-in against `source_ip`, dropping rows out of the window."""
    if not source_ip:
        return
    now = timezone.now()
    SignInFailure.objects.filter(occurred_at__lte=now - settings.SIGN_IN_ADDRESS_WINDOW).delete()
    SignInFailure.objects.create(source_ip=source_ip, occurred_at=now)


class AddressLockoutBackend:
    """Refuses every sign-in from a locked address, before a password is checked.

    Raising PermissionDenied stops `django.contrib.auth.authenticate` (which then returns
    None and fires `user_login_failed`); setting `axes_locked_out` makes django-axes skip
    counting the refusal and render its lockout response (`imhhv.accounts.views.locked_out`).
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        source_ip = getattr(request, "source_ip", None) or client_ip(request)
        if address_locked(source_ip):
            request.axes_locked_out = True
            setattr(request, ADDRESS_LOCKED_FLAG, True)
            raise PermissionDenied("Too many failed sign-ins from this address.")
        return None

    # No get_user(): this backend never signs anyone in, so sessions (and the test
    # client's force_login) use the backends after it.
