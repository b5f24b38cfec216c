"""Factories for visits and visit plans (factory-boy).

    VisitFactory(family=f, visitor=hv, day=today - 3 days)      a completed home visit, unsigned
    VisitFactory(..., signed=True)                               ... signed the same day
    VisitPlanFactory(family=f, frequency="every_other_week", effective_from=...)

Rows are written directly (no service, no audit event): for building the scene of a
test. What a person does goes through the services or the pages instead. Dates are
relative to today, never fixed. Like the services, each factory refreshes the family's
fidelity week facts (`imhhv.families.hooks.family_changed`) once its row is written.
"""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from imhhv.visits.models import Catalogue, KeyComponent, Visit, VisitPlan
from tests.factories import RefreshesFacts


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


class VisitFactory(RefreshesFacts, factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        exclude = ("day", "minutes", "signed")
        skip_postgeneration_save = True

    family = None
    visitor = factory.LazyAttribute(lambda v: v.family.home_visitor)
    day = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    minutes = 100
    signed = False
    outcome = Visit.Outcome.COMPLETED
    place = Visit.Place.HOME
    scheduled_at = factory.LazyAttribute(lambda v: _at(v.day))
    started_at = factory.LazyAttribute(
        lambda v: _at(v.day) if v.outcome == Visit.Outcome.COMPLETED else None
    )
    ended_at = factory.LazyAttribute(
        lambda v: (
            _at(v.day) + timedelta(minutes=v.minutes)
            if v.outcome == Visit.Outcome.COMPLETED
            else None
        )
    )
    documented_at = factory.LazyAttribute(
        lambda v: None if v.outcome == Visit.Outcome.SCHEDULED else v.scheduled_at
    )
    signed_at = factory.LazyAttribute(lambda v: _at(v.day, 17) if v.signed else None)
    signed_by = factory.LazyAttribute(lambda v: v.visitor if v.signed else None)
    catalogue = factory.LazyFunction(lambda: Catalogue.objects.order_by("-version").first())
    note = "Synthetic note."

    @factory.post_generation
    def components(self, create, extracted, **kwargs):
        codes = ["alliance"] if extracted is None else list(extracted)
        if create and codes and self.outcome == Visit.Outcome.COMPLETED:
            self.components.set(
                KeyComponent.objects.filter(catalogue=self.catalogue, code__in=codes)
            )


class VisitPlanFactory(RefreshesFacts, factory.django.DjangoModelFactory):
    class Meta:
        model = VisitPlan

    family = None
    effective_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=90))
    frequency = VisitPlan.Frequency.WEEKLY
    paused_until = None
    pause_reason = ""
