"""Factories for the organisation (state, agency, team) and the reference data it reads."""

import factory

from imhhv.agencies.models import Agency, State, Team


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
