"""The raw facts behind the fidelity metrics, read from visit, plan, enrollment and
assignment rows of families already scoped by the caller (`fidelity_families(user)`).

Kept apart from the use case (`imhhv/visits/fidelity.py`) because this is the one place
that reads visit rows in bulk for counting; a pre-aggregated facts table replaces it for
statewide scale.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as datetime_time

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from imhhv.core.calendar import week_start
from imhhv.core.fidelity import EnrollmentSpan, PlanChange, VisitFact, fact_window
from imhhv.core.fidelity.weekly import (
    COMPONENT_TOTALS,
    TOTALS,
    WeekFact,
    assigned_spans,
    summable,
    week_facts,
)
from imhhv.families.models import Assignment, Enrollment, Family
from imhhv.reference.holidays import holidays_between as holidays
from imhhv.visits.models import (
    AgencyWeekTotals,
    FamilyWeekFacts,
    Visit,
    VisitorWeekFacts,
    VisitorWeekTotals,
    VisitPlan,
)


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


def _visit_facts(visits: QuerySet) -> list[VisitFact]:
    """These visits (scheduled ones left out) as `VisitFact`s; their components in one
    more query, joined to the same visits (no list of ids that grows with the data)."""
    tz = timezone.get_current_timezone()
    visits = visits.exclude(outcome=Visit.Outcome.SCHEDULED).order_by()
    codes: dict[int, set[str]] = defaultdict(set)
    through = Visit.components.through.objects.filter(visit_id__in=visits.values("pk"))
    for visit_id, code in through.order_by().values_list("visit_id", "keycomponent__code"):
        codes[visit_id].add(code)
    rows = visits.values_list(
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
    return [
        VisitFact(
            visit_id=pk,
            family_id=family_id,
            visitor_id=visitor_id,
            day=(started or scheduled).astimezone(tz).date(),
            completed=outcome == Visit.Outcome.COMPLETED,
            in_home=place == Visit.Place.HOME,
            minutes=int((ended - started).total_seconds() // 60) if started and ended else None,
            components=frozenset(codes.get(pk, ())),
            documented_on=signed.astimezone(tz).date() if signed else None,
        )
        for pk, family_id, visitor_id, scheduled, started, ended, outcome, place, signed in rows
    ]


def _episodes(family_ids: QuerySet):
    """(plan changes, enrollment spans with their pauses, assignments) of these families."""
    pauses: dict[int, list[tuple[date, date]]] = defaultdict(list)
    plans: list[PlanChange] = []
    for pk, family_id, frequency, effective_from, paused_until in (
        VisitPlan.objects.filter(family_id__in=family_ids)
        .order_by()
        .values_list("pk", "family_id", "frequency", "effective_from", "paused_until")
    ):
        plans.append(PlanChange(family_id, effective_from, frequency, pk))
        if frequency == VisitPlan.Frequency.PAUSED:
            pauses[family_id].append((effective_from, paused_until))
    spans = [
        EnrollmentSpan(family_id, enrolled, discharged, tuple(pauses[family_id]))
        for family_id, enrolled, discharged in Enrollment.objects.filter(family_id__in=family_ids)
        .order_by()
        .values_list("family_id", "enrolled_on", "discharged_on")
    ]
    assignments = list(
        Assignment.objects.filter(family_id__in=family_ids)
        .order_by()
        .values_list("family_id", "home_visitor_id", "start_date", "end_date")
    )
    return plans, spans, assignments


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
    visits = _visit_facts(
        Visit.objects.filter(family_id__in=family_ids).filter(
            Q(started_at__gte=lo, started_at__lt=hi)
            | Q(started_at__isnull=True, scheduled_at__gte=lo, scheduled_at__lt=hi)
        )
    )
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
    plans, enrollments, assignments = _episodes(family_ids)
    agency_of = dict(families.order_by().values_list("pk", "agency_id"))
    # Holidays once for the whole report: from the first visit day to a month past the
    # later of the period's end and today (a deadline runs a few business days on).
    days_off = (
        holidays(first, max(last, timezone.localdate()) + timedelta(days=31))
        if with_holidays
        else frozenset()
    )
    return Facts(visits, enrollments, assignments, plans, days_off, agency_of)


# --- the stored week facts ------------------------------------------------------------
# Rows exist up to HORIZON_WEEKS past the week they were computed in, so that an open
# enrollment has its weeks without a write every week; `extend_facts` (a daily job) moves
# the horizon of families nobody wrote to for a while.

HORIZON_WEEKS = 26
CHUNK = 500  # families per batch in rebuilds and checks (a bounded IN list)
FACT_FIELDS = ("enrolled_days", "paused_days", "streak_in", "last_home_visit")
SUM_FIELDS = (*TOTALS, *COMPONENT_TOTALS)


@dataclass
class History:
    """Everything about some families the week facts are computed from."""

    visits: list[VisitFact]
    spans: list[EnrollmentSpan]
    plans: list[PlanChange]
    assignments: list[tuple[int, int, date, date | None]]
    agency_of: dict[int, int]


def read_history(families: QuerySet[Family]) -> History:
    """Every visit, plan, enrollment and assignment of these families, in five queries."""
    family_ids = families.order_by().values("pk")
    visits = _visit_facts(Visit.objects.filter(family_id__in=family_ids))
    plans, spans, assignments = _episodes(family_ids)
    agency_of = dict(families.order_by().values_list("pk", "agency_id"))
    return History(visits, spans, plans, assignments, agency_of)


def compute_rows(history: History, *, today: date, days_off: frozenset[date]):
    """(family rows, visitor rows) as dicts of column values, from `history`."""
    options = {
        "through": week_start(today) + timedelta(weeks=HORIZON_WEEKS),
        "late_after_business_days": settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
        "holidays": days_off,
    }

    def model(row: WeekFact, **extra) -> dict:
        return {
            "family_id": row.family_id,
            "agency_id": history.agency_of[row.family_id],
            "week": row.week,
            "enrolled_days": row.enrolled_days,
            "paused_days": row.paused_days,
            "streak_in": row.streak_in,
            "last_home_visit": row.last_home_visit,
            **summable(row),
            **extra,
        }

    family_rows = [
        model(r) for r in week_facts(history.visits, history.spans, history.plans, **options)
    ]
    by_visitor: dict[int, list[VisitFact]] = defaultdict(list)
    for v in history.visits:
        by_visitor[v.visitor_id].append(v)
    visitors = set(by_visitor) | {a[1] for a in history.assignments}
    visitor_rows = []
    for visitor in sorted(visitors):
        spans = assigned_spans(history.spans, history.assignments, visitor)
        for r in week_facts(by_visitor.get(visitor, []), spans, history.plans, **options):
            visitor_rows.append(model(r, visitor_id=visitor))
    return family_rows, visitor_rows


def _days_off(today: date) -> frozenset[date]:
    """Holidays from the first visit ever to past the horizon (a deadline runs on)."""
    first = Visit.objects.order_by("scheduled_at").values_list("scheduled_at", flat=True).first()
    start = timezone.localtime(first).date() if first else today
    return holidays(start, today + timedelta(weeks=HORIZON_WEEKS + 5))


def _defaults(model) -> dict:
    """Column defaults of a totals model (the database has none: Django sets them)."""
    return {
        f.column: f.get_default()
        for f in model._meta.concrete_fields
        if not f.primary_key and not f.is_relation and f.name != "week"
    }


def _key(row: dict) -> tuple:
    return tuple(row[f] for f in (*FACT_FIELDS, *SUM_FIELDS, "min_minutes", "max_minutes"))


def _insert(model, rows: list[dict], *, if_missing: bool = False) -> None:
    """Insert many rows in as few statements as the database allows (executemany, or
    COPY on PostgreSQL): model instances cost more than the computation at the state's
    scale. Rows are dicts of column values (`compute_rows`); `if_missing` skips rows that
    would break a unique constraint (ON CONFLICT DO NOTHING; other columns default)."""
    if not rows:
        return
    if if_missing:
        rows = [{**_defaults(model), **row} for row in rows]
    columns = list(rows[0])
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not if_missing:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (our columns)
                + (" ON CONFLICT DO NOTHING" if if_missing else ""),
                [[row[c] for c in columns] for row in rows],
            )


def _sums():
    return {
        **{f: Sum(f) for f in SUM_FIELDS},
        "min_minutes": Min("min_minutes"),
        "max_minutes": Max("max_minutes"),
    }


def _retotal(model, facts_model, keys: dict[str, object], weeks: Iterable[date]) -> None:
    """Recompute the totals rows of `keys` (agency, visitor) for `weeks` from the facts.

    The totals rows are created if missing, then locked (SELECT ... FOR UPDATE on
    PostgreSQL) before the facts are summed: a concurrent write to another family of the
    same agency and week waits, then sums with this one's rows committed.
    """
    weeks = sorted(set(weeks))
    if not weeks:
        return
    _insert(model, [{"week": w, **keys} for w in weeks], if_missing=True)
    locked = {
        row.week: row
        for row in model.objects.select_for_update().filter(week__in=weeks, **keys).order_by("week")
    }
    sums = {
        row.pop("week"): row
        for row in facts_model.objects.filter(week__in=weeks, **keys)
        .order_by()
        .values("week")
        .annotate(**_sums())
    }
    columns = [*SUM_FIELDS, "min_minutes", "max_minutes"]
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 (our columns)
            [
                [
                    *((sums.get(week, {}).get(f) or 0) for f in SUM_FIELDS),
                    sums.get(week, {}).get("min_minutes"),
                    sums.get(week, {}).get("max_minutes"),
                    row.pk,
                ]
                for week, row in locked.items()
            ],
        )


def refresh_family(family_id: int, *, today: date | None = None) -> None:
    """Recompute one family's week facts and the totals they change, in the caller's
    transaction (every service that changes a visit, plan, enrollment or assignment
    calls this before it returns, so a rollback leaves the facts as they were)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        agency_id = (
            Family.objects.select_for_update()
            .filter(pk=family_id)
            .values_list("agency_id", flat=True)
            .first()
        )
        if agency_id is None:
            return
        old_family = {
            r["week"]: _key(r) for r in FamilyWeekFacts.objects.filter(family_id=family_id).values()
        }
        old_visitor = {
            (r["visitor_id"], r["week"]): _key(r)
            for r in VisitorWeekFacts.objects.filter(family_id=family_id).values()
        }
        history = read_history(Family.objects.filter(pk=family_id))
        first = min((v.day for v in history.visits), default=today)
        family_rows, visitor_rows = compute_rows(
            history,
            today=today,
            days_off=holidays(first, today + timedelta(weeks=HORIZON_WEEKS + 5)),
        )
        new_family = {r["week"]: _key(r) for r in family_rows}
        new_visitor = {(r["visitor_id"], r["week"]): _key(r) for r in visitor_rows}
        FamilyWeekFacts.objects.filter(family_id=family_id).delete()
        VisitorWeekFacts.objects.filter(family_id=family_id).delete()
        _insert(FamilyWeekFacts, family_rows)
        _insert(VisitorWeekFacts, visitor_rows)
        changed = {
            w
            for w in old_family.keys() | new_family.keys()
            if old_family.get(w) != new_family.get(w)
        }
        _retotal(AgencyWeekTotals, FamilyWeekFacts, {"agency_id": agency_id}, changed)
        by_visitor: dict[int, set[date]] = defaultdict(set)
        for key in old_visitor.keys() | new_visitor.keys():
            if old_visitor.get(key) != new_visitor.get(key):
                by_visitor[key[0]].add(key[1])
        for visitor_id, weeks in sorted(by_visitor.items()):
            _retotal(
                VisitorWeekTotals,
                VisitorWeekFacts,
                {"agency_id": agency_id, "visitor_id": visitor_id},
                weeks,
            )


