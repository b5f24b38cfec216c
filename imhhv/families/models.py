"""Families served by IMH-HV. A minimal record that later work extends."""

from django.conf import settings
from django.db import models


class Family(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="families")
    home_visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caseload",
    )
    display_name = models.CharField(max_length=200)
    child_birth_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name_plural = "families"
        indexes = [models.Index(fields=["agency", "home_visitor"])]

    def __str__(self) -> str:
        return self.display_name
