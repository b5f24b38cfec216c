"""What the family services share: the open-episode check.

The errors live in `imhhv.families.errors` and are re-exported here and from
`imhhv.families.services` while callers move to the errors module. Versions are claimed
with `imhhv.audit.locking.claim_version`, the one optimistic-locking helper.
"""

from imhhv.families.errors import FamilyIsDischarged, OverCap, StaleEdit
from imhhv.families.models import Enrollment, Family

__all__ = ["FamilyIsDischarged", "OverCap", "StaleEdit", "_require_open"]


def _require_open(family: Family) -> Enrollment:
    """The family's open episode; `FamilyIsDischarged` (409) when it has none."""
    episode = family.enrollments.filter(discharged_on__isnull=True).first()
    if episode is None:
        raise FamilyIsDischarged
    return episode
