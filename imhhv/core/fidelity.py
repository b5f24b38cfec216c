"""Fidelity metrics: is the model delivered as designed? (DOMAIN.md §2 and §4)

The model promises a home visit every week, 90-120 minutes long, that works on seven
key components, documented promptly. These functions measure that promise for one unit
(a family, a home visitor, a team, an agency or the state): the caller passes the facts
of that unit, built from the database, and every function here is pure arithmetic on
them. The same numbers then mean the same thing on every page, in the API and in tests.

Definitions shared by every metric:

- A *home visit* is a completed visit in the family's home. Completed visits anywhere
  else (another place, video, phone) are *other contacts*: recorded, never counted as
  home visits (DOMAIN.md §2).
- A *week* runs Monday to Sunday and is named by its Monday (`imhhv.core.calendar`).
- A week *counts* for a family (an *expected week*) when the family was enrolled on at
  least 4 of its 7 days and was not paused on 4 or more of them; only days inside the
  report period are looked at. Four of seven is a majority, so however a year is cut
  into periods, each week counts in at most one of them, and a week that is mostly
  paused is not a miss.
- Period counts (visits, durations, components, timeliness) use visits dated inside
  [start, end]. Week-based metrics look at whole weeks: a counted week is covered by a
  visit on any of its seven days, and the rolling window reaches back before `start`.
  Pass the visits between `fact_window(start, end)` so none is missing.

Every function is O(n log n) in the number of visits (sorting durations; the rest is
linear passes grouping visits by family and week) plus O(families x weeks) for the
expected weeks, computed from date intervals rather than day by day.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from imhhv.core.calendar import add_business_days, week_start, weeks_between

KEY_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("alliance", "Building an alliance"),
    ("material_needs", "Material needs"),
    ("emotional_support", "Emotional support"),
    ("developmental_guidance", "Developmental guidance"),
    ("infant_parent_psychotherapy", "Infant-parent psychotherapy"),
    ("life_coping", "Life coping skills and social supports"),
    ("culturally_responsive", "Culturally responsive and diversity-informed practice"),
)
KEY_CODES: tuple[str, ...] = tuple(code for code, _ in KEY_COMPONENTS)
KEY_COMPONENT_LABELS: dict[str, str] = dict(KEY_COMPONENTS)

DEFAULT_LOW_MINUTES = 90
DEFAULT_HIGH_MINUTES = 120
DEFAULT_WINDOW_WEEKS = 4
DEFAULT_STREAK_WEEKS = 3
DEFAULT_LATE_AFTER_BUSINESS_DAYS = 2
# A week counts when the family was enrolled on, or paused on, at least this many days.
WEEK_MAJORITY_DAYS = 4

_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class VisitFact:
    visit_id: int
    family_id: int
    visitor_id: int
    day: date
    completed: bool
    in_home: bool  # the family's home; False for another place, video or phone
    minutes: int | None  # None: start or end not recorded
    components: frozenset[str]
    documented_on: date | None  # the day the note was signed; None: not yet

    @property
    def is_home_visit(self) -> bool:
        return self.completed and self.in_home


@dataclass(frozen=True)
class EnrollmentSpan:
    """One enrollment of a family; `end` is the discharge day (None: still enrolled).

    All dates are inclusive, pauses too. A family enrolled twice has two spans.
    """

    family_id: int
    start: date
    end: date | None
    paused: tuple[tuple[date, date], ...] = ()

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("an enrollment cannot end before it starts")
        if any(last < first for first, last in self.paused):
            raise ValueError("a pause cannot end before it starts")


@dataclass(frozen=True)
class Coverage:
    expected_weeks: int
    covered_weeks: int
    share: float | None  # None when no week was expected


@dataclass(frozen=True)
class WeekCoverage:
    week: date  # the Monday
    expected: int  # families for which the week counts
    covered: int  # of those, families with a completed home visit that week
    share: float | None


@dataclass(frozen=True)
class Durations:
    count: int
    minimum: int | None
    median: float | None
    p25: float | None
    p75: float | None
    maximum: int | None
    within_share: float | None  # low <= minutes <= high
    short_share: float | None  # minutes < low
    long_share: float | None  # minutes > high


@dataclass(frozen=True)
class Disengagement:
    family_id: int
    weeks_without_visit: int
    last_visit: date | None  # None: no completed home visit yet


@dataclass(frozen=True)
class Timeliness:
    on_time: int
    late: int  # signed, but late
    undocumented_overdue: int  # not signed, and already late today
    share_on_time: float | None  # on_time / (on_time + late + undocumented_overdue)
    pending: int = 0  # not signed, still on time today (not in the share)


@dataclass(frozen=True)
class FidelitySummary:
    start: date
    end: date
    families: int  # families enrolled on at least one day of the period
    completed_home_visits: int
    completed_contacts: int  # completed visits outside the home (other place, video, phone)
    visits_per_family: float | None  # completed_home_visits / families
    coverage: Coverage
    durations: Durations
    component_shares: dict[str, float | None]
    mean_distinct_components: float | None
    disengaged: tuple[Disengagement, ...]
    timeliness: Timeliness


# --- the period and its facts ---------------------------------------------------------


def fact_window(
    start: date, end: date, *, window_weeks: int = DEFAULT_WINDOW_WEEKS
) -> tuple[date, date]:
    """The first and last day whose visits the metrics of [start, end] can read.

    From the Monday `window_weeks - 1` weeks before the week of `start` (the rolling
    component window) to the Sunday of the week of `end` (whole weeks). `missed_streaks`
    also needs each family's latest completed home visit, wherever it falls.
    """
    _check_period(start, end)
    _check_positive("window_weeks", window_weeks)
    return week_start(start) - (window_weeks - 1) * _WEEK, week_start(end) + timedelta(days=6)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValueError("the period ends before it starts")


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be at least 1")


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- expected weeks -------------------------------------------------------------------


def _merge(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Inclusive day-ordinal intervals merged so that no day is in two of them."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _days_per_week(intervals: list[tuple[int, int]]) -> dict[int, int]:
    """Days of the (merged) intervals in each week, keyed by the Monday's ordinal."""
    counts: dict[int, int] = defaultdict(int)
    for first, last in intervals:
        day = first
        while day <= last:
            monday = day - (day + 6) % 7  # date.weekday() is (ordinal + 6) % 7
            through = min(last, monday + 6)
            counts[monday] += through - day + 1
            day = through + 1
    return counts


