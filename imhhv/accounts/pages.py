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

- after a stale-version refusal, `with_version(data, version)` and `fields_that_differ(form,
  saved)` let a page show the form again with what the person typed, the version saved
  now, and the fields where the two differ (`templates/_version_merge.html`), so saving
  again applies their values to the new version and nobody retypes anything.

The API maps the same errors once, in `imhhv/api/common.py`.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import QueryDict
from django.shortcuts import render
from django.utils import formats

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
    after a refusal. A denial (PermissionDenied, Http404) leaves the block normally and
    is raised after it: the denied event the access function wrote must not roll back
    with the refused write (the service wrote nothing before its access check).
    """
    denied: Exception | None = None
    try:
        with transaction.atomic():
            try:
                return service(*args, **kwargs)
            except (PermissionDenied, Http404) as error:
                denied = error
    except ValidationError as error:
        show_errors(form, error, fields)
    except DomainError as error:
        form.add_error(None, error.message)
    if denied is not None:
        raise denied
    return None


def with_version(data: QueryDict, version: int, *, field: str = "version") -> QueryDict:
    """A copy of a form's posted data carrying `version` (the version saved now) instead
    of the one the page was opened with: the form bound to it keeps everything the person
    typed, and saving it again is checked against the record as it is now."""
    data = data.copy()
    data[field] = str(version)
    return data


def shown(field, value: Any) -> str:
    """A value as the person reads it in the comparison: a choice by its label (each
    label of a multiple choice, comma-separated), a date written out, a yes/no for a
    tick box, and "" for nothing (the template writes "(empty)")."""
    if value is None or value == "" or value == [] or value == ():
        return ""
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels: dict = {}
        for key, label in choices:
            if isinstance(label, list | tuple):  # a group of options
                labels.update(label)
            else:
                labels[key] = label
        many = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(labels.get(v, labels.get(str(v), v))) for v in many)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return formats.date_format(value, "j F Y")
    return str(value)


def fields_that_differ(
    form, saved: Mapping[str, Any], names: Iterable[str] | None = None
) -> list[dict]:
    """The fields where the version saved now differs from what the person typed, for
    the side-by-side merge of a stale edit: [{name, label, anchor, theirs, yours}] in the
    order of `names` (default: the keys of `saved`), values as `shown`; `anchor` is the id
    of the field in the form (its first option for a group of tick boxes or radios, as
    in `_error_summary.html`).

    `saved` maps each form field to the record's value now, taken BEFORE the form is
    validated (a ModelForm's validation writes the typed values onto its instance).
    `form` is valid: the conflict shows only once the person's input passed its checks.
    Text differing only in surrounding spaces is the same text."""
    rows = []
    for name in names if names is not None else saved:
        field = form.fields[name]
        theirs = shown(field, saved.get(name))
        yours = shown(field, form.cleaned_data.get(name))
        if theirs.strip() != yours.strip():
            bound = form[name]
            group = bound.widget_type in ("checkboxselectmultiple", "radioselect")
            rows.append(
                {
                    "name": name,
                    "label": field.label or name,
                    "anchor": f"{bound.auto_id}_0" if group else bound.auto_id,
                    "theirs": theirs,
                    "yours": yours,
                }
            )
    return rows


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
