"""The organisation: State -> Agency (a CMH provider) -> Team (one supervisor, home visitors)."""

from django.db import models


class State(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=2, unique=True)

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A community mental health (CMH) provider agency that delivers IMH-HV."""

    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    county = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="agency_name_unique_in_state")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_name_unique_in_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency.name} / {self.name}"


class ProgramPolicy(models.Model):
    """Statewide policy values, versioned by the date they take effect (DOMAIN.md §2).

    The row in effect on a day is the one with the latest `effective_from` on or before
    it; with no row, the defaults below apply. State administrators add rows; old rows
    stay, so a past decision can be explained with the policy of its day.
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
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
