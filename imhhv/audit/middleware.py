"""Gives every request an id and a source IP, and makes it the audit context."""

import uuid

from django.conf import settings
from django.http import HttpRequest

from imhhv.audit.context import reset_current_request, set_current_request


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the client address a trusted proxy chain reports."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


def client_ip_for_axes(request: HttpRequest) -> str | None:
    return client_ip(request)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.request_id = uuid.uuid4().hex
        request.source_ip = client_ip(request)
        token = set_current_request(request)
        try:
            response = self.get_response(request)
        finally:
            reset_current_request(token)
        response["X-Request-ID"] = request.request_id
        return response
