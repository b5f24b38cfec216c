"""Jobs of the drafts app.

- `drafts.purge`: delete drafts untouched for `DRAFT_RETENTION_DAYS`; run it daily (cron:
  `python manage.py enqueue_job drafts.purge --unique-key drafts.purge`), like
  `facts.extend`.
"""

from imhhv.drafts.services import purge_expired
from imhhv.jobs.registry import job


@job("drafts.purge")
def purge() -> dict:
    return {"deleted": purge_expired()}
