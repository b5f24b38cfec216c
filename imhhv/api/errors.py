"""API errors: 400 with field errors, 401/403/404 with a detail, never a 500 page."""

import logging

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    # Unexpected: log the type and request id only (never PHI), answer without a 500 page.
    request = context.get("request")
    request_id = getattr(getattr(request, "_request", None), "request_id", "")
    logger.exception("API error %s (request %s)", type(exc).__name__, request_id)
    return Response(
        {"detail": "The server could not complete this request.", "request_id": request_id},
        status=500,
    )