def _family_expected(spans: Iterable[EnrollmentSpan], start: date, end: date) -> list[date]:
    """The Mondays of one family's expected weeks, looking only at days in [start, end]."""
    lo, hi = start.toordinal(), end.toordinal()
    enrolled: list[tuple[int, int]] = []
    paused: list[tuple[int, int]] = []
    for span in spans:
        first = max(span.start.toordinal(), lo)
        last = min(hi if span.end is None else span.end.toordinal(), hi)
        if first > last:
            continue
        enrolled.append((first, last))
        for pause_first, pause_last in span.paused:
            p_first, p_last = max(pause_first.toordinal(), first), min(pause_last.toordinal(), last)
            if p_first <= p_last:
                paused.append((p_first, p_last))
    enrolled_days = _days_per_week(_merge(enrolled))
    paused_days = _days_per_week(_merge(paused))
    return [
        date.fromordinal(monday)
        for monday, days in sorted(enrolled_days.items())
        if days >= WEEK_MAJORITY_DAYS and paused_days.get(monday, 0) < WEEK_MAJORITY_DAYS
    ]


def _spans_by_family(spans: Iterable[EnrollmentSpan]) -> dict[int, list[EnrollmentSpan]]:
    grouped: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for span in spans:
        grouped[span.family_id].append(span)
    return grouped


def expected_weeks(
    spans: Iterable[EnrollmentSpan], start: date, end: date
) -> dict[int, list[date]]:
    """Each family's expected weeks in [start, end], as sorted Mondays.

    A week counts when, among its days inside [start, end], the family was enrolled on
    at least 4 and paused on fewer than 4. So a period starting on a Friday never counts
    its first week (3 days), a family discharged on a Wednesday has no expected week
    that week (3 enrolled days), and a week paused Monday-Thursday is not expected even
    if the family is enrolled all 7 days. Families with no expected week map to [].
    """
    _check_period(start, end)
    return {
        family: _family_expected(family_spans, start, end)
        for family, family_spans in sorted(_spans_by_family(spans).items())
    }


# --- 1. completed home visits ---------------------------------------------------------


def completed_home_visits(visits: Iterable[VisitFact], start: date, end: date) -> int:
    """Completed visits in the family's home dated inside [start, end].

    Attempted, cancelled or rescheduled visits do not count, nor do completed contacts
    somewhere else (another place, video, phone).
    """
    _check_period(start, end)
    return sum(1 for v in visits if v.is_home_visit and start <= v.day <= end)


