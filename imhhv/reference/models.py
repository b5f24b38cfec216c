"""Reference data every app reads: the state's own holidays (more to come here).

This app sits low in the house (core <- reference <- accounts/agencies <- families …): it
imports nothing from the apps above it, so any of them can read it.
"""

from django.conf import settings
from django.db import models


class StateHoliday(models.Model):
    """A day the state adds to the federal holidays: no business day for note deadlines.

    Federal holidays are computed (`imhhv.core.calendar.federal_holidays`), never stored,
    so they are right for any year. The list is statewide (one deployment serves one
    state's program), like the program policy.
    """

    day = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.name} ({self.day.isoformat()})"
