"""Read-side queries for visit pages. Callers pass querysets already scoped by access.py."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from imhhv.core.calendar import week_start
from imhhv.families.models import Family
from imhhv.visits.models import Visit, VisitPlan


def plan_on(family: Family, day: date) -> VisitPlan | None:
    return (
        family.visit_plans.filter(effective_from__lte=day)
        .order_by("-effective_from", "-pk")
        .first()
    )


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


def my_week(*, visitor, families, day: date, not_seen_days: int = 14) -> MyWeek:
    """The home visitor's week: visits in it, notes to write or sign, families not seen."""
    start, end = week_bounds(day)
    mine = Visit.objects.filter(visitor=visitor).select_related("family")
    scheduled = list(
        mine.filter(scheduled_at__gte=start, scheduled_at__lt=end).order_by("scheduled_at")
    )
    to_document = list(
        mine.filter(outcome=Visit.Outcome.SCHEDULED, scheduled_at__lt=timezone.now()).order_by(
            "scheduled_at"
        )
    )
    to_sign = list(
        mine.exclude(outcome=Visit.Outcome.SCHEDULED)
        .filter(signed_at__isnull=True)
        .order_by("scheduled_at")
    )
    cutoff = timezone.now() - timedelta(days=not_seen_days)
    last_seen = (
        families.active()
        .annotate(
            last=Max(
                "visits__started_at", filter=Q(visits__outcome="completed", visits__place="home")
            )
        )
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .order_by("last", "display_name")
    )
    not_seen = [(f, timezone.localtime(f.last).date() if f.last else None) for f in last_seen]
    return MyWeek(week_start(day), scheduled, to_document, to_sign, not_seen)


def recent_visits(family: Family, limit: int = 10) -> list[Visit]:
    return list(
        family.visits.select_related("visitor")
        .prefetch_related("components")
        .order_by("-scheduled_at")[:limit]
    )


def documented_late(visit: Visit, today: date) -> bool:
    """Signed (or still unsigned today) more than the deadline's business days after it."""
    from django.conf import settings

    from imhhv.core.visit_rules import is_late

    if visit.outcome == Visit.Outcome.SCHEDULED:
        return False
    day = timezone.localtime(visit.started_at or visit.scheduled_at).date()
    done = timezone.localtime(visit.signed_at).date() if visit.signed_at else today
    return is_late(day, done, business_days=settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS)


@dataclass
class TeamWeek:
    monday: date
    rows: list[tuple[object, list[Visit], int]]  # (home visitor, visits this week, notes to sign)


def team_week(*, memberships, day: date) -> TeamWeek:
    """Each home visitor of a team: their visits this week and their unsigned notes."""
    start, end = week_bounds(day)
    ids = [m.user_id for m in memberships]
    visits = (
        Visit.objects.filter(visitor_id__in=ids, scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("family")
        .order_by("scheduled_at")
    )
    by_visitor: dict[int, list[Visit]] = {i: [] for i in ids}
    for visit in visits:
        by_visitor[visit.visitor_id].append(visit)
    unsigned = dict(
        Visit.objects.filter(visitor_id__in=ids, signed_at__isnull=True)
        .exclude(outcome=Visit.Outcome.SCHEDULED)
        .values_list("visitor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return TeamWeek(
        week_start(day),
        [(m.user, by_visitor[m.user_id], unsigned.get(m.user_id, 0)) for m in memberships],
    )
