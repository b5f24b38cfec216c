"""Fidelity for real units: read the facts from the database, let imhhv.core.fidelity count.

Units and what belongs to them:

- a home visitor: the visits they made, and the weeks each family was both enrolled and
  assigned to them (so a transferred family counts for each visitor for their own weeks);
- a team: the union of its home visitors' facts;
- an agency or the state: every family's visits and enrollment weeks.

Facts are read in a bounded number of queries per call, whatever the number of units:
`summaries_by_visitor` and `summaries_by_group` read once and split in memory.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as datetime_time

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from imhhv.core.fidelity import (
    EnrollmentSpan,
    FidelitySummary,
    VisitFact,
    coverage_by_week,
    fact_window,
    summarize,
)
from imhhv.families.models import Assignment, Enrollment, Family
from imhhv.visits.models import Visit, VisitPlan


@dataclass
class Facts:
    visits: list[VisitFact]
    enrollments: list[EnrollmentSpan]
    # (family_id, visitor_id, start, end or None): who had the family when
    assignments: list[tuple[int, int, date, date | None]]


def _local_day(moment) -> date:
    return timezone.localtime(moment).date()


def read_facts(families: QuerySet[Family], start: date, end: date) -> Facts:
    """Everything the metrics of [start, end] need about these families (5 queries)."""
    first, last = fact_window(start, end)
    # Aware bounds, so the database compares indexed datetimes (no per-row date casts).
    lo = timezone.make_aware(datetime.combine(first, datetime_time.min))
    hi = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime_time.min))
    family_ids = list(families.values_list("pk", flat=True))
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
    for family_id, paused_from, paused_until in VisitPlan.objects.filter(
        family_id__in=family_ids, frequency=VisitPlan.Frequency.PAUSED
    ).values_list("family_id", "effective_from", "paused_until"):
        pauses[family_id].append((paused_from, paused_until))
    enrollments = [
        EnrollmentSpan(family_id, enrolled, discharged, tuple(pauses.get(family_id, ())))
        for family_id, enrolled, discharged in Enrollment.objects.filter(
            family_id__in=family_ids
        ).values_list("family_id", "enrolled_on", "discharged_on")
    ]
    assignments = list(
        Assignment.objects.filter(family_id__in=family_ids).values_list(
            "family_id", "home_visitor_id", "start_date", "end_date"
        )
    )
    return Facts(visits, enrollments, assignments)


def spans_of_visitor(facts: Facts, visitor_id: int) -> list[EnrollmentSpan]:
    """Enrollment spans cut to the periods the family was assigned to this visitor."""
    spans = []
    by_family: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for span in facts.enrollments:
        by_family[span.family_id].append(span)
    for family_id, visitor, a_start, a_end in facts.assignments:
        if visitor != visitor_id:
            continue
        for span in by_family.get(family_id, ()):
            lo = max(span.start, a_start)
            ends = [d for d in (span.end, a_end) if d is not None]
            hi = min(ends) if ends else None
            if hi is None or hi >= lo:
                spans.append(EnrollmentSpan(family_id, lo, hi, span.paused))
    return spans


def _summary(
    visits: Iterable[VisitFact], spans: list[EnrollmentSpan], start: date, end: date, today: date
) -> FidelitySummary:
    return summarize(
        visits,
        spans,
        start,
        end,
        today=today,
        late_after_business_days=settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
    )


def summaries_by_visitor(
    facts: Facts, visitor_ids: Iterable[int], start: date, end: date, *, today: date
) -> dict[int, FidelitySummary]:
    by_visitor: dict[int, list[VisitFact]] = defaultdict(list)
    for fact in facts.visits:
        by_visitor[fact.visitor_id].append(fact)
    return {
        v: _summary(by_visitor.get(v, []), spans_of_visitor(facts, v), start, end, today)
        for v in visitor_ids
    }


def summaries_by_group(
    facts: Facts, group_of_visitor: dict[int, int], start: date, end: date, *, today: date
) -> dict[int, FidelitySummary]:
    """One summary per group (a team) of home visitors."""
    visits: dict[int, list[VisitFact]] = defaultdict(list)
    spans: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for fact in facts.visits:
        if fact.visitor_id in group_of_visitor:
            visits[group_of_visitor[fact.visitor_id]].append(fact)
    for visitor, group in group_of_visitor.items():
        spans[group].extend(spans_of_visitor(facts, visitor))
    return {
        g: _summary(visits.get(g, []), spans.get(g, []), start, end, today)
        for g in set(group_of_visitor.values())
    }


def summaries_by_family_group(
    facts: Facts,
    group_of_family: Callable[[int], int | None],
    start: date,
    end: date,
    *,
    today: date,
) -> dict[int, FidelitySummary]:
    """One summary per group of families (an agency), from enrollments, not assignments."""
    visits: dict[int, list[VisitFact]] = defaultdict(list)
    spans: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for fact in facts.visits:
        group = group_of_family(fact.family_id)
        if group is not None:
            visits[group].append(fact)
    for span in facts.enrollments:
        group = group_of_family(span.family_id)
        if group is not None:
            spans[group].append(span)
    return {g: _summary(visits[g], spans[g], start, end, today) for g in spans}


def summary_of_families(facts: Facts, start: date, end: date, *, today: date) -> FidelitySummary:
    return _summary(facts.visits, facts.enrollments, start, end, today)


def weekly_trend(facts: Facts, start: date, end: date, *, visitor_id: int | None = None):
    if visitor_id is None:
        return coverage_by_week(facts.visits, facts.enrollments, start, end)
    visits = [f for f in facts.visits if f.visitor_id == visitor_id]
    return coverage_by_week(visits, spans_of_visitor(facts, visitor_id), start, end)


def summaries_trend(facts: Facts, start: date, end: date, *, visitor_ids: Iterable[int]):
    """Weekly coverage over several home visitors together (a team)."""
    ids = set(visitor_ids)
    visits = [f for f in facts.visits if f.visitor_id in ids]
    spans = [s for v in ids for s in spans_of_visitor(facts, v)]
    return coverage_by_week(visits, spans, start, end)


def family_rows(
    facts: Facts, visitor_id: int, start: date, end: date, *, today: date
) -> dict[int, FidelitySummary]:
    """One summary per family for the weeks it was with this home visitor."""
    spans: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for span in spans_of_visitor(facts, visitor_id):
        spans[span.family_id].append(span)
    visits: dict[int, list[VisitFact]] = defaultdict(list)
    for fact in facts.visits:
        if fact.visitor_id == visitor_id:
            visits[fact.family_id].append(fact)
    return {
        fid: _summary(visits.get(fid, []), family_spans, start, end, today)
        for fid, family_spans in spans.items()
    }


def disengaged_families(
    *, visitor, today: date, threshold_weeks: int = 3
) -> list[tuple[Family, object]]:
    """The visitor's families without a completed home visit for `threshold_weeks` weeks."""
    from imhhv.core.calendar import week_start
    from imhhv.core.fidelity import missed_streaks

    families = Family.objects.active().filter(home_visitor=visitor)
    start = week_start(today) - timedelta(weeks=threshold_weeks + 1)
    facts = read_facts(families, start, today)
    streaks = missed_streaks(
        facts.visits, spans_of_visitor(facts, visitor.pk), today, threshold_weeks=threshold_weeks
    )
    names = {f.pk: f for f in families}
    return [(names[s.family_id], s) for s in streaks if s.family_id in names]