def completed_contacts(visits: Iterable[VisitFact], start: date, end: date) -> int:
    """Completed visits outside the family's home dated inside [start, end]."""
    _check_period(start, end)
    return sum(1 for v in visits if v.completed and not v.in_home and start <= v.day <= end)


# --- 2. weekly coverage ---------------------------------------------------------------


def _home_weeks_by_family(visits: Iterable[VisitFact]) -> dict[int, set[date]]:
    weeks: dict[int, set[date]] = defaultdict(set)
    for v in visits:
        if v.is_home_visit:
            weeks[v.family_id].add(week_start(v.day))
    return weeks


def _coverage_pairs(
    visits: Iterable[VisitFact], spans: Iterable[EnrollmentSpan], start: date, end: date
) -> list[tuple[date, bool]]:
    """(Monday, covered) for every expected week of every family."""
    home_weeks = _home_weeks_by_family(visits)
    pairs: list[tuple[date, bool]] = []
    for family, family_spans in _spans_by_family(spans).items():
        seen = home_weeks.get(family, set())
        pairs.extend(
            (monday, monday in seen) for monday in _family_expected(family_spans, start, end)
        )
    return pairs


def weekly_coverage(
    visits: Iterable[VisitFact], spans: Iterable[EnrollmentSpan], start: date, end: date
) -> Coverage:
    """Expected weeks (see `expected_weeks`) summed over families, and how many were covered.

    A week is covered when the family had at least one completed home visit on any day
    of that Monday-to-Sunday week; two visits in a week still cover one week. A paused
    week is not expected, so it is not a miss. Visits of families without a span, and
    visits in weeks that are not expected, change nothing. share = covered / expected,
    None when no week was expected.
    """
    _check_period(start, end)
    pairs = _coverage_pairs(visits, spans, start, end)
    covered = sum(1 for _, is_covered in pairs if is_covered)
    return Coverage(len(pairs), covered, _ratio(covered, len(pairs)))


def coverage_by_week(
    visits: Iterable[VisitFact], spans: Iterable[EnrollmentSpan], start: date, end: date
) -> list[WeekCoverage]:
    """`weekly_coverage` split by week, for trend charts: one row per week of the period.

    Every Monday of `weeks_between(start, end)` has a row, with zeros (share None) for a
    week no family was expected in. The rows add up to `weekly_coverage`.
    """
    _check_period(start, end)
    expected: Counter[date] = Counter()
    covered: Counter[date] = Counter()
    for monday, is_covered in _coverage_pairs(visits, spans, start, end):
        expected[monday] += 1
        covered[monday] += is_covered
    return [
        WeekCoverage(
            monday, expected[monday], covered[monday], _ratio(covered[monday], expected[monday])
        )
        for monday in weeks_between(start, end)
    ]


# --- 3. durations ---------------------------------------------------------------------


