"""Jobs of the visits app: the fidelity week facts, off the request path.

- `facts.rebuild` (`since` optional, YYYY-MM-DD): recompute the facts from the raw rows,
  e.g. after the state adds a holiday (notes signed around it change from late to on
  time) or to repair; queued by `add_state_holiday`/`remove_state_holiday`.
- `facts.extend`: move the horizon of enrolled families nobody wrote to for weeks; run it
  daily (cron: `python manage.py enqueue_job facts.extend --unique-key facts.extend`).
- `facts.verify`: `verify_facts`; fails when the stored facts differ from a recomputation.
"""

from datetime import date, timedelta

from imhhv.jobs.errors import PermanentFailure
from imhhv.jobs.registry import job
from imhhv.visits.facts import extend_facts, rebuild_facts, verify_facts


class FactsDiffer(PermanentFailure):
    """The stored facts are not what the raw rows give: rebuild them (`facts.rebuild`)."""


@job("facts.rebuild", lease=timedelta(hours=2))
def rebuild(*, since: str | None = None) -> dict:
    return rebuild_facts(since=date.fromisoformat(since) if since else None)


@job("facts.extend", lease=timedelta(hours=1))
def extend() -> dict:
    return {"families": extend_facts()}


@job("facts.verify", lease=timedelta(hours=2))
def verify() -> dict:
    result = verify_facts()
    if not result.ok:
        raise FactsDiffer(
            f"{len(result.mismatched_families)} families and {result.mismatched_totals} totals "
            "rows differ from a recomputation"
        )
    return {"families": result.families, "rows": result.rows}
