"""Issuing and revoking API tokens. The plain key is shown once and stored as a hash."""

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


@transaction.atomic
def issue_token(*, user: User) -> tuple[str, ApiToken]:
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_key(key),
        created_at=now,
        expires_at=now + settings.API_TOKEN_LIFETIME,
    )
    record(action="api.token_issued", user=user, target=token)
    return key, token


@transaction.atomic
def revoke_token(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(action="api.token_revoked", user=token.user, target=token)


def revoke_all_tokens(*, user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