def _quantile(ordered: Sequence[int], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, Excel PERCENTILE.INC)."""
    position = (len(ordered) - 1) * q
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def duration_summary(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    *,
    low: int = DEFAULT_LOW_MINUTES,
    high: int = DEFAULT_HIGH_MINUTES,
) -> Durations:
    """Length of the completed home visits in [start, end] that have a duration.

    within: low <= minutes <= high (90 and 120 are inside, 89 and 121 outside); short:
    below `low`; long: above `high`. The three shares add up to 1. Quartiles and median
    interpolate linearly between ranks (the median of 60 and 90 is 75.0). Every field but
    `count` is None when no visit has a duration.
    """
    _check_period(start, end)
    if high < low:
        raise ValueError("the upper duration bound is below the lower one")
    minutes = sorted(
        v.minutes
        for v in visits
        if v.is_home_visit and v.minutes is not None and start <= v.day <= end
    )
    count = len(minutes)
    if not count:
        return Durations(0, None, None, None, None, None, None, None, None)
    short = sum(1 for m in minutes if m < low)
    long = sum(1 for m in minutes if m > high)
    return Durations(
        count=count,
        minimum=minutes[0],
        median=_quantile(minutes, 0.5),
        p25=_quantile(minutes, 0.25),
        p75=_quantile(minutes, 0.75),
        maximum=minutes[-1],
        within_share=(count - short - long) / count,
        short_share=short / count,
        long_share=long / count,
    )


# --- 4. components --------------------------------------------------------------------


def component_shares(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    components: Sequence[str] = KEY_CODES,
) -> dict[str, float | None]:
    """For each component, the share of completed home visits in [start, end] addressing it.

    The denominator is completed home visits, the model's unit of delivery; other
    contacts are left out here as in every fidelity figure. A visit addressing three
    components counts for each, so the shares need not add up to 1. Codes a visit holds
    but `components` does not name are ignored. Keys follow `components`; every value is
    None when there was no completed home visit.
    """
    _check_period(start, end)
    home = [v for v in visits if v.is_home_visit and start <= v.day <= end]
    counts = Counter(code for v in home for code in v.components)
    return {code: _ratio(counts[code], len(home)) for code in components}


def _component_weeks(visits: Iterable[VisitFact]) -> dict[int, dict[date, set[str]]]:
    """family -> Monday -> components of the family's completed home visits that week."""
    weeks: dict[int, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    for v in visits:
        if v.is_home_visit:
            weeks[v.family_id][week_start(v.day)].update(v.components)
    return weeks


def _window(weeks: dict[date, set[str]], monday: date, window_weeks: int) -> tuple[bool, int]:
    """(any visit in the window, distinct components) for the window ending at `monday`."""
    union: set[str] = set()
    visited = False
    for back in range(window_weeks):
        codes = weeks.get(monday - back * _WEEK)
        if codes is not None:
            visited = True
            union |= codes
    return visited, len(union)


def distinct_components_rolling(
    visits: Iterable[VisitFact],
    family_id: int,
    start: date,
    end: date,
    *,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
) -> list[tuple[date, int]]:
    """For each week overlapping [start, end], distinct components in a rolling window.

    One (Monday, count) per Monday of `weeks_between(start, end)`: the number of
    distinct components across the family's completed home visits in the `window_weeks`
    whole weeks ending with that week (by default that week and the three before it, so
    the window reaches back before `start`). 0 when the window holds no visit.
    """
    _check_period(start, end)
    _check_positive("window_weeks", window_weeks)
    weeks = _component_weeks(v for v in visits if v.family_id == family_id).get(family_id, {})
    return [(m, _window(weeks, m, window_weeks)[1]) for m in weeks_between(start, end)]


# --- 6. missed-visit streaks ----------------------------------------------------------


def _is_current(span: EnrollmentSpan, today: date) -> bool:
    return span.start <= today and (span.end is None or span.end > today)


def missed_streaks(
    visits: Iterable[VisitFact],
    spans: Iterable[EnrollmentSpan],
    today: date,
    *,
    threshold_weeks: int = DEFAULT_STREAK_WEEKS,
) -> list[Disengagement]:
    """Families currently enrolled and not seen at home for `threshold_weeks` full weeks.

    Currently enrolled: a span started on or before `today` and not ending by `today`
    (end None or after today). The last visit is the family's most recent completed home
    visit dated on or before `today`. The streak counts the weeks strictly after the
    last visit's week and strictly before the current week (which is not over yet) that
    were expected for the family (enrolled 4+ days, paused fewer than 4; see
    `expected_weeks`): weeks mostly paused, before enrollment or between two
    enrollments are skipped. With no visit at all, every expected week before the
    current one counts. An alert is raised when the streak is >= `threshold_weeks`.

    Today Wednesday 25 March 2026: last visit Monday 2 March leaves the weeks of 9 and
    16 March (2, no alert); last visit Friday 27 February adds the week of 2 March (3,
    alert). Sorted by longest streak first, then family id.
    """
    _check_positive("threshold_weeks", threshold_weeks)
    last_visit: dict[int, date] = {}
    for v in visits:
        if v.is_home_visit and v.day <= today and v.day > last_visit.get(v.family_id, date.min):
            last_visit[v.family_id] = v.day
    last_full_day = week_start(today) - timedelta(days=1)  # the Sunday before this week
    alerts: list[Disengagement] = []
    for family, family_spans in _spans_by_family(spans).items():
        if not any(_is_current(span, today) for span in family_spans):
            continue
        last = last_visit.get(family)
        first_day = (
            min(span.start for span in family_spans) if last is None else week_start(last) + _WEEK
        )
        weeks = (
            len(_family_expected(family_spans, first_day, last_full_day))
            if first_day <= last_full_day
            else 0
        )
        if weeks >= threshold_weeks:
            alerts.append(Disengagement(family, weeks, last))
    alerts.sort(key=lambda alert: (-alert.weeks_without_visit, alert.family_id))
    return alerts


# --- 7. documentation timeliness ------------------------------------------------------


def note_deadline(
    day: date,
    *,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
) -> date:
    """The last business day on which a note for a visit on `day` is on time.

    Signing later the same week-end or holiday is still on time (those days are not
    business days); signing on the next business day is late. With the default of 2, a
    Monday visit is due by Wednesday and a Thursday visit by the next Monday.
    """
    if late_after_business_days < 0:
        raise ValueError("late_after_business_days cannot be negative")
    return add_business_days(day, late_after_business_days, holidays)


def documentation_timeliness(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    *,
    today: date,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
) -> Timeliness:
    """How promptly notes of completed visits (home or not) dated in [start, end] were signed.

    A note is late when signed more than N = `late_after_business_days` business days
    after the visit: `business_days_between(day, documented_on, holidays) > N`, that is
    on or after the (N+1)-th business day after the visit. A note not yet signed is
    undocumented_overdue when signing it today would already be late, and pending
    otherwise. share_on_time = on_time / (on_time + late + undocumented_overdue): pending
    notes are not judged yet. None when there is nothing to judge.
    """
    _check_period(start, end)
    if late_after_business_days < 0:
        raise ValueError("late_after_business_days cannot be negative")
    holidays = frozenset(holidays)
    late_from: dict[date, date] = {}  # visit day -> first day a signature is late
    on_time = late = overdue = pending = 0
    for v in visits:
        if not v.completed or not start <= v.day <= end:
            continue
        if v.day not in late_from:
            late_from[v.day] = add_business_days(v.day, late_after_business_days + 1, holidays)
        if v.documented_on is not None:
            if v.documented_on >= late_from[v.day]:
                late += 1
            else:
                on_time += 1
        elif today >= late_from[v.day]:
            overdue += 1
        else:
            pending += 1
    return Timeliness(on_time, late, overdue, _ratio(on_time, on_time + late + overdue), pending)


# --- 8. summary -----------------------------------------------------------------------


def summarize(
    visits: Iterable[VisitFact],
    spans: Iterable[EnrollmentSpan],
    start: date,
    end: date,
    *,
    today: date,
    low: int = DEFAULT_LOW_MINUTES,
    high: int = DEFAULT_HIGH_MINUTES,
    components: Sequence[str] = KEY_CODES,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    threshold_weeks: int = DEFAULT_STREAK_WEEKS,
    late_after_business_days: int = DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    holidays: Collection[date] = frozenset(),
) -> FidelitySummary:
    """Every metric above for one unit over [start, end] (disengagement as of `today`).

    The unit is whatever the facts describe: one family's, one home visitor's, a team's,
    an agency's or the state's visits and enrollment spans. Beyond the single metrics:

    - families: families enrolled on at least one day of [start, end];
    - visits_per_family: completed home visits / families (None with no family);
    - mean_distinct_components: the mean, over every family's expected weeks whose
      rolling window holds at least one completed home visit, of the distinct components
      in that window (so it measures breadth of the work, not how often it happened).

    The result does not depend on the order of `visits` or `spans`.
    """
    _check_period(start, end)
    _check_positive("window_weeks", window_weeks)
    visits = list(visits)
    spans = list(spans)
    grouped_spans = _spans_by_family(spans)
    home_weeks = _home_weeks_by_family(visits)
    component_weeks = _component_weeks(visits)

    families = 0
    expected = covered = 0
    windows = distinct_total = 0
    for family, family_spans in grouped_spans.items():
        if any(s.start <= end and (s.end is None or s.end >= start) for s in family_spans):
            families += 1
        seen = home_weeks.get(family, set())
        weeks = component_weeks.get(family, {})
        for monday in _family_expected(family_spans, start, end):
            expected += 1
            covered += monday in seen
            visited, distinct = _window(weeks, monday, window_weeks)
            if visited:
                windows += 1
                distinct_total += distinct

    home_count = completed_home_visits(visits, start, end)
    return FidelitySummary(
        start=start,
        end=end,
        families=families,
        completed_home_visits=home_count,
        completed_contacts=completed_contacts(visits, start, end),
        visits_per_family=_ratio(home_count, families),
        coverage=Coverage(expected, covered, _ratio(covered, expected)),
        durations=duration_summary(visits, start, end, low=low, high=high),
        component_shares=component_shares(visits, start, end, components),
        mean_distinct_components=_ratio(distinct_total, windows),
        disengaged=tuple(missed_streaks(visits, spans, today, threshold_weeks=threshold_weeks)),
        timeliness=documentation_timeliness(
            visits,
            start,
            end,
            today=today,
            late_after_business_days=late_after_business_days,
            holidays=holidays,
        ),
    )
