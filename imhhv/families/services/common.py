"""Errors and version checks shared by the family services."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F

from imhhv.families.models import (
    Enrollment,
    Family,
)


class StaleEdit(Exception):
    """Somebody else saved this record after the user opened it."""

    message = (
        "Someone else changed this record after you opened it. Nothing was saved: "
        "reload the page to see their changes, then make yours again."
    )


class FamilyIsDischarged(PermissionDenied):
    message = "This family is discharged, so its record is read-only. Re-enroll to reopen it."

    def __init__(self, *args):
        super().__init__(*(args or (self.message,)))


class OverCap(ValidationError):
    """Assigning would put the home visitor over their FTE cap; needs a confirmation."""

    def __init__(self, *, active: int, capacity: int):
        self.active, self.capacity = active, capacity
        super().__init__(
            f"This home visitor already has {active} active famil{'y' if active == 1 else 'ies'} "
            f"and a cap of {capacity} for their FTE. Confirm with a reason to go over the cap.",
            code="over_cap",
        )


def _bump_version(family: Family, expected_version: int | None) -> None:
    if expected_version is None:
        Family.objects.filter(pk=family.pk).update(version=F("version") + 1)
    elif not Family.objects.filter(pk=family.pk, version=expected_version).update(
        version=F("version") + 1
    ):
        raise StaleEdit
    family.refresh_from_db(fields=["version"])


def _require_open(family: Family) -> Enrollment:
    episode = family.enrollments.filter(discharged_on__isnull=True).first()
    if episode is None:
        raise FamilyIsDischarged
    return episode
