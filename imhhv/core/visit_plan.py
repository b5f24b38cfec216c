"""The visits a family's visit plan promises in a week, and which of them are still open.

The home visitor's day is built from the plan, not only from visits already typed in:
a weekly Tuesday family is due on Tuesday whether or not anyone scheduled it. These are
the rules (each is a decision; the tests hold hand-worked examples and properties):

- **The plan on a day** is the newest plan row effective on or before that day (the
  later row wins on the same date: `order`, the row's id). A pause row stops visits up to
  and including its `paused_until`; after that the plan before it applies again (a pause
  does not replace the plan, as in `imhhv.core.fidelity.plan`). With no row at all the
  model's default applies: weekly, no day agreed (not in the week the first row takes
  effect: that week follows the row).
- **Enrolled days only**: no visit is planned on a day outside every enrollment span
  (before enrollment, after discharge).
- **Frequencies**: weekly, one visit on the preferred day; twice weekly, the preferred
  day and the day three days later, wrapping inside the same Monday-to-Sunday week
  (Monday and Thursday; Friday and the Monday before); every other week, the weeks an
  even number of weeks after the week the plan row took effect (its first week has a
  visit); paused, none.
- **No day agreed** (a plan without a preferred day, or no plan): the visits are due
  "this week", without a date (`Slot.day is None`), as many as the frequency gives, if
  the plan is in force on at least one enrolled day of the week.
- A week in which the plan changes may hold a visit of each plan (each day is judged by
  the plan in force on it): what the family was told on each day stays true.

**Matching recorded visits** (`open_slots`): each visit already recorded for the family
in the week (scheduled, completed, attempted or cancelled; a "rescheduled" one moved
elsewhere and covers nothing) covers one planned slot of that week: first a slot on the
same day, then the earliest slot left (dated slots before undated ones). So for a weekly
plan, any visit in the week covers the week's visit (a Tuesday family seen on Wednesday
is not listed again); a twice-weekly family needs two. A recorded visit in a week with no
slot (the off week of every other week) covers nothing and is simply shown as recorded.

No Django here: plan rows and enrollment spans come in as plain values.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from imhhv.core.calendar import week_start

WEEKLY = "weekly"
TWICE_WEEKLY = "twice_weekly"
EVERY_OTHER_WEEK = "every_other_week"
PAUSED = "paused"
FREQUENCIES = (WEEKLY, TWICE_WEEKLY, EVERY_OTHER_WEEK, PAUSED)
SECOND_VISIT_AFTER_DAYS = 3  # twice weekly: the preferred day and three days later


@dataclass(frozen=True)
class PlanRow:
    """One row of a family's plan history (`visits.models.VisitPlan`)."""

    effective_from: date
    frequency: str = WEEKLY
    paused_until: date | None = None
    preferred_day: int | None = None  # date.weekday(): Monday 0 .. Sunday 6
    preferred_time: time | None = None
    order: int = 0  # ties on the same date: the higher wins (the row's id)

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown visit frequency {self.frequency!r}")
        if self.frequency == PAUSED and self.paused_until is None:
            raise ValueError("a pause needs an end date")
        if self.preferred_day is not None and not 0 <= self.preferred_day <= 6:
            raise ValueError(f"preferred day {self.preferred_day} is not a weekday number")


DEFAULT_PLAN = PlanRow(effective_from=date.min)  # weekly, no day agreed


@dataclass(frozen=True)
class Slot:
    """A planned visit: on `day` (None: some day this week, no day agreed) at `at`."""

    day: date | None
    at: time | None = None

    def sort_key(self) -> tuple:
        return (self.day is None, self.day or date.min, self.at or time.min)


Span = tuple[date, date | None]  # enrolled on, discharged on (None: still enrolled)


def plan_on(plans: Sequence[PlanRow], day: date) -> PlanRow | None:
    """The plan in force on `day`; None when a pause covers it (see the module rules)."""
    effective = sorted(
        (p for p in plans if p.effective_from <= day),
        key=lambda p: (p.effective_from, p.order),
        reverse=True,
    )
    for row in effective:
        if row.frequency != PAUSED:
            return row
        if day <= row.paused_until:
            return None
    return DEFAULT_PLAN


def _enrolled(spans: Iterable[Span], day: date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in spans)


def _days_of(row: PlanRow) -> set[int]:
    if row.preferred_day is None:
        return set()
    if row.frequency == TWICE_WEEKLY:
        return {row.preferred_day, (row.preferred_day + SECOND_VISIT_AFTER_DAYS) % 7}
    return {row.preferred_day}


def _visit_week(row: PlanRow, monday: date) -> bool:
    if row.frequency != EVERY_OTHER_WEEK:
        return True
    anchor = week_start(row.effective_from)
    return ((monday - anchor).days // 7) % 2 == 0


def week_slots(plans: Sequence[PlanRow], spans: Sequence[Span], day: date) -> list[Slot]:
    """The visits the plan promises in the week (Monday to Sunday) holding `day`."""
    monday = week_start(day)
    sunday = monday + timedelta(days=6)
    dated: list[Slot] = []
    undated: dict[PlanRow, None] = {}  # the plans without a day in force this week
    for offset in range(7):
        d = monday + timedelta(days=offset)
        if not _enrolled(spans, d):
            continue
        row = plan_on(plans, d)
        if row is None or not _visit_week(row, monday):
            continue
        if row is DEFAULT_PLAN and any(d < p.effective_from <= sunday for p in plans):
            # The default stands in for a plan nobody wrote yet: in the week the first
            # plan takes effect, the days before it promise nothing of their own.
            continue
        if row.preferred_day is None:
            undated[row] = None
        elif d.weekday() in _days_of(row):
            dated.append(Slot(d, row.preferred_time))
    for row in undated:
        count = 2 if row.frequency == TWICE_WEEKLY else 1
        dated.extend(Slot(None, None) for _ in range(count))
    return sorted(dated, key=Slot.sort_key)


def open_slots(slots: Sequence[Slot], recorded: Iterable[date]) -> list[Slot]:
    """The slots no recorded visit covers (matching rule in the module docstring).

    `recorded` holds the days of the family's visits in the same week that cover a slot
    (the caller leaves out rescheduled ones and visits of other weeks).
    """
    left = sorted(slots, key=Slot.sort_key)
    unmatched: list[date] = []
    for day in sorted(recorded):
        same = next((i for i, s in enumerate(left) if s.day == day), None)
        if same is not None:
            left.pop(same)
        else:
            unmatched.append(day)
    for _ in unmatched:
        if not left:
            break
        left.pop(0)
    return left
