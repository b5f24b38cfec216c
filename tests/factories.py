"""Factories for the people and places every test needs: the cast of the root conftest is
built from these, and a test that needs one more family or home visitor makes it the same way.

Dates are relative to the (possibly frozen) clock at the moment the row is built, never
fixed calendar dates that age out: an "infant" stays an infant whichever day the suite runs.
"""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency, State, Team
from imhhv.core.roles import Role
from imhhv.families.hooks import family_changed
from imhhv.families.models import Assignment, Child, Enrollment, Family

# How long ago, relative to today, the cast's records start and its children were born.
EPISODE_DAYS = 365
INFANT_AGE_DAYS = 320  # about 10.5 months: an infant born after the (prenatal) enrollment


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


class StateFactory(DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ("code",)

    name = "Michigan"
    code = "MI"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    state = factory.SubFactory(StateFactory)
    name = factory.Sequence(lambda n: f"Test Agency {n} CMH")
    county = "Washtenaw"


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"T{n}")


class UserFactory(DjangoModelFactory):
    """A user; pass `password=<hash>` (hash once per session: Argon2 is slow on purpose)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.SelfAttribute("username")
    password = "!"  # unusable until a hash is given


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.HOME_VISITOR
    agency = None
    team = None
    fte = Decimal("1.00")
    start_date = factory.LazyFunction(lambda: days_ago(EPISODE_DAYS))
    end_date = None


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family

    agency = factory.SubFactory(AgencyFactory)
    home_visitor = None
    display_name = factory.Sequence(lambda n: f"Test Family {n}")


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    first_name = "Test Child"
    birth_date = factory.LazyFunction(lambda: days_ago(INFANT_AGE_DAYS))


_deferred: list[set[int]] = []


@contextmanager
def facts_once():
    """Inside, factories note the families they change; each is refreshed once at the end."""
    _deferred.append(set())
    try:
        yield
    finally:
        for family_id in sorted(_deferred.pop()):
            refresh_facts(family_id)


def refresh_facts(family_id: int) -> None:
    if _deferred:
        _deferred[-1].add(family_id)
    else:
        family_changed(family_id)


class RefreshesFacts:
    """Refresh the family's fidelity week facts once the row is written, as the services
    do (`imhhv.families.hooks.family_changed`)."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create and instance.family_id:
            refresh_facts(instance.family_id)


class EnrollmentFactory(RefreshesFacts, DjangoModelFactory):
    class Meta:
        model = Enrollment

    family = factory.SubFactory(FamilyFactory)
    enrolled_on = factory.LazyFunction(lambda: days_ago(EPISODE_DAYS))


class AssignmentFactory(RefreshesFacts, DjangoModelFactory):
    class Meta:
        model = Assignment

    family = factory.SubFactory(FamilyFactory)
    home_visitor = factory.SelfAttribute("family.home_visitor")
    start_date = factory.LazyFunction(lambda: days_ago(EPISODE_DAYS))


class FamilyInCareFactory(FamilyFactory):
    """A family in care: one infant, an open episode since `enrolled_on` (default a year
    ago) and an assignment to its home visitor from that day."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def enrolled_on(family, create, extracted, **kwargs):
        start = extracted or days_ago(EPISODE_DAYS)
        ChildFactory(family=family)
        with facts_once():
            EnrollmentFactory(family=family, enrolled_on=start)
            if family.home_visitor is not None:
                AssignmentFactory(family=family, home_visitor=family.home_visitor, start_date=start)
