"""What the family services share: the open-episode check, phone and ZIP normalising.

The errors live in `imhhv.families.errors` and are re-exported here and from
`imhhv.families.services` while callers move to the errors module. Versions are claimed
with `imhhv.audit.locking.claim_version`, the one optimistic-locking helper.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError

from imhhv.core.contact import check_contact
from imhhv.families.errors import FamilyIsDischarged, OverCap, StaleEdit
from imhhv.families.models import Enrollment, Family

__all__ = ["FamilyIsDischarged", "OverCap", "StaleEdit", "_contact", "_require_open"]


def _require_open(family: Family) -> Enrollment:
    """The family's open episode; `FamilyIsDischarged` (409) when it has none."""
    episode = family.enrollments.filter(discharged_on__isnull=True).first()
    if episode is None:
        raise FamilyIsDischarged
    return episode


def _contact(
    values: Mapping,
    *,
    prefix: str = "",
    phones: Iterable[str] = ("phone",),
    zips: Iterable[str] = ("zip_code",),
) -> dict[str, str]:
    """`values`' phone and ZIP fields normalised (imhhv.core.contact), to merge back into
    what is saved; a ValidationError naming every invalid field (`prefix` + its name, e.g.
    "caregivers.phone") otherwise. Every service that saves a phone or ZIP calls this, so
    the API gets the same rule and the same one spelling as the pages."""
    cleaned, errors = check_contact(values, phones=phones, zips=zips)
    if errors:
        raise ValidationError({prefix + name: [message] for name, message in errors.items()})
    return cleaned
