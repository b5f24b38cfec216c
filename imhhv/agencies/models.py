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
