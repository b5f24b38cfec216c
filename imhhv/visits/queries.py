"""Read-side queries for visit pages. Callers pass querysets already scoped by access.py."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Max, Q
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
