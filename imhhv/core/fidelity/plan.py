"""Visits planned per the visit plan in force each week, and how many were delivered.

Weekly coverage asks "was the family seen this week?", as if every plan were weekly; a
family on an every-other-week plan then scores about 50 % while getting every visit it
was promised. The plan measure asks "of the visits the plan promised, how many happened?"
and is shown next to the weekly share, never instead of it.

Rules (each is a decision; tests hold hand-worked examples):

- Only expected weeks count (`expected_weeks`: enrolled on 4+ of the week's days inside
  the period, paused on fewer than 4). A week mostly paused plans 0 visits; that is how
  "paused = 0" enters.
- The plan in force for a week is the latest non-pause plan whose `effective_from` is on
  or before the week's Thursday (its 4th day, the same majority rule as enrollment), the
  later row winning on the same date. A pause does not replace the plan: when it ends,
  the plan before it applies again. With no plan yet the model's default, weekly, applies.
- Planned visits per week: weekly 1, twice weekly 2, every other week 0.5.
- Delivered: completed home visits in the week, capped at the week's planned visits
  rounded up (1, 2, 1), so three visits in one week do not make up for a missed one.
- share = min(1, delivered / planned): an every-other-week family seen weekly has met its
  plan, not exceeded it. None when nothing was planned.
"""

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from imhhv.core.fidelity.facts import PlanDelivery

PLANNED_PER_WEEK: dict[str, float] = {
    "weekly": 1.0,
    "twice_weekly": 2.0,
    "every_other_week": 0.5,
    "paused": 0.0,
}
DEFAULT_FREQUENCY = "weekly"
_THURSDAY = timedelta(days=3)


@dataclass(frozen=True)
class PlanChange:
    """One row of a family's plan history: from `effective_from` on, `frequency` applies.

    `order` breaks ties between rows of the same date (the later row wins: its id).
    Pause rows (`frequency == "paused"`) are carried as pauses of the enrollment spans
    and are skipped when choosing the frequency.
    """

    family_id: int
    effective_from: date
    frequency: str
    order: int = 0

    def __post_init__(self) -> None:
        if self.frequency not in PLANNED_PER_WEEK:
            raise ValueError(f"unknown visit frequency {self.frequency!r}")


class PlanHistory:
    """One family's plan history, answering "planned visits in the week of `monday`"."""

    def __init__(self, changes: Iterable[PlanChange]):
        rows = sorted(
            (c.effective_from, c.order, c.frequency) for c in changes if c.frequency != "paused"
        )
        self._days = [day for day, _, _ in rows]
        self._frequencies = [frequency for _, _, frequency in rows]

    def frequency_in_week(self, monday: date) -> str:
        i = bisect_right(self._days, monday + _THURSDAY)
        return self._frequencies[i - 1] if i else DEFAULT_FREQUENCY

    def planned_in_week(self, monday: date) -> float:
        return PLANNED_PER_WEEK[self.frequency_in_week(monday)]


def histories(plans: Iterable[PlanChange]) -> dict[int, PlanHistory]:
    grouped: dict[int, list[PlanChange]] = defaultdict(list)
    for change in plans:
        grouped[change.family_id].append(change)
    return {family: PlanHistory(changes) for family, changes in grouped.items()}


_NO_PLAN = PlanHistory(())


def history_of(by_family: dict[int, PlanHistory], family_id: int) -> PlanHistory:
    return by_family.get(family_id, _NO_PLAN)


def week_delivery(planned: float, home_visits: int) -> int:
    """The week's home visits that count against its plan (capped at planned, rounded up)."""
    return min(home_visits, math.ceil(planned))


def delivery(planned: float, delivered: int) -> PlanDelivery:
    return PlanDelivery(planned, delivered, min(1.0, delivered / planned) if planned else None)


def plan_delivery(
    weeks: dict[int, Sequence[date]],
    home_visits: dict[int, dict[date, int]],
    plans: Iterable[PlanChange],
) -> PlanDelivery:
    """Planned and delivered visits over each family's expected weeks.

    `weeks` maps a family to its expected Mondays (`expected_weeks`), `home_visits` a
    family to its completed home visits per Monday.
    """
    by_family = histories(plans)
    planned = 0.0
    delivered = 0
    for family, mondays in weeks.items():
        history = history_of(by_family, family)
        counts = home_visits.get(family, {})
        for monday in mondays:
            week_planned = history.planned_in_week(monday)
            planned += week_planned
            delivered += week_delivery(week_planned, counts.get(monday, 0))
    return delivery(planned, delivered)
