"""Factories for accounts: people with memberships, and proposals.

    member(Role.HOME_VISITOR, team=cast.team_a)            a visitor at team A1's agency
    member(Role.AGENCY_ADMIN, agency=cast.agency_b)        an administrator of agency B
    MembershipProposalFactory(user=..., agency=..., proposed_by=cast.state_admin)
    qualify(user)                                          may carry families (issue 10)

Users get an unusable password (fast: no Argon2 per row); pass `password=` to
`UserFactory` for one that signs in. Dates are relative to today, never fixed.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from imhhv.accounts.models import Membership, MembershipProposal, User
from imhhv.core import workforce as rules
from imhhv.core.roles import Role
from imhhv.workforce.models import Endorsement, SelfAssessment


def _a_year_ago():
    return timezone.localdate() - timedelta(days=365)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.HOME_VISITOR
    team = None
    agency = factory.LazyAttribute(lambda m: m.team.agency if m.team is not None else None)
    fte = Decimal("1.00")
    start_date = factory.LazyFunction(_a_year_ago)
    end_date = None


class MembershipProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipProposal

    user = factory.SubFactory(UserFactory)
    role = Role.AGENCY_ADMIN
    team = None
    agency = factory.LazyAttribute(lambda p: p.team.agency if p.team is not None else None)
    fte = Decimal("1.00")
    start_date = factory.LazyFunction(timezone.localdate)


def qualify(*users: User) -> None:
    """Let each of `users` carry families without a supervisor's override (issue 10's
    gate, `imhhv.core.workforce.may_carry_families`): the self-assessment completed and
    discussed before they started, and an Infant Family Specialist endorsement.

    Test code, so it writes the workforce rows directly (the layering rule is for the
    apps); a workforce test that needs other records builds them itself."""
    today = timezone.localdate()
    for user in users:
        SelfAssessment.objects.update_or_create(
            user=user,
            defaults={
                "completed_on": today - timedelta(days=380),
                "discussed_on": today - timedelta(days=370),
            },
        )
        Endorsement.objects.update_or_create(
            user=user,
            category=rules.INFANT_FAMILY_SPECIALIST,
            defaults={"status": rules.ENDORSED, "endorsed_on": today - timedelta(days=370)},
        )


def member(
    role: Role, *, agency=None, team=None, user=None, qualified: bool = False, **membership
) -> User:
    """A user holding `role` (at `team`'s agency, or `agency`) since a year ago;
    `qualified=True` also lets them carry families (see `qualify`)."""
    made = MembershipFactory(
        role=role,
        team=team,
        agency=agency or (team.agency if team is not None else None),
        **({"user": user} if user is not None else {}),
        **membership,
    )
    made.user.__dict__.pop("membership", None)
    if qualified:
        qualify(made.user)
    return made.user


def moved(user: User, *, role: Role, team=None, agency=None, days_ago: int = 30) -> User:
    """End `user`'s current membership and start one at another team/agency `days_ago`."""
    start = timezone.localdate() - timedelta(days=days_ago)
    Membership.objects.filter(user=user, end_date__isnull=True).update(
        end_date=start - timedelta(days=1)
    )
    return member(role, team=team, agency=agency, user=user, start_date=start)
