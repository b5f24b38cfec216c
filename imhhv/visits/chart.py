"""What visits add to the family chart (registered with `imhhv.families.chart`).

The chart's family comes from `get_family_for_user`, so its plan and visits are in the
viewer's scope; the chart's own read event covers them (no second event here).
"""

from datetime import date

from imhhv.families.models import Family
from imhhv.visits.queries import plan_on, recent_visits


def chart_section(family: Family, today: date) -> dict:
    """The visit plan in force today and the latest visits: the keys the chart uses."""
    return {"visit_plan": plan_on(family, today), "visits": recent_visits(family)}
