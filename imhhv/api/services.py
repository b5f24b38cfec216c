"""Issuing and revoking API tokens. The plain key is shown once and stored as a hash.

Revoking every token of a person is registered with accounts' `access_revoked` hook (in
`ApiConfig.ready()`), so deactivation and "sign out everywhere" reach the API without
accounts importing it.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.api.models import ApiToken
from imhhv.audit.services import record


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_token(*, user: User) -> tuple[str, ApiToken]:
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_key(key),
        created_at=now,
        expires_at=now + settings.API_TOKEN_LIFETIME,
    )
    return key, token


@transaction.atomic
def issue_token(*, user: User) -> tuple[str, ApiToken]:
    """A token for `user` issued outside a sign-in (benchmarks, operator scripts)."""
    key, token = _new_token(user=user)
    record(action="api.token_issued", user=user, target=token)
    return key, token


@transaction.atomic
def sign_in_for_api(*, user: User, second_factor: str | None) -> tuple[str, ApiToken]:
    """A token for `user`, whose password (and second factor, if any) was checked.

    Exactly one audit event, `login` with `via: api`: the token issue and the second
    factor are details of the same sign-in, not events of their own (issue 7 found two).
    """
    key, token = _new_token(user=user)
    record(
        action="login",
        user=user,
        target=token,
        details={"via": "api", "second_factor": second_factor},
    )
    return key, token


@transaction.atomic
def revoke_token(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(action="api.token_revoked", user=token.user, target=token)


def revoke_all_tokens(*, user: User) -> int:
    """Revoke every live token of `user` (the `access_revoked` hook's API part)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
