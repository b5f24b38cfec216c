"""API v1: what every endpoint module shares.

One module per app (`accounts`, `intake`, `families`, `visits`, `fidelity`), each endpoint
with its own input and output serializers; every endpoint declares its access policy and
calls the same query or service as the page, so page and API agree by construction. This
module holds the helpers, the shared fields and the one exception handler.

Status codes, the same everywhere:
  400  bad input: `{field: [messages]}` (`non_field_errors` for the body as a whole);
       malformed JSON: `{"detail": ...}`.
  401  no valid token or session.
  403  the role lacks the capability the view declares (audited as access.capability).
  404  missing, or out of the caller's scope: the two look the same (audited as denied).
  409  a conflict with the record's state, nothing saved: a possible duplicate, a cap
       that needs confirming, a stale version, a discharged (read-only) family.
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from imhhv.api.permissions import PolicyPermission
from imhhv.audit.refusals import record_unaudited
from imhhv.core.errors import DomainError

logger = logging.getLogger(__name__)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# Shared response descriptions for the schema.
BAD_INPUT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Field errors: {field: [messages]}; non_field_errors for the whole body.",
)
FORBIDDEN = OpenApiResponse(
    DetailSerializer, description="The role lacks the capability (audited)."
)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="What refused the write: stale, discharged, over_cap, possible_duplicates, "
        "signed …"
    )


CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description="The record's state refuses the write (nothing saved); `code` says why.",
)
NOT_FOUND = OpenApiResponse(
    DetailSerializer, description="Missing or out of scope, alike (audited)."
)

# What a write endpoint may answer besides its success.
WRITE_ERRORS = {400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


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


def _blank(max_length: int) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default=""
    )


class FlatListSerializer(serializers.ListSerializer):
    """A nested list whose own errors (not a list, empty) read `{"caregivers": ["..."]}`
    instead of DRF's `{"caregivers": {"non_field_errors": [...]}}`; errors of an item stay
    keyed by its index: `{"children": {"0": {"birth_date": ["..."]}}}`."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            key = api_settings.NON_FIELD_ERRORS_KEY
            if isinstance(error.detail, dict) and set(error.detail) == {key}:
                raise serializers.ValidationError(error.detail[key]) from error
            raise


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(
            min_value=1,
            max_value=2**31 - 1,
            required=False,
            help_text="The family version you saw: a later save by someone else is refused "
            "with 409 instead of being overwritten.",
            **kwargs,
        )


def exception_handler(exc, context):
    """Every error an endpoint lets through, mapped once.

    DRF's own (400 shape errors, 401, 403, 404, 429); a service's `ValidationError` as 400
    with field errors; a `DomainError` (stale edit, discharged family, over the cap,
    possible duplicates …) as its status with `{"detail", "code", **extra}`, audited as one
    denied event unless the endpoint recorded it already. Anything else
    is logged by type and request id only (never PHI) and answered without a 500 page.
    """
    if isinstance(exc, DomainError):
        match = getattr(context.get("request"), "resolver_match", None)
        record_unaudited(exc, view=match.view_name if match else "", via="api")
        return Response({"detail": exc.message, "code": exc.code, **exc.extra}, status=exc.status)
    if isinstance(exc, ValidationError):
        return bad_input(exc)
    if isinstance(exc, Http404):
        exc = NotFound(str(exc) or "Not found.")
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    request = context.get("request")
    request_id = getattr(getattr(request, "_request", None), "request_id", "")
    logger.exception("API error %s (request %s)", type(exc).__name__, request_id)
    return Response(
        {"detail": "The server could not complete this request.", "request_id": request_id},
        status=500,
    )
