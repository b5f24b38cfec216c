"""Sign-in for API use (token issue and revoke) and `me`."""

from django.conf import settings
from django.contrib.auth import authenticate
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from imhhv.accounts.policies import PUBLIC, SIGNED_IN, capability
from imhhv.accounts.queries import staff_list, staff_teams
from imhhv.accounts.services import record_failed_sign_in
from imhhv.accounts.staff_filters import STAFF_STATUSES, StaffFilterForm
from imhhv.api.common import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    PolicyAPIView,
)
from imhhv.api.families import PageQuerySerializer, page_of, paged
from imhhv.api.models import ApiToken
from imhhv.api.permissions import PolicyPermission
from imhhv.api.services import revoke_token, sign_in_for_api
from imhhv.api.throttles import ApiUserThrottle, TokenSignInThrottle
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.roles import Role

GENERIC_LOGIN_ERROR = "Unable to sign in with that username and password."


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)
    otp = serializers.CharField(max_length=32, required=False, allow_blank=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    agency = serializers.CharField(allow_null=True)
    team = serializers.CharField(allow_null=True)
    capabilities = serializers.ListField(child=serializers.CharField())


class TokenView(PolicyAPIView):
    """Sign in for API use (POST) or revoke the token in use (DELETE)."""

    access_policy = PUBLIC
    authentication_classes = []
    # Anonymous and password-checking: strict per address, on top of the API-wide limit.
    throttle_classes = [TokenSignInThrottle, ApiUserThrottle]

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

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
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
        second_factor, otp_error = self._second_factor(user, data.validated_data.get("otp", ""))
        if otp_error:
            return Response({"otp": [otp_error]}, status=400)
        key, token = sign_in_for_api(user=user, second_factor=second_factor)
        return Response({"token": key, "expires_at": token.expires_at})

    def _second_factor(self, user, otp: str) -> tuple[str | None, str | None]:
        """(the factor used, or None; an error for the caller, or None).

        A valid code is not an event of its own: it goes into the one `login` event. Each
        refusal writes one event: `mfa.verify` failed for a wrong code, `login` failed
        (reason given) when the code is missing or two-factor is not set up.
        """
        if user_has_device(user, confirmed=True):
            if not otp:
                self._refused(user, "second factor missing")
                return None, "This account uses two-factor sign-in: send the code as otp."
            device = match_token(user, otp.strip().replace(" ", "").lower())
            if device is None:
                record(
                    action="mfa.verify", outcome=Outcome.FAILURE, user=user, details={"via": "api"}
                )
                return None, "That two-factor code is not valid."
            return ("recovery code" if isinstance(device, StaticDevice) else "authenticator"), None
        if user.mfa_required and not settings.DEMO_MODE:
            self._refused(user, "second factor not set up")
            return None, "Set up two-factor sign-in in the web app before using the API."
        return None, None

    def _refused(self, user, reason: str) -> None:
        record(
            action="login",
            outcome=Outcome.FAILURE,
            user=user,
            details={"via": "api", "reason": reason},
        )

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

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        m = user.membership
        return Response(
            MeSerializer(
                {
                    "username": user.username,
                    "role": m.role if m else None,
                    "agency": m.agency.name if m and m.agency else None,
                    "team": m.team.name if m and m.team else None,
                    "capabilities": sorted(user.capabilities),
                }
            ).data
        )


# --- staff ----------------------------------------------------------------------------------


class StaffQuerySerializer(PageQuerySerializer):
    """For the schema: `StaffFilterForm` validates, for this endpoint and the page alike."""

    q = serializers.CharField(
        required=False, max_length=100, help_text="Username, e-mail, or part of a name."
    )
    role = serializers.ChoiceField(
        choices=[str(r) for r in Role], required=False, help_text="Current role here."
    )
    team = serializers.IntegerField(required=False, help_text="A team id you may see.")
    status = serializers.ChoiceField(
        choices=list(STAFF_STATUSES), default="all", help_text="Active here, or not."
    )


class StaffMembershipSerializer(serializers.Serializer):
    role = serializers.CharField()
    agency = serializers.CharField(source="agency.name", allow_null=True)
    team = serializers.CharField(source="team.name", allow_null=True)
    fte = serializers.DecimalField(max_digits=4, decimal_places=2)


class StaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")
    is_active = serializers.BooleanField()
    current_membership = serializers.SerializerMethodField()

    def get_current_membership(self, person) -> dict | None:
        current = (getattr(person, "current_memberships", None) or [None])[0]
        return StaffMembershipSerializer(current).data if current else None


class StaffListResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StaffSerializer(many=True)


class StaffListView(PolicyAPIView):
    """The staff you manage, with their current membership at your agency (every agency
    for statewide reach): the staff page's list, searched and filtered the same way."""

    access_policy = capability("manage_staff")

    @extend_schema(
        operation_id="staff_list",
        parameters=[StaffQuerySerializer],
        responses={
            200: StaffListResponseSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        page = page_of(request.query_params)
        form = StaffFilterForm(request.query_params, teams=staff_teams(request.user))
        shown = staff_list(request.user, filters=form.filters(), page=page, strict=True, via="api")
        data = StaffSerializer(shown.page.object_list, many=True).data
        return paged(request, shown.page, data)
