"""Reference data every app reads: the program policy, risk factors, the state's holidays.

This app sits low in the house (core <- reference <- accounts/agencies <- families …): it
imports nothing from the apps above it, so any of them can read it. `ProgramPolicy` and
`RiskFactor` moved here from `agencies` and `families`; their tables kept their names
(`db_table`), so the move changed no row (migrations: `SeparateDatabaseAndState`).
"""

from django.conf import settings
from django.db import models


class ProgramPolicy(models.Model):
    """Statewide policy values, versioned by the date they take effect (DOMAIN.md §2).

    The row in effect on a day is the one with the latest `effective_from` on or before
    it (`imhhv.reference.policy.policy_on`); with no row, the defaults below apply. State
    administrators add rows; old rows stay, so a past decision can be explained with the
    policy of its day.
    """

    effective_from = models.DateField(unique=True)
    age_limit_months = models.PositiveSmallIntegerField(
        default=36, help_text="A child must be younger than this at screening (months)."
    )
    caseload_cap_per_fte = models.PositiveSmallIntegerField(
        default=15, help_text="Families per full-time home visitor."
    )
    waitlist_priority = models.CharField(
        max_length=200,
        default="pregnant,youngest_child,risk_count,days_waiting",
        help_text="Waitlist order, most important first.",
    )
    transition_planning_months = models.PositiveSmallIntegerField(
        default=33, help_text="From this age the chart shows the transition-planning banner."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "agencies_programpolicy"  # the table it had in `agencies`
        ordering = ["-effective_from"]
        verbose_name_plural = "program policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_limit_months__gte=1, age_limit_months__lte=60),
                name="policy_age_limit_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(caseload_cap_per_fte__gte=1, caseload_cap_per_fte__lte=40),
                name="policy_cap_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"policy from {self.effective_from}"


class RiskFactor(models.Model):
    """Parent and child risk factors (DOMAIN.md §3); the state can extend the list."""

    APPLIES_TO = [("parent", "Parent"), ("child", "Child")]

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    applies_to = models.CharField(max_length=10, choices=APPLIES_TO)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        db_table = "families_riskfactor"  # the table it had in `families`
        ordering = ["applies_to", "sort_order", "label"]

    def __str__(self) -> str:
        return self.label


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
