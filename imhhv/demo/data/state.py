"""The statewide data set (`seed_demo --scale state`, or `--scale N` agencies).

The same generators and distributions as the small demo (`seed`, `seed_visits`), at the
size of the whole program: 46 agencies in Michigan counties, ~600 staff, ~8,000 active and
~30,000 past families whose episodes are spread over `years` years, and every visit of
every episode (about a week apart, with the small demo's engagement, lengths, places,
late and unsigned notes, pauses and disengagement), with key components and strategy
responses on completed visits; and the workforce of every agency (`workforce.py`: staff
records, 26 weeks of reflective supervision, training ledgers, cohorts), written last
through the same writer (a few seconds for ~550 home visitors and supervisors).

Rows go in as they are made: PostgreSQL through COPY (psycopg 3 `cursor.copy`), SQLite
through bulk INSERTs (executemany). Primary keys are reserved from each table's sequence
first, so related rows can be written without reading anything back. On PostgreSQL the
foreign keys of the loaded tables are dropped for the load and added back at the end (one
validating pass per key instead of ~40 million deferred row checks at COMMIT). The whole
build is one transaction. No audit events: seeding is not user activity (the command's
demo proposal and holiday are made afterwards through the audited services). Nothing
documented lies after now, whatever the hour: a visit of today that would end later stays
scheduled (as in `seed_visits`).
"""

import random
import sys
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from imhhv.demo.data.builder import _Builder
from imhhv.demo.data.counties import STATE_COUNTIES
from imhhv.demo.data.families import DISCHARGE_MIX
from imhhv.demo.data.organisation import build_organisation
from imhhv.demo.data.visits import COMPONENT_WEIGHTS, NOTES, _visitor_on
from imhhv.demo.data.workforce import WorkforceBuilder, WorkforceFigures
from imhhv.families.models import (
    Assignment,
    Caregiver,
    Child,
    Consent,
    Enrollment,
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)
from imhhv.visits.models import Catalogue, Strategy, StrategyResponse, Visit, VisitPlan

STATE_AGENCIES = len(STATE_COUNTIES)
STATE_TEAMS_PER_AGENCY = 2
STATE_VISITORS_PER_TEAM = 5
STATE_FAMILIES_PER_VISITOR = (15, 20)  # active; 460 visitors -> ~8,000 active families
STATE_PAST_SHARE = 0.79  # of every family ever served: ~30,000 past families
STATE_NEWER_PER_AGENCY = 2  # home visitors who joined in the last year (workforce.py)
PAUSE_SHARE = 0.05
PROGRESS_EVERY = 250_000
LOADED_PEOPLE = [
    Family,
    Caregiver,
    Child,
    Consent,
    Referral,
    ReferralCaregiver,
    ReferralChild,
    Enrollment,
    Assignment,
]


@dataclass
class TableFigures:
    rows: int = 0
    seconds: float = 0.0
    raw_seconds: float | None = None  # a raw COPY of the same rows (PostgreSQL only)

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def raw_rate(self) -> float | None:
        return self.rows / self.raw_seconds if self.raw_seconds else None


@dataclass
class StateResult:
    agencies: int = 0
    users: int = 0
    active_families: int = 0
    past_families: int = 0
    seconds: float = 0.0
    tables: dict[str, TableFigures] = field(default_factory=dict)
    workforce: WorkforceFigures = field(default_factory=WorkforceFigures)

    def report(self) -> str:
        lines = [
            f"{'table':<34}{'rows':>12}{'s':>8}{'rows/s':>11}{'raw COPY rows/s':>17}{'ratio':>7}"
        ]
        for table, t in self.tables.items():
            raw = f"{t.raw_rate:>17,.0f}" if t.raw_rate else f"{'-':>17}"
            ratio = f"{t.raw_rate / t.rate:>6.1f}x" if t.raw_rate and t.rate else f"{'-':>7}"
            lines.append(f"{table:<34}{t.rows:>12,}{t.seconds:>8.1f}{t.rate:>11,.0f}{raw}{ratio}")
        return "\n".join(lines)


