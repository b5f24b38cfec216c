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

The package: `facts` (the inputs, constants and result types), `weeks` (expected weeks,
home visits, coverage), `delivery` (durations, components), `engagement` (missed-visit
streaks), `timeliness` (notes), `plan` (visits planned per the visit plan in force) and
`summary` (everything for one unit). Import from the package; the modules are its parts.
"""

from imhhv.core.fidelity.delivery import (
    component_shares,
    distinct_components_rolling,
    duration_summary,
)
from imhhv.core.fidelity.engagement import missed_streaks
from imhhv.core.fidelity.facts import (
    DEFAULT_HIGH_MINUTES,
    DEFAULT_LATE_AFTER_BUSINESS_DAYS,
    DEFAULT_LOW_MINUTES,
    DEFAULT_STREAK_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    KEY_CODES,
    KEY_COMPONENT_LABELS,
    KEY_COMPONENTS,
    WEEK_MAJORITY_DAYS,
    Coverage,
    Disengagement,
    Durations,
    EnrollmentSpan,
    FidelitySummary,
    PlanDelivery,
    Timeliness,
    VisitFact,
    WeekCoverage,
    fact_window,
)
from imhhv.core.fidelity.plan import PLANNED_PER_WEEK, PlanChange, PlanHistory, plan_delivery
from imhhv.core.fidelity.public import public_figures, public_trend
from imhhv.core.fidelity.summary import summarize
from imhhv.core.fidelity.timeliness import (
    documentation_timeliness,
    note_deadline,
    note_open_after_discharge,
)
from imhhv.core.fidelity.weeks import (
    completed_contacts,
    completed_home_visits,
    coverage_by_week,
    expected_weeks,
    weekly_coverage,
)

__all__ = [
    "DEFAULT_HIGH_MINUTES",
    "DEFAULT_LATE_AFTER_BUSINESS_DAYS",
    "DEFAULT_LOW_MINUTES",
    "DEFAULT_STREAK_WEEKS",
    "DEFAULT_WINDOW_WEEKS",
    "KEY_CODES",
    "KEY_COMPONENTS",
    "KEY_COMPONENT_LABELS",
    "WEEK_MAJORITY_DAYS",
    "Coverage",
    "Disengagement",
    "Durations",
    "PLANNED_PER_WEEK",
    "PlanChange",
    "PlanDelivery",
    "PlanHistory",
    "plan_delivery",
    "public_figures",
    "public_trend",
    "EnrollmentSpan",
    "FidelitySummary",
    "Timeliness",
    "VisitFact",
    "WeekCoverage",
    "completed_contacts",
    "completed_home_visits",
    "component_shares",
    "coverage_by_week",
    "distinct_components_rolling",
    "documentation_timeliness",
    "duration_summary",
    "expected_weeks",
    "fact_window",
    "missed_streaks",
    "note_deadline",
    "note_open_after_discharge",
    "summarize",
    "weekly_coverage",
]
