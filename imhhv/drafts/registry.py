"""Which forms keep drafts, and who may write a draft of which record.

The app that owns a form registers it from its `AppConfig.ready()` (in its own
`drafting.py`), because this app sits below families and visits and never imports them:

    register(
        "visit-note",
        check=check_visit_note,                  # (user, record_key) -> None, or raises
        urls={"visits:new": lambda kw: f"family-{kw['family_id']}"},
        url=lambda record_key: reverse(...),     # where the form for that record lives
    )

`check(user, record_key)` raises `Http404` when the record is missing or outside the user's
scope and `PermissionDenied` when the user may see it but not write it, writing the one
audit event of that denial itself (the app's access functions do); it returns quietly
when the user may write the record. An unknown record key is a 404 too.

`urls` maps the URL names of the form's page (with their kwargs) to the record key, so the
timeout middleware can tell which draft a POST that arrived after the idle timeout belongs
to. This module imports no models, so any app can import it at load time.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

FORM_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
# "new", "family-12", "visit-7", "referral-3": a word and an optional id, never a name.
RECORD_KEY = re.compile(r"^[a-z]{1,20}(-[0-9]{1,19})?$")


@dataclass(frozen=True)
class DraftForm:
    name: str
    check: Callable[..., None]
    urls: dict[str, Callable[[dict], str]] = field(default_factory=dict)
    url: Callable[[str], str] | None = None


_forms: dict[str, DraftForm] = {}


def register(
    name: str,
    *,
    check: Callable[..., None],
    urls: dict[str, Callable[[dict], str]] | None = None,
    url: Callable[[str], str] | None = None,
) -> None:
    """Register the form `name` (idempotent for the same check: `ready()` may run twice)."""
    if not FORM_NAME.match(name):
        raise ImproperlyConfigured(f"draft form name {name!r}: lowercase words and hyphens")
    existing = _forms.get(name)
    if existing is not None and _qualname(existing.check) != _qualname(check):
        raise ImproperlyConfigured(f"draft form {name!r} is registered twice")
    _forms[name] = DraftForm(name=name, check=check, urls=dict(urls or {}), url=url)


def get_form(name: str) -> DraftForm | None:
    """The registered form, or None (callers answer 404)."""
    return _forms.get(name)


def valid_key(record_key: str) -> bool:
    return isinstance(record_key, str) and bool(RECORD_KEY.match(record_key))


def form_for_url(view_name: str, kwargs: dict) -> tuple[str, str] | None:
    """(form, record_key) of the draft a POST to this URL would be, or None."""
    for spec in _forms.values():
        to_key = spec.urls.get(view_name)
        if to_key is not None:
            record_key = to_key(kwargs)
            if valid_key(record_key):
                return spec.name, record_key
    return None


def form_url(name: str, record_key: str) -> str:
    """The page of the form for that record ("" when the form does not say)."""
    spec = _forms.get(name)
    if spec is None or spec.url is None:
        return ""
    return spec.url(record_key)


def key_id(record_key: str, prefix: str) -> int | None:
    """The id in `<prefix>-<id>`, or None: for the checks of the registering apps."""
    head, sep, tail = record_key.partition("-")
    if head != prefix or not sep or not tail.isdigit():
        return None
    return int(tail)


def _qualname(func: Callable) -> str:
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}"
