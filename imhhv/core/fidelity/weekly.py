"""Week facts: the family x week rows every fidelity figure is a sum of.

`summarize` reads visits and enrollment spans and counts. At the state's scale (millions
of visits) reading them for every page is too slow, so the platform keeps one row per
family and week (`week_facts`), and a report adds rows up (`totals_of` in Python, the same
sums in SQL over the stored rows) and turns the totals into a `FidelitySummary`
(`summary_from_totals`). The definitions stay those of the metric modules; this module
only regroups them, and a property test proves
`summary_from_totals(totals_of(week_facts(...)))` equals `summarize(...)` on random
histories.

Two rules make the regrouping exact, and are decisions of the whole fidelity report:

- Reports cover whole weeks, Monday to Sunday (`whole_weeks`). Every figure of a period
  then depends on its weeks only, never on the weekday it starts on.
- A week's row is its state at the end of the week: `streak_in` (expected weeks without
  a home visit since the last one, before this week) and `last_home_visit` (the latest
  home visit up to this week's Sunday). The disengagement alert as of today reads the row
  of today's week: no home visit yet this week and `streak_in` at the threshold or more.

A row belongs to one *chain*: the family as a whole (its every visit and enrollment), or
the family with one home visitor (that visitor's visits; the enrollment days the family
was assigned to them). `week_facts` is given one chain's visits and spans per family.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from imhhv.core.calendar import add_business_days, week_start
from imhhv.core.fidelity.delivery import _window
from imhhv.core.fidelity.facts import (
    _WEEK,
    DEFAULT_HIGH_MINUTES,
    DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    DEFAULT_LOW_MINUTES,
    DEFAULT_STREAK_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    KEY_CODES,
    WEEK_MAJORITY_DAYS,
    Coverage,
    Disengagement,
    Durations,
    EnrollmentSpan,
    FidelitySummary,
    Timeliness,
    VisitFact,
    _ratio,
)
from imhhv.core.fidelity.plan import PlanChange, delivery, histories, history_of, week_delivery
from imhhv.core.fidelity.weeks import _days_per_week, _merge, _spans_by_family


@dataclass(frozen=True)
class WeekFact:
    """One family's week (in one chain). Counts are of visits dated in the week."""

    family_id: int
    week: date  # the Monday
    enrolled_days: int = 0  # days of the week enrolled (and, in a visitor's chain, assigned)
    paused_days: int = 0  # of those, days paused
    planned: float = 0.0  # visits the plan in force promised (counted when expected)
    home_visits: int = 0
    contacts: int = 0  # completed visits outside the home
    durations: int = 0  # home visits with a start and an end
    minutes: int = 0  # their total length
    within: int = 0
    short: int = 0
    long: int = 0
    min_minutes: int | None = None
    max_minutes: int | None = None
    components: tuple[int, ...] = field(default_factory=lambda: (0,) * len(KEY_CODES))
    window_visited: bool = False  # a home visit in the rolling window ending this week
    window_distinct: int = 0  # distinct components in that window
    on_time: int = 0  # signed notes of completed visits (home or not)
    late: int = 0
    unsigned: int = 0  # completed visits whose note is not signed (judged when read)
    streak_in: int = 0  # expected weeks without a home visit since the last, before this week
    last_home_visit: date | None = None  # the latest home visit up to this week's Sunday

    @property
    def expected(self) -> bool:
        return self.enrolled_days >= WEEK_MAJORITY_DAYS and self.paused_days < WEEK_MAJORITY_DAYS

    @property
    def covered(self) -> bool:
        return self.expected and self.home_visits > 0

    @property
    def delivered(self) -> int:
        return week_delivery(self.planned, self.home_visits) if self.expected else 0


def whole_weeks(start: date, end: date) -> tuple[date, date]:
    """The Monday of `start`'s week and the Sunday of `end`'s: the days a report covers."""
    if end < start:
        raise ValueError("the period ends before it starts")
    return week_start(start), week_start(end) + timedelta(days=6)