class _Writer:
    """Writes rows of one table at a time: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, result: StateResult, progress):
        self.result = result
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress.write(text + "\n")
            self.progress.flush()

    def reserve(self, model, n: int) -> int:
        """The first of `n` new primary keys of `model`'s table (nobody else writes)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                (sequence,) = cursor.fetchone()
                cursor.execute(
                    f'SELECT COALESCE(MAX(id), 0) + 1, nextval(%s) FROM "{table}"',  # noqa: S608
                    [sequence],
                )
                first = max(cursor.fetchone())
                if n:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
                return first
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608
            return cursor.fetchone()[0]

    def without_foreign_keys(self, models: list) -> list[tuple[str, str, str]]:
        """Drop the foreign keys of these (empty) tables before loading them: checked row by
        row at COMMIT they cost more than the load itself. `restore_foreign_keys` adds them
        back, which validates every row in one pass per key."""
        if not self.postgres:
            return []
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            keys = cursor.fetchall()
            # Pending checks of the rows written so far (the organisation) are run first:
            # a table with pending trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _ in keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return keys

    def restore_foreign_keys(self, keys: list[tuple[str, str, str]]) -> None:
        if not keys:
            return
        started = clock.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, definition in keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.say(
            f"{len(keys)} foreign keys checked and restored in "
            f"{clock.perf_counter() - started:.1f} s"
        )

    def finish_sequence(self, model, last: int) -> None:
        if self.postgres and last:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last])

    def write(self, model, columns: list[str], rows) -> int:
        """Write `rows` (tuples in `columns` order, plain Python values)."""
        table = model._meta.db_table
        figures = self.result.tables.setdefault(table, TableFigures())
        started = clock.perf_counter()
        n = 0
        quoted = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            with (
                connection.connection.cursor() as raw,
                raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    n += 1
                    if n % PROGRESS_EVERY == 0:
                        self.say(f"  {table}: {n:,} rows")
        else:
            by_column = {f.column: f for f in model._meta.concrete_fields}
            fields = [by_column[c] for c in columns]
            marks = ", ".join(["%s"] * len(columns))
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'  # noqa: S608
            batch: list[list] = []
            with connection.cursor() as cursor:
                for row in rows:
                    pairs = zip(fields, row, strict=True)
                    batch.append([f.get_db_prep_save(v, connection) for f, v in pairs])
                    n += 1
                    if len(batch) == 5000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
        took = clock.perf_counter() - started
        figures.rows += n
        figures.seconds += took
        self.say(f"{table}: {figures.rows:,} rows in {figures.seconds:.1f} s")
        return n

    def save_instances(self, objs: list) -> None:
        """Unsaved model instances of one model (their relations already saved)."""
        if not objs:
            return
        model = type(objs[0])
        if not self.postgres:
            table = model._meta.db_table
            figures = self.result.tables.setdefault(table, TableFigures())
            started = clock.perf_counter()
            model.objects.bulk_create(objs, batch_size=2000)
            figures.rows += len(objs)
            figures.seconds += clock.perf_counter() - started
            self.say(f"{table}: {figures.rows:,} rows in {figures.seconds:.1f} s")
            return
        first = self.reserve(model, len(objs))
        fields = model._meta.concrete_fields
        for offset, obj in enumerate(objs):
            obj.pk = first + offset
            for f in fields:
                if f.is_relation and f.is_cached(obj):
                    related = f.get_cached_value(obj)
                    setattr(obj, f.attname, related.pk if related is not None else None)
            obj._state.adding = False
            obj._state.db = connection.alias

        def rows():
            for obj in objs:
                yield tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)

        self.write(model, [f.column for f in fields], rows())

    def raw_copy(self, model) -> None:
        """Time a COPY of the rows just written into a TEMP table of the same shape."""
        if not self.postgres:
            return
        table = model._meta.db_table
        figures = self.result.tables.get(table)
        if not figures or not figures.rows:
            return
        temp = f"raw_{table}"
        with connection.connection.cursor() as raw:
            chunks: list[bytes] = []
            with raw.copy(f'COPY "{table}" TO STDOUT') as copy:
                for data in copy:
                    chunks.append(bytes(data))
            raw.execute(f'CREATE TEMP TABLE "{temp}" (LIKE "{table}" INCLUDING ALL)')
            started = clock.perf_counter()
            with raw.copy(f'COPY "{temp}" FROM STDIN') as copy:
                for data in chunks:
                    copy.write(data)
            figures.raw_seconds = clock.perf_counter() - started
            raw.execute(f'DROP TABLE "{temp}"')
        self.say(f"{table}: raw COPY of the same rows in {figures.raw_seconds:.1f} s")