def _chunks(families: QuerySet[Family]):
    ids = list(families.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _close_connections() -> None:
    """Close every connection and pool: a forked process must not share their sockets."""
    for conn in connections.all():
        conn.close()
        close_pool = getattr(conn, "close_pool", None)
        if close_pool is not None:
            close_pool()


def _rebuild_share(k: int, share: list[list[int]], today: date, days_off, queue) -> None:
    """Process `k` of a parallel rebuild: its chunks of families, each in a transaction;
    reports its running counts on `queue`."""
    counts = {"families": 0, "family_rows": 0, "visitor_rows": 0}
    try:
        for ids in share:
            with transaction.atomic():
                family_rows, visitor_rows = compute_rows(
                    read_history(Family.objects.filter(pk__in=ids)), today=today, days_off=days_off
                )
                _insert(FamilyWeekFacts, family_rows)
                _insert(VisitorWeekFacts, visitor_rows)
            counts["families"] += len(ids)
            counts["family_rows"] += len(family_rows)
            counts["visitor_rows"] += len(visitor_rows)
            queue.put((k, "progress", dict(counts)))
        queue.put((k, "done", counts))
    except Exception as error:  # the parent fails the rebuild with it
        queue.put((k, "error", f"{type(error).__name__}: {error}"))
    finally:
        _close_connections()


def _rebuild_parallel(workers: int, today: date, days_off, progress) -> dict:
    import multiprocessing

    chunks = list(_chunks(Family.objects.all()))
    FamilyWeekFacts.objects.all().delete()
    VisitorWeekFacts.objects.all().delete()
    _close_connections()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=_rebuild_share, args=(k, chunks[k::workers], today, days_off, queue))
        for k in range(workers)
    ]
    for process in processes:
        process.start()
    latest: dict[int, dict] = {}
    finished, errors = 0, []
    while finished < workers:
        k, kind, value = queue.get()
        if kind == "error":
            errors.append(value)
            finished += 1
            continue
        latest[k] = value
        finished += kind == "done"
        if progress:
            progress({key: sum(c[key] for c in latest.values()) for key in value})
    for process in processes:
        process.join()
    if errors:
        raise RuntimeError(f"rebuild_facts: a worker failed: {errors[0]}")
    keys = ("families", "family_rows", "visitor_rows")
    return {key: sum(c[key] for c in latest.values()) for key in keys}


