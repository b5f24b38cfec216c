"""Helpers every workforce write shares: find the person first, validate fully, save."""

import functools
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.core.dates import not_in_future
from imhhv.workforce.access import get_staff_for_user


def _writes_staff(function):
    """Find the person first (a denial is audited and must survive), then run the write
    in one transaction with `staff` in place of `staff_id`."""

    @functools.wraps(function)
    def wrapper(*, by: User, staff_id: int, **kwargs):
        staff = get_staff_for_user(by, staff_id, write=True)
        with transaction.atomic():
            return function(by=by, staff=staff, **kwargs)

    return wrapper


def _save(obj) -> None:
    """Full model validation (fields and constraints), then save."""
    obj.full_clean()
    obj.save()


def _all_ids(values) -> bool:
    """Whether every value is a database id (a positive int that fits a bigint)."""
    return all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 2**63 - 1 for v in values
    )


def _future(field: str, day: date | None, what: str) -> None:
    if message := not_in_future(day, today=timezone.localdate(), what=what):
        raise ValidationError({field: [message]})
