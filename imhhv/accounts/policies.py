"""Access policies: every view declares one, and anything undeclared is refused.

    @policy(PUBLIC)                       anyone, signed in or not (login, health check)
    @policy(SIGNED_IN_UNVERIFIED)         signed in, two-factor step may still be pending
    @policy(SIGNED_IN)                    signed in and past the two-factor step
    @policy(capability("view_families"))  signed in, past two-factor, holding the capability

DRF views set the class attribute `access_policy` instead; `PolicyPermission` enforces it.
The URL sweep test walks every pattern and fails on a view without a policy.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from imhhv.core.roles import CAPABILITIES


@dataclass(frozen=True)
class Policy:
    name: str
    requires_login: bool = True
    requires_mfa: bool = True
    capability: str | None = None

    def __str__(self) -> str:
        return self.name


PUBLIC = Policy("public", requires_login=False, requires_mfa=False)
SIGNED_IN_UNVERIFIED = Policy("signed-in-unverified", requires_mfa=False)
SIGNED_IN = Policy("signed-in")


def capability(name: str) -> Policy:
    if name not in CAPABILITIES:
        raise ValueError(f"unknown capability {name!r}")
    return Policy(f"capability:{name}", capability=name)


def policy(access_policy: Policy) -> Callable:
    """Declare the access policy of a function-based view."""

    def decorate(view: Callable) -> Callable:
        view.access_policy = access_policy
        return view

    return decorate


def policy_of(view_func: Callable) -> Policy | None:
    """The policy a resolved view declares (function attribute or DRF class attribute)."""
    declared = getattr(view_func, "access_policy", None)
    if declared is None and hasattr(view_func, "cls"):
        declared = getattr(view_func.cls, "access_policy", None)
    return declared if isinstance(declared, Policy) else None


def mfa_satisfied(user, *, via_token: bool = False) -> bool:
    """Whether `user` has passed the two-factor step this session (or may skip it).

    API tokens are only issued after the two-factor check, so token requests pass.
    A user with a confirmed device must always verify; a user in a role that requires
    two-factor must enroll, except in demo mode.
    """
    if via_token:
        return True
    if getattr(user, "is_verified", lambda: False)():
        return True
    if has_confirmed_device(user):
        return False
    return not (user.mfa_required and not settings.DEMO_MODE)


def has_confirmed_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)