def rebuild_facts(
    *, since: date | None = None, today: date | None = None, progress=None, workers: int = 1
) -> dict:
    """Recompute the week facts from the raw rows: every family, or (`since`) the families
    with an enrollment, visit or plan on or after that day, then every totals row from
    `since`'s week on. Returns counts.

    One transaction, unless `workers` > 1 (PostgreSQL, every family, not called inside a
    transaction, which the other processes could not see into): then that many
    processes share the families, each chunk in its own transaction, and the totals
    follow in one; for seeding and repairs while nobody writes (the statewide set builds
    its facts in half the time on two cores)."""
    today = today or timezone.localdate()
    days_off = _days_off(today)
    families = Family.objects.all()
    if since is not None:
        families = families.filter(
            Q(enrollments__discharged_on__isnull=True)
            | Q(enrollments__discharged_on__gte=since)
            | Q(visits__scheduled_at__date__gte=since)
            | Q(visit_plans__effective_from__gte=since)
        ).distinct()
    parallel = (
        workers > 1
        and since is None
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block  # other processes could not see its rows
    )
    counts = (
        _rebuild_parallel(workers, today, days_off, progress)
        if parallel
        else {"families": 0, "family_rows": 0, "visitor_rows": 0}
    )
    with transaction.atomic():
        for ids in [] if parallel else _chunks(families):
            family_rows, visitor_rows = compute_rows(
                read_history(Family.objects.filter(pk__in=ids)), today=today, days_off=days_off
            )
            FamilyWeekFacts.objects.filter(family_id__in=ids).delete()
            VisitorWeekFacts.objects.filter(family_id__in=ids).delete()
            _insert(FamilyWeekFacts, family_rows)
            _insert(VisitorWeekFacts, visitor_rows)
            counts["families"] += len(ids)
            counts["family_rows"] += len(family_rows)
            counts["visitor_rows"] += len(visitor_rows)
            if progress:
                progress(counts)
        from_week = week_start(since) if since else date.min
        for model, facts_model, keys in (
            (AgencyWeekTotals, FamilyWeekFacts, ("agency_id",)),
            (VisitorWeekTotals, VisitorWeekFacts, ("agency_id", "visitor_id")),
        ):
            model.objects.filter(week__gte=from_week).delete()
            _insert(
                model,
                list(
                    facts_model.objects.filter(week__gte=from_week)
                    .order_by()
                    .values(*keys, "week")
                    .annotate(**_sums())
                ),
            )
    return counts


