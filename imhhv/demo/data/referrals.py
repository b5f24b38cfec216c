"""Intake: referrals in every status (new, eligible = the waitlist, ineligible, enrolled,
closed), with risk factors from the `RiskFactor` rows, screened by the real rule
(`imhhv.core.eligibility.screen`)."""

from datetime import date

from imhhv.core.ages import add_months
from imhhv.core.eligibility import RISK_FACTORS, screen
from imhhv.core.names import normalize_name
from imhhv.core.search import search_text
from imhhv.demo.data.children import _Child
from imhhv.demo.data.common import _between, _days, _weighted
from imhhv.demo.data.families import _Episode
from imhhv.demo.data.names import CHILD_NAMES, STAFF_NAMES, TREES
from imhhv.demo.data.organisation import _Agency
from imhhv.families.models import (
    Caregiver,
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)
from imhhv.reference.models import RiskFactor

REFERRAL_SOURCE_WEIGHTS = {
    "self": 12,
    "prenatal": 18,
    "pediatric": 15,
    "hospital": 12,
    "child_welfare": 12,
    "wic": 10,
    "early_on": 8,
    "community": 10,
    "other": 3,
}
REFERRER_ORGANIZATIONS = {
    "prenatal": "Demo Prenatal Clinic",
    "pediatric": "Demo Pediatrics",
    "hospital": "Demo General Hospital NICU",
    "child_welfare": "Demo County Child Welfare",
    "wic": "Demo WIC Office",
    "early_on": "Demo Early On",
    "community": "Demo Family Resource Center",
    "other": "Demo Faith Community",
}
# How often each reference risk factor is drawn (codes an administrator adds: 5%).
RISK_RATES = {
    "trauma_loss": 0.45,
    "mental_illness": 0.40,
    "substance_use": 0.15,
    "domestic_violence": 0.18,
    "low_income": 0.55,
    "young_parent": 0.0,  # set from the caregiver's age and the pregnancy
    "child_welfare": 0.12,
    "complex_needs": 0.08,
    "social_emotional": 0.20,
    "developmental_delay": 0.08,
    "premature_fragile": 0.03,  # and every child born before 37 weeks
}
CLOSED_REASONS = [
    "Unable to reach the family after three attempts.",
    "Family declined services.",
    "Family moved out of the service area.",
    "Family chose another home visiting program.",
]
OTHER_FUNDING = ["Agency general fund", "County millage", "Private insurance, agency sliding fee"]
OVERRIDE_ELIGIBLE = (
    "Medicaid application is being filed with the family this week; the agency covers "
    "services until it is decided."
)
OVERRIDE_INELIGIBLE = (
    "Family is already enrolled with IMH-HV at the agency of the next county; "
    "dual enrollment is not allowed."
)


_REFERRAL_PERSON = {
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "address",
    "city",
    "zip_code",
    "preferred_language",
    "interpreter_needed",
    "medicaid_id",
    "relationship",
}


def _risk_factor_rows() -> list[RiskFactor]:
    """The active reference list; restored from imhhv.core when a test database lost it."""
    rows = list(RiskFactor.objects.filter(active=True).order_by("applies_to", "sort_order", "pk"))
    if not rows and not RiskFactor.objects.exists():
        RiskFactor.objects.bulk_create(
            RiskFactor(code=code, label=label, applies_to=applies_to, sort_order=order * 10)
            for order, (code, label, applies_to) in enumerate(RISK_FACTORS, start=1)
        )
        rows = list(RiskFactor.objects.order_by("applies_to", "sort_order", "pk"))
    return rows


