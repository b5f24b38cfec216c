"""The one page helper that turns service refusals into what a person sees.

Views never catch service errors themselves (DESIGN.md rule 5):

- on a form page, `attempt(form, service, **kwargs)` runs the service and returns its
  result, or `None` after putting the refusal on the form: a `ValidationError` becomes
  field errors (service field names mapped to form fields by `fields`), a `DomainError`
  a message at the top of the form. The page re-renders with everything the person typed.
- anywhere else, a `DomainError` that escapes a view is rendered by
  `DomainErrorMiddleware` as a plain page with the error's message and HTTP status (409 for
  a discharged family, a stale edit …), never a 500, and audited as one denied event
  unless the view already recorded it (`imhhv.audit.refusals`).

The API maps the same errors once, in `imhhv/api/common.py`.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imhhv.audit.refusals import record_unaudited
from imhhv.core.errors import DomainError


def show_errors(form, error: ValidationError, fields: Mapping[str, str] | None = None) -> None:
    """Put a ValidationError's messages on the form, on the matching field if there is one."""
    fields = fields or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = fields.get(name, name)
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def attempt(
    form,
    service: Callable[..., Any],
    /,
    *args,
    fields: Mapping[str, str] | None = None,
    **kwargs,
) -> Any | None:
    """Run `service(*args, **kwargs)`; on a refusal, show it on `form` and return None.

    The service is atomic; the savepoint here keeps an outer request transaction usable
    after a refusal.
    """
    try:
        with transaction.atomic():
            return service(*args, **kwargs)
    except ValidationError as error:
        show_errors(form, error, fields)
    except DomainError as error:
        form.add_error(None, error.message)
    return None


def refusal_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"title": "Not possible", "message": error.message},
        status=error.status,
    )


class DomainErrorMiddleware:
    """A DomainError that escapes a page view becomes a page with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            match = request.resolver_match
            record_unaudited(exception, view=match.view_name if match else "", via="page")
            return refusal_page(request, exception)
        return None
