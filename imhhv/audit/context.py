"""The request being served, for audit events written deep inside services."""

from contextvars import ContextVar

from django.http import HttpRequest

_current: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current.get()


def set_current_request(request: HttpRequest | None):
    return _current.set(request)


def reset_current_request(token) -> None:
    _current.reset(token)