class ReferralsMixin:
    """The builder's referrals (see `builder.Builder`)."""

    def _risks(self, *, young_parent: bool, preterm: bool, welfare: bool) -> list[RiskFactor]:
        rng = self.rng
        picked = [
            rf
            for rf in self.risk_factors
            if rng.random() < RISK_RATES.get(rf.code, 0.05)
            or (rf.code == "young_parent" and young_parent)
            or (rf.code == "premature_fragile" and preterm)
            or (rf.code == "child_welfare" and welfare)
        ]
        if not picked and self.risk_factors:
            rates = [RISK_RATES.get(rf.code, 0.05) or 0.01 for rf in self.risk_factors]
            picked = rng.choices(self.risk_factors, weights=rates)
        return picked

    def _funding(self, primary_medicaid_id: str = "") -> dict:
        """Medicaid status at referral; always funded (Medicaid or another source)."""
        if primary_medicaid_id:
            return {"medicaid_status": "enrolled", "medicaid_id": primary_medicaid_id}
        status = _weighted(self.rng, {"enrolled": 45, "eligible": 25, "pending": 15, "other": 15})
        if status == "other":
            return {
                "medicaid_status": "not_eligible",
                "other_funding": self.rng.choice(OTHER_FUNDING),
            }
        if status == "enrolled":
            return {"medicaid_status": "enrolled", "medicaid_id": self._medicaid_id()}
        return {"medicaid_status": status}

    def _referral(
        self,
        ctx: _Agency,
        *,
        referral_date: date,
        status: str,
        people: list[dict],
        births: list[tuple[str, date]],
        due: date | None,
        risks: list[RiskFactor],
        funding: dict,
        screened_on: date | None = None,
        source: str | None = None,
        family: Family | None = None,
    ) -> Referral:
        """A referral with its people and risk factors; screened with the real rule."""
        rng = self.rng
        source = source or _weighted(rng, REFERRAL_SOURCE_WEIGHTS)
        referrer = {}
        if source != "self":
            referrer = {
                "referrer_name": f"Demo {rng.choice(STAFF_NAMES)} {rng.choice(TREES)}",
                "referrer_organization": REFERRER_ORGANIZATIONS[source],
                "referrer_phone": self._phone(ctx.county),
            }
        referral = Referral(
            agency=ctx.agency,
            referral_date=referral_date,
            source=source,
            pregnant=due is not None,
            due_date=due,
            consent_to_contact=True,
            status=status,
            family=family,
            created_by=ctx.admin,
            search_text=search_text(
                [p[k] for p in people for k in ("first_name", "last_name")]
                + [name for name, _ in births]
            ),
            **referrer,
            **funding,
        )
        if screened_on is not None:
            result = screen(
                screening_date=screened_on,
                pregnant=referral.pregnant,
                child_birth_dates=[birth for _, birth in births],
                risk_factors=[rf.code for rf in risks],
                known_risk_factors=self.known_codes,
                medicaid_status=referral.medicaid_status,
                other_funding=referral.other_funding,
                age_limit_months=self.age_limit,
            )
            referral.screened_on = screened_on
            referral.screen_eligible = result.eligible
            referral.screen_reasons = list(result.reasons)
        self.referrals.append(referral)
        for person in people:
            self.referral_caregivers.append(
                ReferralCaregiver(
                    referral=referral,
                    normalized_name=normalize_name(person["first_name"], person["last_name"]),
                    **{
                        k: person[k]
                        for k in (
                            "first_name",
                            "last_name",
                            "birth_date",
                            "phone",
                            "address",
                            "city",
                            "zip_code",
                            "preferred_language",
                            "interpreter_needed",
                        )
                    },
                )
            )
        for name, birth in births:
            self.referral_children.append(
                ReferralChild(referral=referral, first_name=name, birth_date=birth)
            )
        self.referral_risks.append((referral, risks))
        return referral

    def _enrolled_referral(
        self,
        ctx: _Agency,
        family: Family,
        people: list[dict],
        children: list[_Child],
        referral_date: date,
        episode: _Episode,
    ) -> Referral:
        rng = self.rng
        screened = _between(
            rng, referral_date + _days(1), min(referral_date + _days(10), episode.enrolled)
        )
        births = [(c.name, c.birth) for c in children if c.birth and c.birth <= referral_date]
        unborn = [c.expected_on for c in children if c.birth is None or c.birth > referral_date]
        due = min(unborn) if unborn else None
        primary = people[0]
        young = (referral_date - primary["birth_date"]).days < 21 * 365 and due is not None
        preterm = any(c.ga and c.ga < 37 for c in children if c.birth and c.birth <= referral_date)
        foster = any(p["relationship"] == Caregiver.Relationship.FOSTER for p in people)
        source = "child_welfare" if foster else None
        if source is None and due is not None and rng.random() < 0.5:
            source = rng.choice(["prenatal", "wic", "self"])
        referral = self._referral(
            ctx,
            referral_date=referral_date,
            status=Referral.Status.ENROLLED,
            people=people,
            births=births,
            due=due,
            risks=self._risks(young_parent=young, preterm=preterm, welfare=foster),
            funding=self._funding(primary["medicaid_id"]),
            screened_on=screened,
            source=source,
            family=family,
        )
        if not referral.screen_eligible:
            raise AssertionError(f"demo bug: an enrolled referral screens ineligible: {referral}")
        return referral

    def _intake_people(self, ctx: _Agency, anchor: date) -> list[dict]:
        return [
            {k: v for k, v in p.items() if k in _REFERRAL_PERSON}
            for p in self._caregivers(ctx.county, anchor=anchor)
        ]

    def waiting_referral(self, ctx: _Agency, *, override: bool = False) -> Referral:
        """An eligible referral on the waitlist, varied in pregnancy, ages, risks, wait."""
        rng, today = self.rng, self.today
        referral_date = today - _days(rng.randint(2, 150))
        kind = _weighted(rng, {"pregnant": 30, "pregnant_toddler": 10, "infant": 30, "older": 30})
        due = None
        births: list[tuple[str, date]] = []
        if kind.startswith("pregnant"):
            due = today + _days(rng.randint(14, 200))
            referral_date = max(referral_date, due - _days(250))
        if kind == "infant":
            births.append((rng.choice(CHILD_NAMES), referral_date - _days(rng.randint(0, 180))))
        elif kind in ("older", "pregnant_toddler"):
            birth = max(referral_date - _days(rng.randint(180, 900)), today - _days(1060))
            births.append((rng.choice(CHILD_NAMES), birth))
        screened = _between(rng, referral_date, min(today, referral_date + _days(7)))
        funding = {"medicaid_status": "unknown"} if override else self._funding()
        people = self._intake_people(ctx, referral_date)
        young = (referral_date - people[0]["birth_date"]).days < 21 * 365 and due is not None
        referral = self._referral(
            ctx,
            referral_date=referral_date,
            status=Referral.Status.ELIGIBLE,
            people=people,
            births=births,
            due=due,
            risks=self._risks(young_parent=young, preterm=False, welfare=False),
            funding=funding,
            screened_on=screened,
        )
        if override:
            referral.override_reason = OVERRIDE_ELIGIBLE
            referral.override_by = ctx.supervisor(None)
        elif not referral.screen_eligible:
            raise AssertionError("demo bug: a waitlisted referral screens ineligible")
        return referral

    def _ineligible_referral(self, ctx: _Agency, why: str) -> Referral:
        rng, today = self.rng, self.today
        referral_date = today - _days(rng.randint(5, 120))
        screened = _between(rng, referral_date, min(today, referral_date + _days(5)))
        people = self._intake_people(ctx, referral_date)
        name = rng.choice(CHILD_NAMES)
        births = [(name, referral_date - _days(rng.randint(20, 600)))]
        risks = self._risks(young_parent=False, preterm=False, welfare=False)
        funding = self._funding()
        if why == "over_age":  # 37-49 months old
            births = [(name, add_months(referral_date, -rng.randint(37, 49)))]
        elif why == "no_risk":
            risks = []
        else:  # no funding
            funding = {"medicaid_status": rng.choice(["not_eligible", "unknown"])}
        referral = self._referral(
            ctx,
            referral_date=referral_date,
            status=Referral.Status.INELIGIBLE,
            people=people,
            births=births,
            due=None,
            risks=risks,
            funding=funding,
            screened_on=screened,
        )
        if referral.screen_eligible:
            raise AssertionError("demo bug: an ineligible demo referral screens eligible")
        return referral

    def intake(self, ctx: _Agency) -> None:
        """Referrals of the agency in every status besides enrolled (made with families)."""
        rng, today = self.rng, self.today
        for number in range(rng.randint(3, 6)):
            referral_date = today - _days(rng.randint(0, 10))
            people = self._intake_people(ctx, referral_date)
            if number == 0 and ctx.families:
                # A re-referral of a family the agency already serves: intake sees the
                # possible duplicate (same name and birth date) before saving.
                existing = next(c for c in self.caregivers if c.family is ctx.families[0])
                people[0] |= {
                    "first_name": existing.first_name,
                    "last_name": existing.last_name,
                    "birth_date": existing.birth_date,
                }
            self._referral(
                ctx,
                referral_date=referral_date,
                status=Referral.Status.NEW,
                people=people,
                births=[(rng.choice(CHILD_NAMES), referral_date - _days(rng.randint(5, 500)))],
                due=None,
                risks=self._risks(young_parent=False, preterm=False, welfare=False),
                funding=self._funding(),
            )
        for _ in range(rng.randint(8, 15)):
            self.waiting_referral(ctx)
        if ctx.index == 0:
            self.waiting_referral(ctx, override=True)
        whys = ["over_age", "no_risk", "no_funding"]
        rng.shuffle(whys)
        for number in range(rng.randint(3, 5)):
            self._ineligible_referral(ctx, whys[number % len(whys)])
        if ctx.index == 1:
            referral = self.waiting_referral(ctx)
            referral.status = Referral.Status.INELIGIBLE
            referral.override_reason = OVERRIDE_INELIGIBLE
            referral.override_by = ctx.supervisor(None)
        for number in range(rng.randint(2, 4)):
            if number % 2 == 0:
                referral = self.waiting_referral(ctx)  # screened eligible, then closed
            else:
                referral_date = today - _days(rng.randint(20, 120))
                referral = self._referral(
                    ctx,
                    referral_date=referral_date,
                    status=Referral.Status.CLOSED,
                    people=self._intake_people(ctx, referral_date),
                    births=[(rng.choice(CHILD_NAMES), referral_date - _days(rng.randint(5, 300)))],
                    due=None,
                    risks=self._risks(young_parent=False, preterm=False, welfare=False),
                    funding=self._funding(),
                )
            referral.status = Referral.Status.CLOSED
            referral.closed_reason = rng.choice(CLOSED_REASONS)
