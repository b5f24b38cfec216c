"""The facts every fidelity metric reads, the model's constants, and the period checks."""

from dataclasses import dataclass
from datetime import date, timedelta

from imhhv.core.calendar import week_start

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
    planned: float = 0.0  # visits planned that week per each family's plan in force
    delivered: int = 0  # home visits counted against those plans (capped per family)

    @property
    def plan_share(self) -> float | None:
        return min(1.0, self.delivered / self.planned) if self.planned else None


@dataclass(frozen=True)
class Durations:
    count: int
    minimum: int | None
    mean: float | None  # minutes per home visit with a duration
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
class PlanDelivery:
    """Visits delivered against visits planned (see `imhhv.core.fidelity.plan`)."""

    planned: float  # visits the plans in force promised over the expected weeks
    delivered: int  # completed home visits counted against them (capped per week)
    share: float | None  # min(1, delivered / planned); None when nothing was planned


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
    plan: PlanDelivery  # visits delivered / planned per the plan in force each week

    @property
    def disengaged_count(self) -> int:
        return len(self.disengaged)


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
