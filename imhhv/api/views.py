"""API v1. Each view declares its access policy and calls the same access and service
functions as the pages.

This module holds sign-in, `me`, the schema and the helpers every view uses; the family
journey lives in `views_intake` (referrals, waitlist, capacity) and `views_families`.

Status codes, the same everywhere:
  400  bad input: `{field: [messages]}` (`non_field_errors` for the body as a whole);
       malformed JSON: `{"detail": ...}`.
  401  no valid token or session.
  403  the role lacks the capability the view declares (audited as access.capability).
  404  missing, or out of the caller's scope: the two look the same (audited as denied).
  409  a conflict with the record's state, nothing saved: a possible duplicate, a cap
       that needs confirming, a stale version, a discharged (read-only) family.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django_otp import match_token, user_has_device
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from imhhv.accounts.policies import PUBLIC, SIGNED_IN
from imhhv.accounts.services import record_failed_sign_in
from imhhv.api import serializers as s
from imhhv.api.models import ApiToken
from imhhv.api.permissions import PolicyPermission
from imhhv.api.services import issue_token, revoke_token
from imhhv.audit.models import Outcome
from imhhv.audit.services import record

GENERIC_LOGIN_ERROR = "Unable to sign in with that username and password."

# Shared response descriptions for the schema.
BAD_INPUT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Field errors: {field: [messages]}; non_field_errors for the whole body.",
)
FORBIDDEN = OpenApiResponse(
    s.DetailSerializer, description="The role lacks the capability (audited)."
)
NOT_FOUND = OpenApiResponse(
    s.DetailSerializer, description="Missing or out of scope, alike (audited)."
)


def validated(serializer_class, data) -> dict:
    """The validated input, or a 400 with field errors (DRF raises it)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def field_errors(error: ValidationError, *, rename: dict[str, str] | None = None) -> dict:
    """A service's ValidationError as API field errors.

    `message_dict` when the error names fields (service names mapped onto the API's with
    `rename`), else the messages under `non_field_errors`.
    """
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": list(error.messages)}
    errors: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = "non_field_errors" if field == NON_FIELD_ERRORS else rename.get(field, field)
        errors.setdefault(key, []).extend(messages)
    return errors


def bad_input(error: ValidationError, *, rename: dict[str, str] | None = None) -> Response:
    return Response(field_errors(error, rename=rename), status=status.HTTP_400_BAD_REQUEST)


def conflict(detail: str, **extra) -> Response:
    return Response({"detail": detail, **extra}, status=status.HTTP_409_CONFLICT)


class PolicyAPIView(APIView):
    permission_classes = [PolicyPermission]


class TokenView(PolicyAPIView):
    """Sign in for API use (POST) or revoke the token in use (DELETE)."""

    access_policy = PUBLIC
    authentication_classes = []

    def get_authenticators(self):
        # POST is anonymous; DELETE needs the token it revokes.
        if getattr(self, "request", None) is not None and self.request.method == "DELETE":
            from imhhv.api.authentication import ExpiringTokenAuthentication

            return [ExpiringTokenAuthentication()]
        return []

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [TokenOwnerPermission()]
        return [AllowAny()]

    @extend_schema(request=s.TokenRequestSerializer, responses={200: s.TokenResponseSerializer})
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        http_request = request._request
        user = authenticate(
            http_request, username=username, password=data.validated_data["password"]
        )
        if user is None:
            record_failed_sign_in(
                username=username, locked_out=bool(getattr(http_request, "axes_locked_out", False))
            )
            return Response({"non_field_errors": [GENERIC_LOGIN_ERROR]}, status=400)
        otp_error = self._second_factor_error(user, data.validated_data.get("otp", ""))
        if otp_error:
            return Response({"otp": [otp_error]}, status=400)
        key, token = issue_token(user=user)
        record(action="login", user=user, details={"via": "api"})
        return Response({"token": key, "expires_at": token.expires_at})

    def _second_factor_error(self, user, otp: str) -> str | None:
        if user_has_device(user, confirmed=True):
            if not otp:
                return "This account uses two-factor sign-in: send the code as otp."
            if match_token(user, otp.strip().replace(" ", "").lower()) is None:
                record(
                    action="mfa.verify", outcome=Outcome.FAILURE, user=user, details={"via": "api"}
                )
                return "That two-factor code is not valid."
            record(action="mfa.verify", user=user, details={"via": "api"})
            return None
        if user.mfa_required and not settings.DEMO_MODE:
            return "Set up two-factor sign-in in the web app before using the API."
        return None

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        revoke_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenOwnerPermission(PolicyPermission):
    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiToken):
            from rest_framework.exceptions import NotAuthenticated

            raise NotAuthenticated()
        return True


class MeView(PolicyAPIView):
    access_policy = SIGNED_IN

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = request.user
        m = user.membership
        return Response(
            s.MeSerializer(
                {
                    "username": user.username,
                    "role": m.role if m else None,
                    "agency": m.agency.name if m and m.agency else None,
                    "team": m.team.name if m and m.team else None,
                    "capabilities": sorted(user.capabilities),
                }
            ).data
        )


class SchemaView(SpectacularAPIView):
    access_policy = SIGNED_IN
    permission_classes = [PolicyPermission]


class DocsView(SpectacularSwaggerSplitView):
    access_policy = SIGNED_IN
    permission_classes = [PolicyPermission]
