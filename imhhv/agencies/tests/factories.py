"""Factories for the organisation (state, agency, team) and the reference data it reads."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from imhhv.agencies.models import Agency, State, Team
from imhhv.reference.models import ProgramPolicy, RiskFactor, StateHoliday


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ("code",)

    name = "Michigan"
    code = "MI"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    state = factory.SubFactory(StateFactory)
    name = factory.Sequence(lambda n: f"Agency {n} CMH")
    county = "Ingham"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class StateHolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StateHoliday

    day = factory.Sequence(lambda n: date(2026, 11, 27) + timedelta(days=7 * n))  # Fridays
    name = factory.Sequence(lambda n: f"State closure {n}")


class ProgramPolicyFactory(factory.django.DjangoModelFactory):
    """A policy version; in force from `effective_from` (default: a year ago)."""

    class Meta:
        model = ProgramPolicy

    effective_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


class RiskFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskFactor
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"factor_{n}")
    label = factory.Sequence(lambda n: f"Risk factor {n}")
    applies_to = "parent"
