"""Enforces a DRF view's declared `access_policy` (see imhhv.accounts.policies)."""

from rest_framework import exceptions, permissions

from imhhv.accounts.policies import mfa_satisfied, policy_of
from imhhv.api.models import ApiToken
from imhhv.audit.models import Outcome
from imhhv.audit.services import record


class PolicyPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        declared = policy_of(view)
        if declared is None:
            return False
        if not declared.requires_login:
            return True
        user = request.user
        if user is None or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        via_token = isinstance(request.auth, ApiToken)
        if declared.requires_mfa and not mfa_satisfied(user, via_token=via_token):
            raise exceptions.PermissionDenied("Two-factor verification is required.")
        if declared.capability and not user.can(declared.capability):
            record(
                action="access.capability",
                outcome=Outcome.DENIED,
                user=user,
                details={"capability": declared.capability, "view": type(view).__name__},
            )
            return False
        return True