class _StateBuilder(_Builder):
    """The demo builder; a past family is built as of a day up to `spread` days ago, so
    discharges fall over the whole history rather than only the last two years."""

    def __init__(self, rng: random.Random, today: date, spread: int):
        super().__init__(rng, today)
        self.real_today = today
        self.spread = spread

    def family(self, ctx, *, visitor, team, kind, reason=""):
        if kind != "discharged":
            return super().family(ctx, visitor=visitor, team=team, kind=kind, reason=reason)
        self.today = self.real_today - timedelta(days=self.rng.randint(0, self.spread))
        try:
            return super().family(ctx, visitor=visitor, team=team, kind=kind, reason=reason)
        finally:
            self.today = self.real_today


def _save_people(writer: _Writer, build: _Builder) -> None:
    if not writer.postgres:
        build.save()
        for model, objs in (
            (Family, build.families),
            (Caregiver, build.caregivers),
            (Child, build.children),
            (Consent, build.consents),
            (Referral, build.referrals),
            (ReferralCaregiver, build.referral_caregivers),
            (ReferralChild, build.referral_children),
            (Enrollment, build.enrollments),
            (Assignment, build.assignments),
        ):
            writer.result.tables[model._meta.db_table] = TableFigures(rows=len(objs))
        return
    for objs in (
        build.families,
        build.caregivers,
        build.children,
        build.consents,
        build.referrals,
        build.referral_caregivers,
        build.referral_children,
    ):
        writer.save_instances(objs)
    through = Referral.risk_factors.through
    writer.save_instances(
        [
            through(referral_id=referral.pk, riskfactor_id=rf.pk)
            for referral, risks in build.referral_risks
            for rf in risks
        ]
    )
    writer.save_instances(build.enrollments)
    writer.save_instances(build.assignments)


@transaction.atomic
def seed_state(
    *,
    agencies: int = STATE_AGENCIES,
    years: int = 6,
    families_per_visitor: tuple[int, int] = STATE_FAMILIES_PER_VISITOR,
    rng_seed: int = 2026,
    progress=sys.stderr,
    raw_copy: bool = True,
) -> StateResult:
    """Build the statewide set (or `agencies` of its agencies) on an empty database."""
    started = clock.perf_counter()
    result = StateResult()
    writer = _Writer(result, progress)
    rng = random.Random(rng_seed)
    today = timezone.localdate()
    history = years * 365
    spread = max(0, history - 730)  # past families' discharges: from 14 days to `years` ago
    contexts, users = build_organisation(
        today=today,
        agencies=min(agencies, STATE_AGENCIES),
        teams_per_agency=STATE_TEAMS_PER_AGENCY,
        visitors_per_team=STATE_VISITORS_PER_TEAM,
        counties=STATE_COUNTIES,
        staff_years=years + 4,  # before the first day of the oldest episode
    )
    result.agencies, result.users = len(contexts), len(users)
    writer.say(f"organisation: {len(contexts)} agencies, {len(users)} staff accounts")

    build = _StateBuilder(rng, today, spread)
    low, high = families_per_visitor
    reasons = list(DISCHARGE_MIX)
    weights = [w for w, _ in DISCHARGE_MIX.values()]
    for ctx in contexts:
        slots = []
        for user, team, fte in ctx.visitors:
            n = rng.randint(low, high)
            if fte < 1 and n:
                n = max(1, round(n * float(fte)))
            slots += [(user, team)] * n
        reenrolled = set(rng.sample(range(len(slots)), min(2, len(slots))))
        for number, (user, team) in enumerate(slots):
            kind = "reenrolled" if number in reenrolled else "active"
            build.family(ctx, visitor=user, team=team, kind=kind)
        n_past = round(len(slots) * STATE_PAST_SHARE / (1 - STATE_PAST_SHARE))
        for number in range(n_past):
            reason = reasons[number] if number < len(reasons) else rng.choices(reasons, weights)[0]
            user, team, _ = rng.choice(ctx.visitors)
            build.family(ctx, visitor=user, team=team, kind="discharged", reason=reason)
        build.intake(ctx)
    result.past_families = build.discharged
    result.active_families = len(build.families) - build.discharged
    writer.say(
        f"families built: {result.active_families:,} active, {result.past_families:,} past "
        f"({clock.perf_counter() - started:.1f} s)"
    )
    keys = writer.without_foreign_keys(
        [
            *LOADED_PEOPLE,
            Referral.risk_factors.through,
            VisitPlan,
            Visit,
            Visit.components.through,
            StrategyResponse,
        ]
    )
    workforce = WorkforceBuilder(
        random.Random(rng_seed + 10),
        today,
        contexts,
        users,
        newer_per_agency=STATE_NEWER_PER_AGENCY,
    )
    workforce.stagger_starts(build)  # before the assignments are written
    _save_people(writer, build)
    _visits(writer, rng_seed=rng_seed, today=today, build=build)
    writer.restore_foreign_keys(keys)
    started_workforce = clock.perf_counter()
    result.workforce = workforce.build(build)
    workforce.save(writer.save_instances)
    writer.say(f"{result.workforce.summary()} ({clock.perf_counter() - started_workforce:.1f} s)")
    if raw_copy:
        for model in (Visit, Visit.components.through, StrategyResponse):
            writer.raw_copy(model)
    result.seconds = clock.perf_counter() - started
    return result


