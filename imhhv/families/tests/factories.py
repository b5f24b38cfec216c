"""Factories for family and intake records (factory-boy), for tests beyond the cast.

Dates are relative to the frozen or real "today" at build time, never hard-coded, so a
test does not age out. `FamilyFactory` makes an active family: one open episode, one
child, and (when `home_visitor` is given) its assignment.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.core.ages import add_months
from imhhv.core.names import normalize_name
from imhhv.core.roles import Role
from imhhv.families.models import (
    Assignment,
    Caregiver,
    Child,
    Enrollment,
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)


def today():
    return timezone.localdate()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Test"
    last_name = factory.SelfAttribute("username")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership at an agency; pass `team` for home visitors and supervisors."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.HOME_VISITOR
    agency = factory.SelfAttribute("team.agency")
    fte = Decimal("1.00")
    start_date = factory.LazyFunction(lambda: today() - timedelta(days=365))
    end_date = None


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family
        skip_postgeneration_save = True

    display_name = factory.Sequence(lambda n: f"Factory Family {n}")
    home_visitor = None

    @factory.post_generation
    def enrolled_on(self, create, extracted, **kwargs):
        """One open episode (from `enrolled_on`, default 100 days ago), a child, and the
        assignment of `home_visitor` from the same day."""
        if not create:
            return
        start = extracted or today() - timedelta(days=100)
        Enrollment.objects.create(family=self, enrolled_on=start)
        Child.objects.create(family=self, first_name="Factory Child", birth_date=start)
        if self.home_visitor_id:
            Assignment.objects.create(
                family=self, home_visitor_id=self.home_visitor_id, start_date=start
            )


class CaregiverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caregiver

    family = factory.SubFactory(FamilyFactory)
    relationship = Caregiver.Relationship.PRIMARY
    first_name = factory.Sequence(lambda n: f"Carer{n}")
    last_name = "Example"
    normalized_name = factory.LazyAttribute(lambda o: normalize_name(o.first_name, o.last_name))
    birth_date = factory.LazyFunction(lambda: add_months(today(), -12 * 25))


class ReferralFactory(factory.django.DjangoModelFactory):
    """A new referral with one caregiver (`caregiver__first_name=...` to name them)."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    referral_date = factory.LazyFunction(lambda: today() - timedelta(days=10))
    source = "self"
    medicaid_status = "enrolled"
    status = Referral.Status.NEW

    @factory.post_generation
    def caregiver(self, create, extracted, **kwargs):
        if not create:
            return
        person = {"first_name": "Refa", "last_name": "Example", **kwargs}
        ReferralCaregiver.objects.create(
            referral=self,
            normalized_name=normalize_name(person["first_name"], person["last_name"]),
            **person,
        )

    @factory.post_generation
    def child_born(self, create, extracted, **kwargs):
        """`child_born=<date>` adds a child born that day."""
        if create and extracted:
            ReferralChild.objects.create(referral=self, birth_date=extracted)