def extend_facts(*, today: date | None = None) -> int:
    """Move the horizon of enrolled families whose rows end within 8 weeks (nobody wrote
    to them for months): the daily job `facts.extend`. Returns how many were refreshed."""
    today = today or timezone.localdate()
    soon = week_start(today) + timedelta(weeks=8)
    stale = (
        Family.objects.filter(enrollments__discharged_on__isnull=True)
        .exclude(pk__in=FamilyWeekFacts.objects.filter(week__gte=soon).values("family_id"))
        .distinct()
    )
    n = 0
    for ids in _chunks(stale):
        for family_id in ids:
            refresh_family(family_id, today=today)
            n += 1
    return n


@dataclass
class Verification:
    families: int = 0
    rows: int = 0
    mismatched_families: list[int] = field(default_factory=list)
    mismatched_totals: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatched_families and not self.mismatched_totals


def verify_facts(*, today: date | None = None) -> Verification:
    """Compare the stored facts, up to today's week, with a recomputation from the raw
    rows, and every totals row with the sum of its facts."""
    today = today or timezone.localdate()
    last = week_start(today)
    days_off = _days_off(today)
    result = Verification()
    for ids in _chunks(Family.objects.all()):
        family_rows, visitor_rows = compute_rows(
            read_history(Family.objects.filter(pk__in=ids)), today=today, days_off=days_off
        )
        want = defaultdict(set)
        have = defaultdict(set)
        for rows, stored in (
            (family_rows, FamilyWeekFacts.objects.filter(family_id__in=ids, week__lte=last)),
            (visitor_rows, VisitorWeekFacts.objects.filter(family_id__in=ids, week__lte=last)),
        ):
            for r in rows:
                if r["week"] <= last:
                    want[r["family_id"]].add((r.get("visitor_id"), r["week"], _key(r)))
            for r in stored.values():
                have[r["family_id"]].add((r.get("visitor_id"), r["week"], _key(r)))
        result.families += len(ids)
        result.rows += sum(len(v) for v in want.values())
        result.mismatched_families += sorted(
            f for f in want.keys() | have.keys() if want.get(f) != have.get(f)
        )
    for model, facts_model, keys in (
        (AgencyWeekTotals, FamilyWeekFacts, ("agency_id",)),
        (VisitorWeekTotals, VisitorWeekFacts, ("agency_id", "visitor_id")),
    ):
        stored = {
            tuple(getattr(r, k) for k in (*keys, "week")): _totals_key(r.__dict__)
            for r in model.objects.all()
            if any(getattr(r, f) for f in SUM_FIELDS)
        }
        summed = {
            tuple(row[k] for k in (*keys, "week")): _totals_key(row)
            for row in facts_model.objects.order_by().values(*keys, "week").annotate(**_sums())
            if any(row[f] for f in SUM_FIELDS)
        }
        result.mismatched_totals += sum(
            1 for k in stored.keys() | summed.keys() if stored.get(k) != summed.get(k)
        )
    return result


def _totals_key(row: dict) -> tuple:
    return tuple(row[f] or 0 for f in (*SUM_FIELDS, "min_minutes", "max_minutes"))