def _visits(writer: _Writer, *, rng_seed: int, today: date, build: _Builder) -> None:
    """Plans, visits, components and strategy responses of every episode."""
    now = timezone.now()
    catalogue = Catalogue.objects.order_by("-version").first()
    if catalogue is None:
        return
    components = {c.code: c.pk for c in catalogue.components.all()}
    strategies: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for strategy in Strategy.objects.filter(component__catalogue=catalogue).order_by(
        "component_id", "order", "pk"
    ):
        top = 1 if strategy.response_type == Strategy.ResponseType.YES_NO else 3
        strategies[strategy.component_id].append((strategy.pk, top))
    codes, weights = zip(*COMPONENT_WEIGHTS.items(), strict=True)

    assignments: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for a in build.assignments:
        assignments[a.family_id].append((a.home_visitor_id, a.start_date, a.end_date))
    episodes: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for e in build.enrollments:
        episodes[e.family_id].append((e.enrolled_on, e.discharged_on))
    families = sorted(build.families, key=lambda f: f.pk)

    midnights: dict[date, datetime] = {}

    def at(day: date, hour: int) -> datetime:
        midnight = midnights.get(day)
        if midnight is None:
            midnight = midnights[day] = timezone.make_aware(datetime.combine(day, time(0)))
        return midnight + timedelta(hours=hour)

    # Plans first (small), remembering each family's pause for the visits.
    rng = random.Random(rng_seed)
    family_seeds = {f.pk: rng.random() for f in families}
    pauses: dict[int, list[tuple[date, date]]] = defaultdict(list)
    plan_cols = [
        "family_id",
        "effective_from",
        "frequency",
        "paused_until",
        "pause_reason",
        "preferred_day",
        "preferred_time",
        "created_by_id",
        "created_at",
    ]
    plans = []
    for family in families:
        plan_rng = random.Random(family_seeds[family.pk] + 0.5)
        for start, end in episodes[family.pk]:
            created = min(at(start, 12), now)
            plans.append(
                (family.pk, start, "weekly", None, "", plan_rng.randint(0, 4),
                 time(plan_rng.randint(9, 15)), None, created)
            )  # fmt: skip
            last = end or today
            if (last - start).days > 120 and plan_rng.random() < PAUSE_SHARE:
                begin = start + timedelta(days=plan_rng.randint(30, (last - start).days - 60))
                until = begin + timedelta(days=plan_rng.randint(14, 24))
                pauses[family.pk].append((begin, until))
                plans.append(
                    (family.pk, begin, "paused", until,
                     "Demo: family travelling to see relatives", None, None, None,
                     min(at(begin, 12), now))
                )  # fmt: skip
                plans.append(
                    (family.pk, until + timedelta(days=1), "weekly", None, "", None, None,
                     None, min(at(begin, 12), now))
                )  # fmt: skip
    first_plan = writer.reserve(VisitPlan, len(plans))
    writer.write(
        VisitPlan,
        ["id", *plan_cols],
        ((first_plan + i, *row) for i, row in enumerate(plans)),
    )
    del plans

    visit_cols = [
        "id", "family_id", "visitor_id", "scheduled_at", "outcome", "started_at", "ended_at",
        "place", "others_present", "catalogue_id", "asked_about_development", "safety_concern",
        "note", "next_steps", "documented_at", "signed_at", "signed_by_id", "version",
        "created_by_id", "created_at",
    ]  # fmt: skip
    known = {f.column for f in Visit._meta.concrete_fields}
    assert set(visit_cols) == known, f"Visit columns changed: {known ^ set(visit_cols)}"
    picks: list[tuple[int, tuple[int, ...]]] = []
    responses: list[tuple[int, int, int]] = []
    next_visit_id = [writer.reserve(Visit, 0)]
    cat = catalogue.pk
    outcomes = ["attempted", "cancelled_family", "cancelled_family", "cancelled_visitor",
                "rescheduled"]  # fmt: skip
    places, place_weights = ["home", "video", "phone", "other"], [90, 5, 3, 2]

    def visit_rows():
        for family in families:
            f_rng = random.Random(family_seeds[family.pk])
            engagement = 0.88 if f_rng.random() > 0.2 else 0.7
            disengaged = f_rng.choice((4, 5, 6)) if f_rng.random() < 0.06 else 0
            family_pauses = pauses.get(family.pk, ())
            its = assignments[family.pk]
            fid = family.pk
            for start, end in episodes[fid]:
                monday = start - timedelta(days=start.weekday())
                last_day = min(end or today, today)
                while monday <= last_day:
                    day = monday + timedelta(days=f_rng.randint(0, 4))
                    monday += timedelta(weeks=1)
                    if day < start or day > last_day:
                        continue
                    if any(p <= day <= q for p, q in family_pauses):
                        continue
                    visitor = _visitor_on(its, day)
                    if visitor is None:
                        continue
                    vid = next_visit_id[0]
                    recent = end is None and (today - day).days < 7 * disengaged
                    begin = at(day, f_rng.randint(9, 16))
                    scheduled = (vid, fid, visitor, begin, "scheduled", None, None, "", "",
                                 cat, False, False, "", "", None, None, None, 1, visitor,
                                 now)  # fmt: skip
                    if recent or f_rng.random() > engagement:
                        outcome = f_rng.choice(outcomes)
                        next_visit_id[0] += 1
                        if begin > now:
                            yield scheduled
                            continue
                        yield (vid, fid, visitor, begin, outcome, None, None, "", "", cat, False,
                               False, "", "", begin, begin, visitor, 1, visitor, begin)  # fmt: skip
                        continue
                    roll = f_rng.random()
                    minutes = (
                        f_rng.randint(45, 80)
                        if roll < 0.1
                        else f_rng.randint(125, 150)
                        if roll > 0.96
                        else int(min(120, max(90, f_rng.gauss(105, 9))))
                    )
                    place = f_rng.choices(places, weights=place_weights)[0]
                    delay = f_rng.randint(3, 7) if f_rng.random() < 0.1 else f_rng.choice((0, 0, 1))
                    signed = begin + timedelta(days=delay, hours=3)
                    unsigned = (today - day).days < 5 and f_rng.random() < 0.5
                    ended = begin + timedelta(minutes=minutes)
                    asked = f_rng.random() < 0.7
                    safety = f_rng.random() < 0.01
                    note = f_rng.choice(NOTES)
                    chosen = sorted(set(f_rng.choices(codes, weights, k=f_rng.randint(2, 4))))
                    values = [
                        f_rng.randint(top // 2, top)
                        for code in chosen
                        for _, top in strategies[components[code]][:2]
                    ]
                    next_visit_id[0] += 1
                    if ended > now:  # would end later today: still only scheduled
                        yield scheduled
                        continue
                    is_signed = not unsigned and signed <= now
                    yield (vid, fid, visitor, begin, "completed", begin, ended, place, "", cat,
                           asked, safety, note, "Demo: same time next week.", min(signed, now),
                           signed if is_signed else None, visitor if is_signed else None, 1,
                           visitor, begin)  # fmt: skip
                    component_ids = tuple(components[c] for c in chosen)
                    picks.append((vid, component_ids))
                    values_iter = iter(values)
                    for cid in component_ids:
                        for sid, _ in strategies[cid][:2]:
                            responses.append((vid, sid, next(values_iter)))
            if family.home_visitor_id and any(e is None for _, e in episodes[fid]):
                nxt = today + timedelta(days=7 - today.weekday() + f_rng.randint(0, 4))
                vid = next_visit_id[0]
                next_visit_id[0] += 1
                yield (vid, fid, family.home_visitor_id, at(nxt, 10), "scheduled", None, None,
                       "", "", cat, False, False, "", "", None, None, None, 1,
                       family.home_visitor_id, now)  # fmt: skip

    writer.write(Visit, visit_cols, visit_rows())
    writer.finish_sequence(Visit, next_visit_id[0] - 1)

    through = Visit.components.through
    n_components = sum(len(cs) for _, cs in picks)
    first = writer.reserve(through, n_components)

    def component_rows():
        pk = first
        for vid, cids in picks:
            for cid in cids:
                yield (pk, vid, cid)
                pk += 1

    writer.write(through, ["id", "visit_id", "keycomponent_id"], component_rows())
    picks.clear()
    first = writer.reserve(StrategyResponse, len(responses))
    writer.write(
        StrategyResponse,
        ["id", "visit_id", "strategy_id", "value"],
        ((first + i, *row) for i, row in enumerate(responses)),
    )
