"""Changes to statewide reference data, each audited in the same transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from imhhv.audit.services import record
from imhhv.core.calendar import SATURDAY, federal_holidays
from imhhv.reference.models import StateHoliday


@transaction.atomic
def add_state_holiday(*, day: date, name: str, by) -> StateHoliday:
    """Add a day on which notes are not due (a state closure, a Michigan-only holiday).

    Past days are allowed on purpose: an office closed by a storm is known afterwards,
    and the late-note figures of that week should then count it. A weekend or a federal
    holiday already counts, so adding one is refused with a message saying so.
    """
    name = name.strip()
    if day.weekday() >= SATURDAY:
        raise ValidationError({"day": [f"{day:%A} is never a business day: nothing to add."]})
    if day in federal_holidays(day, day):
        raise ValidationError({"day": ["That day is a federal holiday already."]})
    if StateHoliday.objects.filter(day=day).exists():
        raise ValidationError({"day": ["That day is on the list already."]})
    holiday = StateHoliday(day=day, name=name, created_by=by)
    holiday.full_clean()
    holiday.save()
    record(
        action="holiday.add",
        user=by,
        target=holiday,
        details={"day": day.isoformat(), "name": name},
    )
    return holiday


@transaction.atomic
def remove_state_holiday(*, holiday: StateHoliday, by) -> None:
    """Take a state day off the list (federal holidays cannot be removed: they are law)."""
    details = {"day": holiday.day.isoformat(), "name": holiday.name}
    record(action="holiday.remove", user=by, target=holiday, details=details)
    holiday.delete()
