"""The reads a person does on visit pages and endpoints: each one call, scoped, audited.

`my_week(user, day)` and `team_week(user, day)` are the whole use case: the page and the
API call them and only render the result. Every row they read comes through
`imhhv.visits.access` (so a family transferred away, or a home visitor who moved to
another agency, drops out of the lists), and each call writes its one read event itself.

The smaller helpers below (`plan_on`, `recent_visits`, `documented_late`) work on a family
or visit the caller already holds from an access function.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.calendar import week_start
from imhhv.core.fidelity import Disengagement
from imhhv.families.models import Family
from imhhv.reference.holidays import holidays_between as holidays
from imhhv.visits.access import (
    my_caseload,
    my_visits,
    visitors_visible_to,
    visits_visible_to,
)
from imhhv.visits.models import Visit, VisitPlan

NOT_SEEN_DAYS = 14


def plan_on(family: Family, day: date) -> VisitPlan | None:
    return (
        family.visit_plans.filter(effective_from__lte=day)
        .order_by("-effective_from", "-pk")
        .first()
    )


@dataclass
class PlanView:
    family: Family
    current: VisitPlan | None  # in force today
    history: list[VisitPlan]  # every change, newest first


def visit_plan_for(family: Family, *, audit: bool = True, via: str = "") -> PlanView:
    """The family's visit plan today and its history (page and API).

    `family` comes from `get_family_for_user`. Writes the read event unless `audit` is
    False (after a write, whose own event already covers the request).
    """
    today = timezone.localdate()
    history = list(family.visit_plans.order_by("-effective_from", "-pk"))
    current = next((p for p in history if p.effective_from <= today), None)
    if audit:
        details = {"view": "visit plan"}
        if via:
            details["via"] = via
        record(action="family.read", target=family, details=details)
    return PlanView(family, current, history)


def week_bounds(day: date) -> tuple[datetime, datetime]:
    monday = week_start(day)
    start = timezone.make_aware(datetime.combine(monday, time.min))
    return start, start + timedelta(days=7)


@dataclass
class MyWeek:
    monday: date
    scheduled: list[Visit]
    to_document: list[Visit]
    to_sign: list[Visit]
    not_seen: list[tuple[Family, date | None]]
    alerts: list[tuple[Family, Disengagement]] = field(default_factory=list)


def my_week(user: User, day: date) -> MyWeek:
    """The home visitor's week: visits in it, notes to write or sign, families not seen,
    and disengagement alerts. Only visits and families still in `user`'s scope."""
    from imhhv.visits.fidelity import disengaged_families

    if not user.can("document_visits"):
        record(
            action="visit.list",
            outcome=Outcome.DENIED,
            object_type="visit",
            details={"view": "my week", "reason": "missing capability document_visits"},
        )
        raise PermissionDenied
    start, end = week_bounds(day)
    now = timezone.now()
    mine = my_visits(user).select_related("family")
    scheduled = list(
        mine.filter(scheduled_at__gte=start, scheduled_at__lt=end).order_by("scheduled_at")
    )
    to_document = list(
        mine.filter(outcome=Visit.Outcome.SCHEDULED, scheduled_at__lt=now).order_by("scheduled_at")
    )
    to_sign = list(
        mine.exclude(outcome=Visit.Outcome.SCHEDULED)
        .filter(signed_at__isnull=True)
        .order_by("scheduled_at")
    )
    cutoff = now - timedelta(days=NOT_SEEN_DAYS)
    last_seen = (
        my_caseload(user)
        .active()
        .annotate(
            last=Max(
                "visits__started_at", filter=Q(visits__outcome="completed", visits__place="home")
            )
        )
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .order_by("last", "display_name")
    )
    not_seen = [(f, timezone.localtime(f.last).date() if f.last else None) for f in last_seen]
    alerts = disengaged_families(user, today=timezone.localdate())
    summary = MyWeek(week_start(day), scheduled, to_document, to_sign, not_seen, alerts)
    record(
        action="visit.list",
        object_type="visit",
        details={
            "view": "my week",
            "week": summary.monday.isoformat(),
            "ids": sorted({v.pk for v in scheduled + to_document + to_sign}),
            "family_ids": sorted({f.pk for f, _ in not_seen} | {f.pk for f, _ in alerts}),
        },
    )
    return summary


