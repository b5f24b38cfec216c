"""What other apps do when a person's access ends: the `access_revoked` hook.

accounts sits low in the house (DESIGN.md, Layout): it may not import the API, yet
deactivating someone must also revoke their API tokens. So accounts defines the hook and
higher apps register what they hold, at start-up in their `AppConfig.ready()`:

    from imhhv.accounts.hooks import on_access_revoked
    on_access_revoked("api_tokens", lambda user: revoke_all_tokens(user=user))

`access_revoked(user=...)` runs every registered callback in the caller's transaction
(deactivation is atomic, so a failing callback undoes the deactivation rather than leaving
a half-closed account) and returns how much each one revoked, for the audit event.

A plain registry rather than a Django signal: the callbacks' counts go into the audit
event, the names make the registry idempotent when `ready()` runs twice, and the callback
does the revoking itself (no business logic hidden in a signal receiver).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imhhv.accounts.models import User

RevokeCallback = Callable[["User"], int]

_callbacks: dict[str, RevokeCallback] = {}


def on_access_revoked(name: str, callback: RevokeCallback) -> None:
    """Register `callback(user) -> count` under `name` (re-registering replaces it)."""
    _callbacks[name] = callback


def registered() -> list[str]:
    """The names registered, in order (for tests and the deactivation page)."""
    return list(_callbacks)


def access_revoked(*, user: "User") -> dict[str, int]:
    """Revoke everything other apps hold for `user`: {name: how many revoked}."""
    return {name: int(callback(user)) for name, callback in _callbacks.items()}
