"""The builder: one seeded random generator, unsaved rows collected by subject (the mixins
of people, children, families and referrals), then written in dependency order."""

import random
from datetime import date

from imhhv.demo.data.children import ChildrenMixin
from imhhv.demo.data.families import FamiliesMixin
from imhhv.demo.data.people import PeopleMixin
from imhhv.demo.data.referrals import ReferralsMixin, _risk_factor_rows
from imhhv.families.models import (
    Assignment,
    Caregiver,
    Child,
    Consent,
    Enrollment,
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)
from imhhv.reference.models import RiskFactor
from imhhv.reference.policy import policy_on


class _Builder(PeopleMixin, ChildrenMixin, FamiliesMixin, ReferralsMixin):
    """Collects unsaved rows, then writes them in dependency order with bulk_create."""

    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.age_limit = policy_on(today).age_limit_months
        self.risk_factors = _risk_factor_rows()
        self.known_codes = [rf.code for rf in self.risk_factors]
        self.families: list[Family] = []
        self.caregivers: list[Caregiver] = []
        self.children: list[Child] = []
        self.consents: list[Consent] = []
        self.enrollments: list[Enrollment] = []
        self.assignments: list[Assignment] = []
        self.referrals: list[Referral] = []
        self.referral_caregivers: list[ReferralCaregiver] = []
        self.referral_children: list[ReferralChild] = []
        self.referral_risks: list[tuple[Referral, list[RiskFactor]]] = []
        self.medicaid_ids = 0
        self.reenrolled = 0
        self.transferred = 0
        self.discharged = 0

    def save(self) -> None:
        Family.objects.bulk_create(self.families)
        Caregiver.objects.bulk_create(self.caregivers)
        Child.objects.bulk_create(self.children)
        Consent.objects.bulk_create(self.consents)
        Referral.objects.bulk_create(self.referrals)
        ReferralCaregiver.objects.bulk_create(self.referral_caregivers)
        ReferralChild.objects.bulk_create(self.referral_children)
        through = Referral.risk_factors.through
        through.objects.bulk_create(
            through(referral_id=referral.pk, riskfactor_id=rf.pk)
            for referral, risks in self.referral_risks
            for rf in risks
        )
        Enrollment.objects.bulk_create(self.enrollments)
        Assignment.objects.bulk_create(self.assignments)