def _intervals(
    spans: Sequence[EnrollmentSpan], last_day: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    enrolled: list[tuple[int, int]] = []
    paused: list[tuple[int, int]] = []
    for span in spans:
        first = span.start.toordinal()
        last = min(last_day if span.end is None else span.end.toordinal(), last_day)
        if first > last:
            continue
        enrolled.append((first, last))
        for p_first, p_last in span.paused:
            lo, hi = max(p_first.toordinal(), first), min(p_last.toordinal(), last)
            if lo <= hi:
                paused.append((lo, hi))
    return _merge(enrolled), _merge(paused)


def week_facts(
    visits: Iterable[VisitFact],
    spans: Iterable[EnrollmentSpan],
    plans: Iterable[PlanChange] = (),
    *,
    through: date,
    low: int = DEFAULT_LOW_MINUTES,
    high: int = DEFAULT_HIGH_MINUTES,
    components: Sequence[str] = KEY_CODES,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
) -> list[WeekFact]:
    """One chain's rows: a row for every week with an enrolled day or a completed visit.

    Open enrollments (and anything after them) are cut at the Sunday of `through`'s week,
    the horizon up to which rows exist. Sorted by family, then week.
    """
    horizon = week_start(through) + timedelta(days=6)
    holidays = frozenset(holidays)
    index = {code: i for i, code in enumerate(components)}
    by_family_visits: dict[int, list[VisitFact]] = defaultdict(list)
    for v in visits:
        if v.completed:
            by_family_visits[v.family_id].append(v)
    spans_of = _spans_by_family(spans)
    plan_of = histories(plans)
    late_from: dict[date, date] = {}
    rows: list[WeekFact] = []
    empty = (0,) * len(components)
    for family in sorted(set(by_family_visits) | set(spans_of)):
        enrolled, paused = _intervals(spans_of.get(family, []), horizon.toordinal())
        enrolled_days = _days_per_week(enrolled)
        paused_days = _days_per_week(paused)
        weeks: dict[date, dict] = {}
        for ordinal in enrolled_days:
            weeks[date.fromordinal(ordinal)] = {}
        codes_by_week: dict[date, set[str]] = defaultdict(set)
        for v in by_family_visits.get(family, []):
            monday = week_start(v.day)
            w = weeks.setdefault(monday, {})
            if v.is_home_visit:
                w["home_visits"] = w.get("home_visits", 0) + 1
                w["last"] = max(w.get("last", v.day), v.day)
                codes_by_week[monday].update(v.components)
                counts = w.setdefault("components", [0] * len(components))
                for code in v.components:
                    if code in index:
                        counts[index[code]] += 1
                if v.minutes is not None:
                    m = v.minutes
                    w["durations"] = w.get("durations", 0) + 1
                    w["minutes"] = w.get("minutes", 0) + m
                    bucket = "short" if m < low else "long" if m > high else "within"
                    w[bucket] = w.get(bucket, 0) + 1
                    w["min_minutes"] = min(w.get("min_minutes", m), m)
                    w["max_minutes"] = max(w.get("max_minutes", m), m)
            else:
                w["contacts"] = w.get("contacts", 0) + 1
            if v.documented_on is None:
                w["unsigned"] = w.get("unsigned", 0) + 1
            else:
                if v.day not in late_from:
                    late_from[v.day] = add_business_days(
                        v.day, late_after_business_days + 1, holidays
                    )
                key = "late" if v.documented_on >= late_from[v.day] else "on_time"
                w[key] = w.get(key, 0) + 1
        history = history_of(plan_of, family)
        streak, last = 0, None
        for monday in sorted(weeks):
            w = weeks[monday]
            visited, distinct = _window(codes_by_week, monday, window_weeks)
            home = w.get("home_visits", 0)
            row = WeekFact(
                family_id=family,
                week=monday,
                enrolled_days=enrolled_days.get(monday.toordinal(), 0),
                paused_days=paused_days.get(monday.toordinal(), 0),
                planned=history.planned_in_week(monday),
                home_visits=home,
                contacts=w.get("contacts", 0),
                durations=w.get("durations", 0),
                minutes=w.get("minutes", 0),
                within=w.get("within", 0),
                short=w.get("short", 0),
                long=w.get("long", 0),
                min_minutes=w.get("min_minutes"),
                max_minutes=w.get("max_minutes"),
                components=tuple(w["components"]) if "components" in w else empty,
                window_visited=visited,
                window_distinct=distinct,
                on_time=w.get("on_time", 0),
                late=w.get("late", 0),
                unsigned=w.get("unsigned", 0),
                streak_in=streak,
                last_home_visit=w["last"] if home else last,
            )
            if home:
                streak, last = 0, w["last"]
            elif row.expected:
                streak += 1
            rows.append(row)
    return rows


# --- adding rows up -------------------------------------------------------------------

# The summable figures of a row (`summable`); a report is their sum over rows, with the
# minimum and maximum length taken by MIN and MAX. Stored rows have one column each.
TOTALS = (
    "expected",
    "covered",
    "planned",
    "delivered",
    "windows",
    "distinct_total",
    "home_visits",
    "contacts",
    "durations",
    "minutes",
    "within",
    "short",
    "long",
    "on_time",
    "late",
    "unsigned",
)
COMPONENT_TOTALS = tuple(f"component_{code}" for code in KEY_CODES)


def summable(r: WeekFact) -> dict:
    """The row's summable figures: week-based ones only when the week is expected."""
    expected = r.expected
    return {
        "expected": int(expected),
        "covered": int(r.covered),
        "planned": r.planned if expected else 0.0,
        "delivered": r.delivered,
        "windows": int(expected and r.window_visited),
        "distinct_total": r.window_distinct if expected and r.window_visited else 0,
        "home_visits": r.home_visits,
        "contacts": r.contacts,
        "durations": r.durations,
        "minutes": r.minutes,
        "within": r.within,
        "short": r.short,
        "long": r.long,
        "on_time": r.on_time,
        "late": r.late,
        "unsigned": r.unsigned,
        **dict(zip(COMPONENT_TOTALS, r.components, strict=True)),
        "min_minutes": r.min_minutes,
        "max_minutes": r.max_minutes,
    }


def add_totals(rows: Iterable[dict]) -> dict:
    """Totals of `summable`-shaped dicts (or stored rows' values): sums, MIN and MAX."""
    t: dict = dict.fromkeys((*TOTALS, *COMPONENT_TOTALS), 0)
    t["planned"] = 0.0
    t["min_minutes"] = t["max_minutes"] = None
    for row in rows:
        for key in (*TOTALS, *COMPONENT_TOTALS):
            t[key] += row[key] or 0
        if row["min_minutes"] is not None:
            lo, hi = t["min_minutes"], t["max_minutes"]
            t["min_minutes"] = row["min_minutes"] if lo is None else min(lo, row["min_minutes"])
            t["max_minutes"] = row["max_minutes"] if hi is None else max(hi, row["max_minutes"])
    return t


def totals_of(rows: Iterable[WeekFact], first: date, last: date) -> dict:
    """The totals of the rows of weeks [first, last] (Mondays inclusive), with `families`:
    the families enrolled on a day of those weeks. The SQL aggregation
    (`imhhv/visits/fidelity.py`) computes the same keys over the stored rows."""
    rows = [r for r in rows if first <= r.week <= last]
    t = add_totals(summable(r) for r in rows)
    t["families"] = len({r.family_id for r in rows if r.enrolled_days})
    return t


def assigned_spans(
    spans: Iterable[EnrollmentSpan],
    assignments: Iterable[tuple[int, int, date, date | None]],
    visitor_id: int,
) -> list[EnrollmentSpan]:
    """Enrollment spans cut to the days each family was assigned to `visitor_id`;
    `assignments` are (family, visitor, start, end or None), dates inclusive."""
    by_family = _spans_by_family(spans)
    cut = []
    for family_id, visitor, a_start, a_end in assignments:
        if visitor != visitor_id:
            continue
        for span in by_family.get(family_id, ()):
            lo = max(span.start, a_start)
            ends = [d for d in (span.end, a_end) if d is not None]
            hi = min(ends) if ends else None
            if hi is None or hi >= lo:
                cut.append(EnrollmentSpan(family_id, lo, hi, span.paused))
    return cut


def disengaged_of(
    rows: Iterable[WeekFact],
    today: date,
    current: Collection[int],
    *,
    threshold_weeks: int = DEFAULT_STREAK_WEEKS,
) -> tuple[Disengagement, ...]:
    """The alerts as of `today`: rows of today's week of families in `current` (enrolled
    today and, in a visitor's chain, assigned today) with no home visit yet this week and
    `streak_in` >= threshold. Same order as `missed_streaks`."""
    monday = week_start(today)
    alerts = [
        Disengagement(r.family_id, r.streak_in, r.last_home_visit)
        for r in rows
        if r.week == monday
        and r.family_id in current
        and r.home_visits == 0
        and r.streak_in >= threshold_weeks
    ]
    alerts.sort(key=lambda a: (-a.weeks_without_visit, a.family_id))
    return tuple(alerts)


def unsigned_timeliness(
    unsigned_days: Iterable[date],
    *,
    today: date,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
) -> tuple[int, int]:
    """(overdue, pending) among notes not signed yet, by their visit days, as of today."""
    overdue = pending = 0
    holidays = frozenset(holidays)
    late_from: dict[date, date] = {}
    for day in unsigned_days:
        if day not in late_from:
            late_from[day] = add_business_days(day, late_after_business_days + 1, holidays)
        if today >= late_from[day]:
            overdue += 1
        else:
            pending += 1
    return overdue, pending


def summary_from_totals(
    t: dict,
    start: date,
    end: date,
    *,
    disengaged: tuple[Disengagement, ...] = (),
    overdue: int = 0,
    pending: int = 0,
    components: Sequence[str] = KEY_CODES,
) -> FidelitySummary:
    """A `FidelitySummary` of [start, end] (whole weeks) from `totals_of`-shaped totals."""
    home = t["home_visits"]
    count = t["durations"]
    judged = t["on_time"] + t["late"] + overdue
    return FidelitySummary(
        start=start,
        end=end,
        families=t["families"],
        completed_home_visits=home,
        completed_contacts=t["contacts"],
        visits_per_family=_ratio(home, t["families"]),
        coverage=Coverage(t["expected"], t["covered"], _ratio(t["covered"], t["expected"])),
        durations=Durations(
            count=count,
            minimum=t["min_minutes"] if count else None,
            mean=t["minutes"] / count if count else None,
            maximum=t["max_minutes"] if count else None,
            within_share=_ratio(t["within"], count),
            short_share=_ratio(t["short"], count),
            long_share=_ratio(t["long"], count),
        ),
        component_shares={code: _ratio(t[f"component_{code}"], home) for code in components},
        mean_distinct_components=_ratio(t["distinct_total"], t["windows"]),
        disengaged=disengaged,
        timeliness=Timeliness(
            t["on_time"], t["late"], overdue, _ratio(t["on_time"], judged), pending
        ),
        plan=delivery(t["planned"], t["delivered"]),
    )


def weekly_rows(rows: Iterable[WeekFact], first: date, last: date):
    """(Monday, expected, covered, planned, delivered) per week in [first, last]."""
    out: dict[date, list] = {}
    monday = first
    while monday <= last:
        out[monday] = [0, 0, 0.0, 0]
        monday += _WEEK
    for r in rows:
        if r.expected and r.week in out:
            w = out[r.week]
            w[0] += 1
            w[1] += r.home_visits > 0
            w[2] += r.planned
            w[3] += r.delivered
    return [(m, *v) for m, v in out.items()]
