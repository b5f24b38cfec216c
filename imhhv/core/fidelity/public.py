"""Fidelity figures as they may be shown outside an agency (the state, evaluators).

Every count and every rate of a summary passes through `imhhv.core.suppression`, the one
suppression rule: a count of 1-10 is hidden (primary), and because the statewide total
is shown beside the agencies, a column (a figure across agencies) never holds a single
hidden cell (complementary). A rate is hidden when its numerator, its denominator or
their difference is hidden or small (`share`); a figure derived from a hidden count
(visits per family, mean minutes, mean distinct components) is hidden with it.

The result keeps the shape of `dataclasses.asdict(FidelitySummary)` with `disengaged`
replaced by `disengaged_count` (no family ids), None marking a hidden figure, so a page
template and the API read it like a summary.
"""

import math
from collections.abc import Sequence

from imhhv.core.fidelity.facts import FidelitySummary, WeekCoverage
from imhhv.core.suppression import share, suppress_count, suppress_records

COUNTS = (
    "families",
    "completed_home_visits",
    "completed_contacts",
    "disengaged_count",
    "expected_weeks",
    "covered_weeks",
    "plan_planned",
    "plan_delivered",
    "durations",
    "within",
    "short",
    "long",
    "on_time",
    "late",
    "undocumented_overdue",
    "pending",
)


def _counts(s: FidelitySummary) -> dict[str, int]:
    d = s.durations
    return {
        "families": s.families,
        "completed_home_visits": s.completed_home_visits,
        "completed_contacts": s.completed_contacts,
        "disengaged_count": len(s.disengaged),
        "expected_weeks": s.coverage.expected_weeks,
        "covered_weeks": s.coverage.covered_weeks,
        # Planned visits move in halves; the count judged is the whole visits promised.
        "plan_planned": math.ceil(s.plan.planned),
        "plan_delivered": s.plan.delivered,
        "durations": d.count,
        "within": round((d.within_share or 0) * d.count),
        "short": round((d.short_share or 0) * d.count),
        "long": round((d.long_share or 0) * d.count),
        "on_time": s.timeliness.on_time,
        "late": s.timeliness.late,
        "undocumented_overdue": s.timeliness.undocumented_overdue,
        "pending": s.timeliness.pending,
        # Visits addressing each component: counted, so that a component share hidden
        # for one agency cannot be worked out from the statewide share (complementary).
        **{
            _component(code): round((value or 0) * s.completed_home_visits)
            for code, value in s.component_shares.items()
        },
    }


def _component(code: str) -> str:
    return f"component:{code}"


def _columns(summaries: Sequence[FidelitySummary]) -> tuple[str, ...]:
    codes = sorted({code for s in summaries for code in s.component_shares})
    return COUNTS + tuple(_component(code) for code in codes)


def _unless_hidden(value, *counts):
    return None if any(c is None for c in counts) else value


def _figures(s: FidelitySummary, c: dict[str, int | None]) -> dict:
    home = c["completed_home_visits"]
    judged = [c["on_time"], c["late"], c["undocumented_overdue"]]
    d = s.durations
    return {
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "families": c["families"],
        "completed_home_visits": home,
        "completed_contacts": c["completed_contacts"],
        "visits_per_family": _unless_hidden(s.visits_per_family, home, c["families"]),
        "coverage": {
            "expected_weeks": c["expected_weeks"],
            "covered_weeks": c["covered_weeks"],
            "share": share(c["covered_weeks"], c["expected_weeks"]),
        },
        "plan": {
            "planned": _unless_hidden(s.plan.planned, c["plan_planned"]),
            "delivered": c["plan_delivered"],
            "share": _unless_hidden(
                s.plan.share, share(c["plan_delivered"], c["plan_planned"], complement=False)
            ),
        },
        "durations": {
            "count": c["durations"],
            "minimum": _unless_hidden(d.minimum, c["durations"]),
            "mean": _unless_hidden(d.mean, c["durations"]),
            "maximum": _unless_hidden(d.maximum, c["durations"]),
            "within_share": share(c["within"], c["durations"]),
            "short_share": share(c["short"], c["durations"]),
            "long_share": share(c["long"], c["durations"]),
        },
        "component_shares": {
            code: None if value is None or home is None else share(c.get(_component(code)), home)
            for code, value in s.component_shares.items()
        },
        "mean_distinct_components": _unless_hidden(s.mean_distinct_components, home),
        "disengaged_count": c["disengaged_count"],
        "timeliness": {
            "on_time": c["on_time"],
            "late": c["late"],
            "undocumented_overdue": c["undocumented_overdue"],
            "pending": c["pending"],
            "share_on_time": share(
                c["on_time"], None if None in judged else sum(s for s in judged)
            ),
        },
    }


def public_figures(
    rows: Sequence[FidelitySummary | None], total: FidelitySummary | None = None
) -> tuple[list[dict | None], dict | None]:
    """The rows (one per agency) and their total (the state), suppressed together.

    The statewide total is published (the state page, `level=state` in the API) even
    when a view shows only the rows, so the rows are always suppressed as a table whose
    column totals are shown: every view of the same agencies hides the same cells.
    `total` (its figures returned) is the statewide summary when the view shows it.
    """
    present = [s for s in rows if s is not None]
    columns = _columns([*present, *([total] if total is not None else [])])
    counts = []
    for s in present:
        row = _counts(s)  # once per row, not once per column
        counts.append({k: row.get(k, 0) for k in columns})
    shown, totals = suppress_records(counts, columns, totals=True)
    by_row = iter(shown)
    figures = [None if s is None else _figures(s, next(by_row)) for s in rows]
    if total is None:
        return figures, None
    if not present:  # nothing in any row: the total has nothing to protect beyond itself
        totals = {k: suppress_count(v) for k, v in _counts(total).items()}
    return figures, _figures(total, totals)


def public_trend(trend: Sequence[WeekCoverage]) -> list[dict]:
    """Weekly coverage with small counts hidden (no total is shown beside the weeks)."""
    return [
        {
            "week": w.week,
            "expected": suppress_count(w.expected),
            "covered": suppress_count(w.covered),
            "share": share(w.covered, w.expected),
            "planned": _unless_hidden(w.planned, suppress_count(math.ceil(w.planned))),
            "delivered": suppress_count(w.delivered),
            "plan_share": _unless_hidden(
                w.plan_share, share(w.delivered, math.ceil(w.planned), complement=False)
            ),
        }
        for w in trend
    ]
