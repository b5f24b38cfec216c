"""The audit page as one read: the events `user` may see, filtered, one page of them, with
a link to each event's record where the reader may open it; audited as one `audit.view`.

Filters are resolved here, not matched as text on the events:

- a staff member by username or part of a name, to their user ids (events keep the
  username they were written with; a person renamed since is still found by user id);
- a family by part of a name through the reader's own family scope (the families app's
  search, registered in `imhhv.audit.access`), or by id. A name matching no family the
  reader may see finds no events, whatever exists outside their scope.

The `audit.view` event records the resolved ids and the dates, never the name typed.
Times are shown in the site's time zone (settings.TIME_ZONE, America/Detroit) by the page.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.access import staff_visible_to
from imhhv.accounts.models import User
from imhhv.audit.access import events_visible_to, families_named, record_links
from imhhv.audit.models import AuditEvent
from imhhv.audit.services import record

PAGE_SIZE = 100
MAX_PEOPLE = 200  # more matches than that: the name typed is too short to mean someone


@dataclass(frozen=True)
class AuditFilters:
    person: str = ""
    family: str = ""
    start: date | None = None
    end: date | None = None


@dataclass
class AuditPage:
    page: Page
    rows: list[tuple[AuditEvent, str]]  # each event with the url of its record, or ""
    notes: list[str]  # why a filter found nothing, in words


def people_named(text: str) -> list[int]:
    """User ids whose username is `text`, or whose names contain every word of it."""
    words = text.split()
    if not words:
        return []
    by_name = Q()
    for word in words:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    users = User.objects.filter(Q(username__iexact=text.strip()) | by_name)
    return list(users.order_by("pk").values_list("pk", flat=True)[:MAX_PEOPLE])


def _staff_links(user: User, ids: list[str]) -> dict[str, str]:
    if not user.can("manage_staff"):
        return {}
    visible = staff_visible_to(user).filter(pk__in=[int(i) for i in ids])
    return {
        str(pk): reverse("staff:detail", args=[pk]) for pk in visible.values_list("pk", flat=True)
    }


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


def audit_log(user: User, filters: AuditFilters, *, page: int | str | None = None) -> AuditPage:
    events = events_visible_to(user)
    notes: list[str] = []
    audited: dict = {}
    if filters.person:
        people = people_named(filters.person)
        audited["user_ids"] = people
        events = events.filter(Q(user_id__in=people) | Q(username__iexact=filters.person))
        if not people:
            notes.append("No staff member has that username or name.")
    if filters.family:
        text = filters.family.strip()
        if text.isdigit():
            family_ids = [int(text)]
        else:
            family_ids = families_named(user, text)
            if not family_ids:
                notes.append("No family you may see has that name.")
        audited["family_ids"] = family_ids
        events = events.filter(object_type="family", object_id__in=[str(i) for i in family_ids])
    if filters.start:
        audited["start"] = filters.start.isoformat()
        events = events.filter(occurred_at__gte=_local_midnight(filters.start))
    if filters.end:
        audited["end"] = filters.end.isoformat()
        events = events.filter(occurred_at__lt=_local_midnight(filters.end + timedelta(days=1)))
    # Recorded before the page is counted, so the list includes this very view.
    record(
        action="audit.view",
        object_type="auditevent",
        details={"filters": audited, "page": str(page or "1")[:10]},
    )
    shown = Paginator(events.order_by("-seq"), PAGE_SIZE).get_page(page)
    shown.object_list = list(shown.object_list)
    objects = [(e.object_type, e.object_id) for e in shown.object_list]
    links = record_links(user, objects)
    staff = [(t, i) for t, i in objects if t == "user" and i.isdigit()]
    if staff:
        for object_id, url in _staff_links(user, sorted({i for _, i in staff})).items():
            links[("user", object_id)] = url
    rows = [(e, links.get((e.object_type, e.object_id), "")) for e in shown.object_list]
    return AuditPage(page=shown, rows=rows, notes=notes)
