"""Who may read which audit events: agency administrators their agency's, the state all.

Checks capabilities, never role names: `view_audit` opens the trail, and
`view_audit_statewide` widens it from the own agency to every agency. A user with
`view_audit` but no agency sees nothing (an agency filter of NULL would match the events
that belong to no agency, such as failed sign-ins of unknown usernames).

The audit page also names families and links events to their records, which live in apps
above audit. Those apps register here (`AppConfig.ready()`), so audit imports none of them:

- `register_family_finder(find)`: `find(user, text) -> list of family ids` in the
  reader's scope whose names match `text` (families registers its search);
- `register_record_links(object_type, links)`: `links(user, ids) -> {id: url}` for the
  ids of that type the reader may open (families: family and referral; visits: visit).
  Staff (`user`) links come from accounts, which sits beside audit.
"""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from imhhv.accounts.models import User
from imhhv.audit.models import AuditEvent

FamilyFinder = Callable[[User, str], list[int]]
RecordLinks = Callable[[User, list[str]], dict[str, str]]

_family_finder: list[FamilyFinder] = []
_record_links: dict[str, RecordLinks] = {}


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    if not user.is_authenticated or not user.can("view_audit"):
        return AuditEvent.objects.none()
    if user.can("view_audit_statewide"):
        return AuditEvent.objects.all()
    agency_id = user.membership.agency_id if user.membership else None
    if agency_id is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(agency_id=agency_id)


def register_family_finder(find: FamilyFinder) -> None:
    _family_finder[:] = [find]


def register_record_links(object_type: str, links: RecordLinks) -> None:
    _record_links[object_type] = links


def families_named(user: User, text: str) -> list[int]:
    """Ids of the families in `user`'s scope whose names match `text` (none without a
    registered finder, or for a reader who sees no families)."""
    return _family_finder[0](user, text) if _family_finder else []


def record_links(user: User, objects: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """{(object_type, object_id): url} for the records `user` may open: one query per
    object type on the page, whatever the number of events."""
    by_type: dict[str, set[str]] = {}
    for object_type, object_id in objects:
        if object_type in _record_links and object_id.isdigit():
            by_type.setdefault(object_type, set()).add(object_id)
    links = {}
    for object_type, ids in by_type.items():
        for object_id, url in _record_links[object_type](user, sorted(ids)).items():
            links[(object_type, object_id)] = url
    return links