def visit_list(
    user: User,
    *,
    family_id: int | None = None,
    visitor_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    page: Callable[[QuerySet[Visit]], list[Visit]] = list,
    prefetch: Callable[[QuerySet[Visit]], QuerySet[Visit]] = lambda visits: visits,
    via: str = "",
) -> list[Visit]:
    """Visits in `user`'s scope, newest first, filtered; `page` cuts the page shown (the
    API's paginator) and the event names exactly the visits on it."""
    visits = visits_visible_to(user)
    if family_id is not None:
        visits = visits.filter(family_id=family_id)
    if visitor_id is not None:
        visits = visits.filter(visitor_id=visitor_id)
    if start is not None:
        visits = visits.filter(scheduled_at__date__gte=start)
    if end is not None:
        visits = visits.filter(scheduled_at__date__lte=end)
    shown = page(prefetch(visits).order_by("-scheduled_at", "-pk"))
    details = {"count": len(shown), "ids": [v.pk for v in shown]}
    if via:
        details["via"] = via
    record(action="visit.list", object_type="visit", details=details)
    return shown


def recent_visits(family: Family, limit: int = 10) -> list[Visit]:
    return list(
        family.visits.select_related("visitor")
        .prefetch_related("components")
        .order_by("-scheduled_at")[:limit]
    )


def documented_late(visit: Visit, today: date) -> bool:
    """Signed (or still unsigned today) more than the deadline's business days after it,
    holidays of the reference calendar not counting as business days."""
    from imhhv.core.visit_rules import is_late

    if visit.outcome == Visit.Outcome.SCHEDULED:
        return False
    day = timezone.localtime(visit.started_at or visit.scheduled_at).date()
    done = timezone.localtime(visit.signed_at).date() if visit.signed_at else today
    return is_late(
        day,
        done,
        business_days=settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
        holidays=holidays(day, max(day, done)),
    )


@dataclass
class TeamWeek:
    monday: date
    rows: list[tuple[User, list[Visit], int]]  # (home visitor, visits this week, notes to sign)


def team_week(user: User, day: date) -> TeamWeek:
    """Each home visitor the supervisor sees: their visits this week and unsigned notes.

    Visits come from `visits_visible_to(user)`: a home visitor who joined the team from
    another agency brings none of that agency's families along.
    """
    if not user.can("supervise"):
        record(
            action="visit.list",
            outcome=Outcome.DENIED,
            object_type="visit",
            details={"view": "team week", "reason": "missing capability supervise"},
        )
        raise PermissionDenied
    start, end = week_bounds(day)
    memberships: list[Membership] = list(
        visitors_visible_to(user).order_by("user__last_name", "user_id")
    )
    ids = [m.user_id for m in memberships]
    scoped = visits_visible_to(user).filter(visitor_id__in=ids)
    visits = (
        scoped.filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("family")
        .order_by("scheduled_at")
    )
    by_visitor: dict[int, list[Visit]] = {i: [] for i in ids}
    for visit in visits:
        by_visitor[visit.visitor_id].append(visit)
    unsigned = dict(
        scoped.filter(signed_at__isnull=True)
        .exclude(outcome=Visit.Outcome.SCHEDULED)
        .values_list("visitor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    summary = TeamWeek(
        week_start(day),
        [(m.user, by_visitor[m.user_id], unsigned.get(m.user_id, 0)) for m in memberships],
    )
    record(
        action="visit.list",
        object_type="visit",
        details={
            "view": "team week",
            "week": summary.monday.isoformat(),
            "ids": [v.pk for _, week_visits, _ in summary.rows for v in week_visits],
        },
    )
    return summary
