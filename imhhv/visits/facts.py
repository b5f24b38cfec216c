"""The raw facts behind the fidelity metrics, read from visit, plan, enrollment and
assignment rows of families already scoped by the caller (`fidelity_families(user)`).

Kept apart from the use case (`imhhv/visits/fidelity.py`) because this is the one place
that reads visit rows in bulk for counting; a pre-aggregated facts table replaces it for
statewide scale.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as datetime_time

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from imhhv.core.fidelity import EnrollmentSpan, PlanChange, VisitFact, fact_window
from imhhv.families.models import Assignment, Enrollment, Family
from imhhv.reference.holidays import holidays_between as holidays
from imhhv.visits.models import Visit, VisitPlan


@dataclass
class Facts:
    visits: list[VisitFact]
    enrollments: list[EnrollmentSpan]
    # (family_id, visitor_id, start, end or None): who had the family when
    assignments: list[tuple[int, int, date, date | None]]
    plans: list[PlanChange] = field(default_factory=list)  # every family's plan history
    holidays: frozenset[date] = frozenset()  # not business days, for note timeliness
    agency_of: dict[int, int] = field(default_factory=dict)  # family id -> agency id


def _local_day(moment) -> date:
    return timezone.localtime(moment).date()


def read_facts(
    families: QuerySet[Family],
    start: date,
    end: date,
    *,
    with_holidays: bool = True,
) -> Facts:
    """Everything the metrics of [start, end] need about these (scoped) families: six
    queries, the families a subquery of each (no list of ids through Python, which at
    the state's scale would also pass SQLite's limit on parameters), plus one for the
    holiday calendar."""
    first, last = fact_window(start, end)
    # Aware bounds, so the database compares indexed datetimes (no per-row date casts).
    lo = timezone.make_aware(datetime.combine(first, datetime_time.min))
    hi = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime_time.min))
    family_ids = families.order_by().values("pk")
    rows = list(
        Visit.objects.filter(family_id__in=family_ids)
        .filter(
            Q(started_at__gte=lo, started_at__lt=hi)
            | Q(started_at__isnull=True, scheduled_at__gte=lo, scheduled_at__lt=hi)
        )
        .exclude(outcome=Visit.Outcome.SCHEDULED)
        .values_list(
            "pk",
            "family_id",
            "visitor_id",
            "scheduled_at",
            "started_at",
            "ended_at",
            "outcome",
            "place",
            "signed_at",
        )
    )
    codes: dict[int, set[str]] = defaultdict(set)
    through = Visit.components.through.objects.filter(visit_id__in=[r[0] for r in rows])
    for visit_id, code in through.values_list("visit_id", "keycomponent__code"):
        codes[visit_id].add(code)
    visits = [
        VisitFact(
            visit_id=pk,
            family_id=family_id,
            visitor_id=visitor_id,
            day=_local_day(started or scheduled),
            completed=outcome == Visit.Outcome.COMPLETED,
            in_home=place == Visit.Place.HOME,
            minutes=int((ended - started).total_seconds() // 60) if started and ended else None,
            components=frozenset(codes.get(pk, ())),
            documented_on=_local_day(signed) if signed else None,
        )
        for pk, family_id, visitor_id, scheduled, started, ended, outcome, place, signed in rows
    ]
    # The latest home visit before the window, for disengagement streaks.
    earlier = (
        Visit.objects.home_visits()
        .filter(family_id__in=family_ids, started_at__lt=lo)
        .values("family_id", "visitor_id")
        .annotate(last=Max("started_at"))
    )
    for i, row in enumerate(earlier, start=1):
        visits.append(
            VisitFact(
                -i,
                row["family_id"],
                row["visitor_id"],
                _local_day(row["last"]),
                True,
                True,
                None,
                frozenset(),
                None,
            )
        )
    pauses: dict[int, list[tuple[date, date]]] = defaultdict(list)
    plans: list[PlanChange] = []
    for pk, family_id, frequency, effective_from, paused_until in VisitPlan.objects.filter(
        family_id__in=family_ids
    ).values_list("pk", "family_id", "frequency", "effective_from", "paused_until"):
        plans.append(PlanChange(family_id, effective_from, frequency, pk))
        if frequency == VisitPlan.Frequency.PAUSED:
            pauses[family_id].append((effective_from, paused_until))
    enrollments = []
    agency_of: dict[int, int] = {}
    for family_id, agency_id, enrolled, discharged in Enrollment.objects.filter(
        family_id__in=family_ids
    ).values_list("family_id", "family__agency_id", "enrolled_on", "discharged_on"):
        enrollments.append(
            EnrollmentSpan(family_id, enrolled, discharged, tuple(pauses.get(family_id, ())))
        )
        agency_of[family_id] = agency_id
    assignments = list(
        Assignment.objects.filter(family_id__in=family_ids).values_list(
            "family_id", "home_visitor_id", "start_date", "end_date"
        )
    )
    # Holidays once for the whole report: from the first visit day to a month past the
    # later of the period's end and today (a deadline runs a few business days on).
    days_off = (
        holidays(first, max(last, timezone.localdate()) + timedelta(days=31))
        if with_holidays
        else frozenset()
    )
    return Facts(visits, enrollments, assignments, plans, days_off, agency_of)
