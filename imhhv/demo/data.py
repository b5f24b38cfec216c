"""Building synthetic demo data. Every name is obviously made up; nothing is real.

`seed()` builds, deterministically (one seeded random generator):

* staff: a state administrator, an evaluator and, per agency, an agency administrator and
  teams of one supervisor and home visitors (one works half time), plus a home visitor
  whose membership ended (`former.visitor`);
* per home visitor `families_per_visitor` ACTIVE families (an open enrollment episode),
  each with caregivers whose demographics are drawn to match the evaluated sample of the
  federal review (`SAMPLE_*` below), children born or expected (some preterm, ages
  spread so that some show the transition-planning banner), consents, an assignment
  history (some transferred) and the referral they came from; a couple per agency were
  re-enrolled (two episodes);
* per agency DISCHARGED families (about 30% of every family ever served) with a mix of
  reasons, planned or not, transition plans and referrals made;
* per agency intake: referrals in every status (new, eligible = the waitlist,
  ineligible, enrolled, closed) with risk factors from the `RiskFactor` rows and
  screening reasons written by `imhhv.core.eligibility.screen`.

Rows are written with bulk_create and write no audit events: seeding is not user
activity, and the audit chain is left exactly as it was.

Names are "Demo <bird> <tree>", children are named after plants, streets are
"Demo <tree> Lane", phone numbers are 555-01xx, Medicaid ids start with DEMO; ZIP codes
use the real ZIP3 prefix of the town with made-up last digits.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency, State, Team
from imhhv.agencies.policy import policy_on
from imhhv.core.ages import add_months
from imhhv.core.eligibility import RISK_FACTORS, screen
from imhhv.core.names import normalize_name
from imhhv.core.roles import Role
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
    RiskFactor,
)

DEMO_PASSWORD = "synthetic-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.invalid"

# --- the evaluated sample (../shared/seeds/001_…txt, "Research Characteristics") -------
# Shares of all participants. Race categories may sum to more than 100% (more than one
# race); "Unknown" is drawn as the caregiver declining the race question.
SAMPLE_RACE_SHARES = {"aian": 0.068, "black": 0.370, "mena": 0.055, "white": 0.726}
SAMPLE_RACE_UNKNOWN = 0.055
SAMPLE_HISPANIC = 0.123
SAMPLE_MEANS_TESTED = 0.452
# Demo shape.
DISCHARGED_SHARE = 0.30  # of every family ever served
REENROLLED_PER_AGENCY = 2
TRANSFER_SHARE = 0.12
STAFF_YEARS = 6  # memberships start this long ago, before the oldest demo episode


@dataclass(frozen=True)
class County:
    name: str
    area_code: str
    places: tuple[tuple[str, str], ...]  # (town, real ZIP3 prefix)


# Michigan counties with a CMH agency; the agencies themselves are fictional.
COUNTIES = [
    County("Washtenaw", "734", (("Ann Arbor", "481"), ("Ypsilanti", "481"), ("Saline", "481"))),
    County("Kent", "616", (("Grand Rapids", "495"), ("Wyoming", "495"), ("Rockford", "493"))),
    County("Marquette", "906", (("Marquette", "498"), ("Ishpeming", "498"), ("Negaunee", "498"))),
    County("Kalamazoo", "269", (("Kalamazoo", "490"), ("Portage", "490"))),
    County("Saginaw", "989", (("Saginaw", "486"), ("Frankenmuth", "487"))),
]
TREES = [
    "Alder",
    "Aspen",
    "Birch",
    "Cedar",
    "Elm",
    "Hazel",
    "Juniper",
    "Linden",
    "Maple",
    "Oak",
    "Pine",
    "Rowan",
    "Spruce",
    "Sumac",
    "Tamarack",
    "Willow",
]
MORE_TREES = [
    "Ash",
    "Basswood",
    "Beech",
    "Buckeye",
    "Butternut",
    "Catalpa",
    "Chestnut",
    "Cottonwood",
    "Dogwood",
    "Hackberry",
    "Hawthorn",
    "Hemlock",
    "Hickory",
    "Ironwood",
    "Larch",
    "Locust",
    "Magnolia",
    "Mulberry",
    "Pawpaw",
    "Poplar",
    "Redbud",
    "Sassafras",
    "Sycamore",
    "Walnut",
]
STAFF_NAMES = [
    "Robin",
    "Wren",
    "Finch",
    "Heron",
    "Lark",
    "Plover",
    "Sparrow",
    "Swift",
    "Tern",
    "Kestrel",
    "Oriole",
    "Starling",
    "Thrush",
    "Warbler",
    "Vireo",
    "Junco",
]
# Caregivers: "Demo <bird> <tree>" (birds not used for staff).
CAREGIVER_NAMES = [
    "Avocet",
    "Bittern",
    "Bobolink",
    "Bunting",
    "Cardinal",
    "Catbird",
    "Chickadee",
    "Crane",
    "Curlew",
    "Dickcissel",
    "Dipper",
    "Dunlin",
    "Egret",
    "Flicker",
    "Gadwall",
    "Goldeneye",
    "Grebe",
    "Grosbeak",
    "Harrier",
    "Ibis",
    "Jay",
    "Killdeer",
    "Kinglet",
    "Loon",
    "Merlin",
    "Nuthatch",
    "Osprey",
    "Pewee",
    "Phoebe",
    "Pipit",
    "Redpoll",
    "Sanderling",
    "Siskin",
    "Snipe",
    "Tanager",
    "Towhee",
    "Veery",
    "Waxwing",
    "Whimbrel",
    "Yellowlegs",
]
CAREGIVER_LAST_NAMES = TREES + MORE_TREES
CHILD_NAMES = [
    "Aster",
    "Basil",
    "Bramble",
    "Briar",
    "Clover",
    "Daisy",
    "Fern",
    "Flax",
    "Heather",
    "Iris",
    "Laurel",
    "Lupine",
    "Mallow",
    "Marigold",
    "Moss",
    "Primrose",
    "Reed",
    "Sage",
    "Sedge",
    "Sorrel",
    "Tansy",
    "Thistle",
    "Thyme",
    "Trillium",
    "Violet",
    "Yarrow",
    "Zinnia",
]
TRIBES = [
    "Demo Band of Heron Lake (fictional)",
    "Demo Cedar River Nation (fictional)",
    "Demo Loon Bay Tribe (fictional)",
]
STREETS = ["Lane", "Court", "Way", "Street", "Drive", "Avenue"]

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
DISCHARGE_MIX = {
    # reason: (weight, share planned)
    Enrollment.DischargeReason.GOALS_MET: (22, 1.0),
    Enrollment.DischargeReason.AGE_LIMIT: (18, 1.0),
    Enrollment.DischargeReason.MOVED: (14, 0.4),
    Enrollment.DischargeReason.FAMILY_ENDED: (14, 0.2),
    Enrollment.DischargeReason.UNABLE_TO_LOCATE: (13, 0.0),
    Enrollment.DischargeReason.TRANSFERRED: (8, 0.8),
    Enrollment.DischargeReason.PLACED: (4, 0.0),
    Enrollment.DischargeReason.OTHER: (7, 0.5),
}
TRANSITION_PLANS = {
    "goals_met": [
        "Goals of the plan of service met; closing visits held, family knows how to return.",
        "Caregiver's depression in remission and attachment secure; celebrated at last visit.",
    ],
    "age_limit": [
        "Child turned 3: warm hand-off visit with the Head Start family advocate.",
        "Child turned 3: transition meeting with the school district's preschool team.",
    ],
    "moved": ["Family moving out of the county; connected with the CMH in their new county."],
    "family_ended": ["Family chose to end services; closing letter with community resources."],
    "transferred": [
        "Transferred to outpatient infant mental health therapy at the agency.",
        "Transferred to Early Head Start home-based services.",
    ],
    "other": ["Caregiver started a full-time job; visits could not be scheduled."],
    "unplanned": ["Closing letter mailed with community resources and a phone number."],
}
REFERRALS_MADE = [
    "Early On evaluation",
    "Early Head Start",
    "Head Start",
    "Great Start Readiness Program",
    "Outpatient therapy for the caregiver",
    "Pediatric developmental clinic",
    "WIC",
    "Housing assistance",
    "Substance use treatment",
    "Parent support group",
]
TRANSFER_REASONS = [
    "Caseload rebalanced across the team.",
    "Family moved to the other side of the county.",
    "Home visitor on extended leave.",
    "Better match for the family's visit schedule.",
]
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

# Median birth weight (grams) by completed weeks of gestation, rounded.
MEDIAN_WEIGHT = {
    28: 1150,
    29: 1300,
    30: 1500,
    31: 1700,
    32: 1900,
    33: 2100,
    34: 2350,
    35: 2550,
    36: 2800,
    37: 3000,
    38: 3200,
    39: 3350,
    40: 3450,
    41: 3550,
}


@dataclass
class SeedResult:
    agencies: int
    users: int
    families: int  # every family, active or discharged
    active_families: int = 0
    discharged_families: int = 0
    reenrolled_families: int = 0
    transferred_families: int = 0
    caregivers: int = 0
    children: int = 0
    referrals: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        statuses = ", ".join(f"{n} {status}" for status, n in self.referrals.items())
        return (
            f"{self.agencies} agencies, {self.users} users, {self.families} families "
            f"({self.active_families} active of which {self.reenrolled_families} re-enrolled "
            f"and {self.transferred_families} transferred; {self.discharged_families} "
            f"discharged), {self.caregivers} caregivers, {self.children} children, "
            f"{sum(self.referrals.values())} referrals ({statuses})"
        )


@dataclass
class _Agency:
    agency: Agency
    county: County
    index: int = 0
    admin: User | None = None
    supervisors: dict[int, User] = field(default_factory=dict)  # team id -> supervisor
    visitors: list[tuple[User, Team, Decimal]] = field(default_factory=list)
    former: User | None = None
    former_team: Team | None = None
    former_end: date | None = None
    families: list[Family] = field(default_factory=list)

    def supervisor(self, team: Team | None) -> User | None:
        if team is not None and team.pk in self.supervisors:
            return self.supervisors[team.pk]
        return next(iter(self.supervisors.values()), self.admin)


@dataclass
class _Child:
    birth: date | None
    due: date | None
    ga: int | None = None
    weight: int | None = None
    name: str = ""

    @property
    def expected_on(self) -> date:
        """The due date as it stood before the birth (the birth date when unknown)."""
        if self.due is not None:
            return self.due
        return self.birth + timedelta(weeks=40 - (self.ga or 40))


@dataclass
class _Episode:
    enrolled: date
    prenatal: bool
    ga: int | None
    discharged: date | None = None
    reason: str = ""
    planned: bool | None = None


def _user(username: str, first: str, last: str, password_hash: str) -> User:
    return User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@{DEMO_EMAIL_DOMAIN}",
        password=password_hash,
    )


def draw_races(rng: random.Random) -> list[str]:
    """Race categories for one caregiver, matching `SAMPLE_RACE_SHARES` overall.

    About 5.5% decline the question. Everyone else gets one race chosen in proportion to
    the shares, and then each other race independently with the probability that brings
    its overall share to the sample's (multiracial answers make the shares sum to more
    than 100%). Unlike fully independent draws, nobody ends up with no race at all.
    """
    if rng.random() < SAMPLE_RACE_UNKNOWN:
        return ["declined"]
    wanted = {k: v / (1 - SAMPLE_RACE_UNKNOWN) for k, v in SAMPLE_RACE_SHARES.items()}
    total = sum(wanted.values())
    first = rng.choices(list(wanted), weights=list(wanted.values()))[0]
    chosen = {first}
    for race, share in wanted.items():
        alone = share / total
        if race != first and rng.random() < max(0.0, (share - alone) / (1 - alone)):
            chosen.add(race)
    return [code for code, _ in Caregiver.RACES if code in chosen]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _between(rng: random.Random, low: date, high: date) -> date:
    return low + _days(rng.randint(0, max(0, (high - low).days)))


class _Builder:
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

    # -- people -------------------------------------------------------------------------

    def _name(self) -> tuple[str, str]:
        return f"Demo {self.rng.choice(CAREGIVER_NAMES)}", self.rng.choice(CAREGIVER_LAST_NAMES)

    def _phone(self, county: County) -> str:
        return f"({county.area_code}) 555-01{self.rng.randint(0, 99):02d}"

    def _address(self, county: County) -> dict:
        town, zip3 = self.rng.choice(county.places)
        street = f"{self.rng.choice(TREES + MORE_TREES)} {self.rng.choice(STREETS)}"
        return {
            "address": f"{self.rng.randint(100, 9899)} Demo {street}",
            "city": town,
            "zip_code": f"{zip3}{self.rng.randint(1, 99):02d}",
        }

    def _medicaid_id(self) -> str:
        self.medicaid_ids += 1
        return f"DEMO{self.medicaid_ids:06d}"

    def _demographics(self) -> dict:
        rng = self.rng
        races = draw_races(rng)
        if rng.random() < SAMPLE_HISPANIC:
            hispanic = "yes"
        elif races == ["declined"] and rng.random() < 0.5:
            hispanic = "declined"
        else:
            hispanic = "no"
        language = "en"
        if hispanic == "yes" and rng.random() < 0.35:
            language = "es"
        elif "mena" in races and rng.random() < 0.45:
            language = "ar"
        elif rng.random() < 0.03:
            language = rng.choice(["vi", "bn", "zh", "sq", "fr", "asl"])
        interpreter = language == "asl" or (language != "en" and rng.random() < 0.6)
        tribal = rng.choice(TRIBES) if "aian" in races and rng.random() < 0.6 else ""
        programs: list[str] = []
        if rng.random() < SAMPLE_MEANS_TESTED:
            rates = {"medicaid": 0.85, "wic": 0.6, "snap": 0.55, "tanf": 0.1}
            rates |= {"ssi": 0.08, "housing": 0.12}
            programs = [p for p, rate in rates.items() if rng.random() < rate] or ["medicaid"]
        if "medicaid" in programs:
            insurance = "medicaid"
        else:
            insurance = _weighted(
                rng, {"private": 40, "other_public": 20, "none": 20, "unknown": 20}
            )
        education = _weighted(
            rng,
            {
                "less_hs": 18,
                "hs": 35,
                "some_college": 25,
                "associate": 8,
                "bachelor": 9,
                "unknown": 5,
            },
        )
        employment = _weighted(
            rng, {"full_time": 25, "part_time": 20, "not_employed": 40, "student": 8, "unknown": 7}
        )
        return {
            "races": races,
            "hispanic": hispanic,
            "tribal_affiliation": tribal,
            "preferred_language": language,
            "interpreter_needed": interpreter,
            "programs": programs,
            "insurance": insurance,
            "medicaid_id": self._medicaid_id() if insurance == "medicaid" else "",
            "education": education,
            "employment": employment,
        }

    def _caregivers(self, county: County, *, anchor: date) -> list[dict]:
        """A primary caregiver and sometimes a second adult (partner, kin, foster, other)."""
        rng = self.rng
        first, last = self._name()
        age = rng.randint(16, 20) if rng.random() < 0.1 else rng.randint(21, 40)
        home = self._address(county)
        primary = {
            "relationship": Caregiver.Relationship.PRIMARY,
            "first_name": first,
            "last_name": last,
            "birth_date": anchor - _days(age * 365 + rng.randint(0, 364)),
            "phone": self._phone(county),
            **home,
            **self._demographics(),
        }
        people = [primary]
        if rng.random() < 0.4:
            relationship = _weighted(
                rng,
                {
                    Caregiver.Relationship.SECONDARY: 70,
                    Caregiver.Relationship.KIN: 12,
                    Caregiver.Relationship.OTHER_ADULT: 10,
                    Caregiver.Relationship.FOSTER: 8,
                },
            )
            low, high = {
                Caregiver.Relationship.KIN: (40, 62),
                Caregiver.Relationship.FOSTER: (30, 60),
            }.get(relationship, (18, 45))
            second_first, second_last = self._name()
            if relationship != Caregiver.Relationship.FOSTER and rng.random() < 0.5:
                second_last = last
            people.append(
                {
                    "relationship": relationship,
                    "first_name": second_first,
                    "last_name": second_last,
                    "birth_date": anchor - _days(rng.randint(low, high) * 365),
                    "phone": self._phone(county),
                    **(home if relationship != "foster" else self._address(county)),
                    **self._demographics(),
                }
            )
        return people

    # -- children -----------------------------------------------------------------------

    def _gestation(self) -> tuple[int, int]:
        """(weeks, grams): about 12% preterm (28-36 weeks)."""
        rng = self.rng
        if rng.random() < 0.12:
            weeks = rng.choices(range(28, 37), weights=[1, 1, 1, 1, 2, 2, 3, 4, 5])[0]
        else:
            weeks = rng.choices(range(37, 42), weights=[10, 20, 35, 25, 10])[0]
        grams = round(MEDIAN_WEIGHT[weeks] * rng.gauss(1, 0.1) / 10) * 10
        return weeks, min(5200, max(450, grams))

    def _born(self, birth: date, *, known: bool, due_known: bool = False) -> _Child:
        weeks, grams = self._gestation()
        child = _Child(birth=birth, due=None, name=self.rng.choice(CHILD_NAMES))
        if known or self.rng.random() < 0.85:
            child.ga, child.weight = weeks, grams
            if due_known:
                child.due = birth + timedelta(weeks=40 - weeks)
        return child

    def _expected(self, due: date) -> _Child:
        return _Child(birth=None, due=due)

    @staticmethod
    def _ga_at(enrolled: date, due: date) -> int:
        return min(42, max(4, 40 - (due - enrolled).days // 7))

    # -- timelines ----------------------------------------------------------------------

    def _active_timeline(self) -> tuple[list[_Child], list[_Episode]]:
        rng, today = self.rng, self.today
        if rng.random() < 0.17:  # pregnant now
            due = today + _days(rng.randint(7, 180))
            enrolled = today - _days(rng.randint(30, max(30, 224 - (due - today).days)))
            children = [self._expected(due)]
            if rng.random() < 0.3:
                children.append(self._born(today - _days(rng.randint(420, 1060)), known=False))
            return children, [_Episode(enrolled, True, self._ga_at(enrolled, due))]
        birth = today - _days(rng.randint(0, 1090))  # 0-35 months old
        earliest = today - _days(900)  # enrolled 1-30 months ago
        latest = today - _days(30)
        if rng.random() < 0.35 or birth + _days(7) > latest:
            child = self._born(birth, known=True, due_known=True)
            enrolled = min(self._prenatal_enrollment(child), latest)
            if enrolled >= earliest:
                episode = _Episode(enrolled, True, self._ga_at(enrolled, child.due))
                return self._siblings([child], birth, enrolled), [episode]
        child = self._born(birth, known=False)
        enrolled = _between(rng, max(birth + _days(7), earliest), latest)
        return self._siblings([child], birth, enrolled), [_Episode(enrolled, False, None)]

    def _siblings(self, children: list[_Child], birth: date, enrolled: date) -> list[_Child]:
        """Sometimes a new pregnancy (begun after enrollment) or an older sibling besides
        the child born on `birth`."""
        rng, today = self.rng, self.today
        roll = rng.random()
        first_due = max(today + _days(14), enrolled + _days(281), birth + _days(365))
        if roll < 0.15 and first_due <= today + _days(180):
            children.append(self._expected(_between(rng, first_due, today + _days(180))))
        elif roll < 0.30:
            children.append(self._born(birth - _days(rng.randint(400, 1300)), known=False))
        return children

    def _prenatal_enrollment(self, child: _Child) -> date:
        """An enrollment 4-26 weeks before the due date, and always before the birth."""
        weeks_left = max(self.rng.randint(4, 26), 41 - child.ga)
        return child.due - timedelta(weeks=weeks_left)

    def _reenrolled_timeline(self) -> tuple[list[_Child], list[_Episode]]:
        rng, today = self.rng, self.today
        birth = today - _days(rng.randint(420, 1000))
        first = birth + _days(rng.randint(0, 30))
        left = first + _days(rng.randint(60, 180))
        back = left + _days(rng.randint(30, 120))
        reason = rng.choice(
            [
                Enrollment.DischargeReason.MOVED,
                Enrollment.DischargeReason.FAMILY_ENDED,
                Enrollment.DischargeReason.UNABLE_TO_LOCATE,
            ]
        )
        episodes = [
            _Episode(first, False, None, left, reason, False),
            _Episode(back, False, None),
        ]
        return [self._born(birth, known=False)], episodes

    def _discharged_timeline(self, reason: str) -> tuple[list[_Child], list[_Episode]]:
        rng = self.rng
        discharged = self.today - _days(rng.randint(14, 730))
        if reason == Enrollment.DischargeReason.AGE_LIMIT:
            birth = add_months(discharged, -36)
            if rng.random() < 0.3:
                child = self._born(birth, known=True, due_known=True)
                enrolled = self._prenatal_enrollment(child)
                return [child], [
                    _Episode(enrolled, True, self._ga_at(enrolled, child.due), discharged)
                ]
            enrolled = birth + _days(rng.randint(0, 28 * 30))
            child = self._born(birth, known=False)
            return [child], [_Episode(enrolled, False, None, discharged)]
        length = {
            Enrollment.DischargeReason.GOALS_MET: (240, 1000),
            Enrollment.DischargeReason.TRANSFERRED: (90, 700),
        }.get(reason, (30, 600))
        enrolled = discharged - _days(rng.randint(*length))
        due = enrolled + _days(7 * rng.randint(4, 26))
        weeks, grams = self._gestation()
        birth = due - timedelta(weeks=40 - weeks)
        if rng.random() < 0.3 and enrolled < birth <= discharged:
            child = _Child(birth, due, weeks, grams, rng.choice(CHILD_NAMES))
            episode = _Episode(enrolled, True, self._ga_at(enrolled, due), discharged)
        else:
            spare = max(0, 1080 - (discharged - enrolled).days)
            child = self._born(enrolled - _days(rng.randint(0, spare)), known=False)
            episode = _Episode(enrolled, False, None, discharged)
        return [child], [episode]

    # -- families -----------------------------------------------------------------------

    def family(self, ctx: _Agency, *, visitor: User, team: Team, kind: str, reason: str = ""):
        """One family with its people, consents, referral, episodes and assignments."""
        rng = self.rng
        if kind == "active":
            children, episodes = self._active_timeline()
        elif kind == "reenrolled":
            children, episodes = self._reenrolled_timeline()
            self.reenrolled += 1
        else:
            children, episodes = self._discharged_timeline(reason)
            episodes[-1].reason = reason
            episodes[-1].planned = rng.random() < DISCHARGE_MIX[reason][1]
            self.discharged += 1
        first = episodes[0]
        referral_date = first.enrolled - _days(rng.randint(7, 75))
        people = self._caregivers(ctx.county, anchor=referral_date)
        primary = people[0]
        family = Family(
            agency=ctx.agency,
            display_name=f"{primary['first_name']} {primary['last_name']}",
        )
        self.families.append(family)
        ctx.families.append(family)
        for person in people:
            self.caregivers.append(
                Caregiver(
                    family=family,
                    normalized_name=normalize_name(person["first_name"], person["last_name"]),
                    **person,
                )
            )
        for spec in children:
            self.children.append(
                Child(
                    family=family,
                    first_name=spec.name if spec.birth else "",
                    birth_date=spec.birth,
                    due_date=spec.due,
                    gestational_age_weeks=spec.ga if spec.birth else None,
                    birth_weight_grams=spec.weight if spec.birth else None,
                )
            )
        referral = self._enrolled_referral(ctx, family, people, children, referral_date, first)
        assignments = self._assignments(ctx, visitor=visitor, team=team, episodes=episodes)
        family.home_visitor = assignments[-1].home_visitor
        recorder = assignments[0].home_visitor
        for number, episode in enumerate(episodes):
            self.enrollments.append(
                Enrollment(
                    family=family,
                    referral=referral if number == 0 else None,
                    enrolled_on=episode.enrolled,
                    prenatal=episode.prenatal,
                    gestational_weeks_at_enrollment=episode.ga if episode.prenatal else None,
                    discharged_on=episode.discharged,
                    discharge_reason=episode.reason,
                    discharge_planned=episode.planned,
                    transition_plan=self._transition_plan(episode),
                    referrals_made=self._referrals_made(episode),
                    enrolled_by=ctx.admin,
                    discharged_by=ctx.supervisor(team) if episode.discharged else None,
                )
            )
        self._consents(family, first.enrolled, episodes[-1].discharged, recorder)
        return family

    def _transition_plan(self, episode: _Episode) -> str:
        if episode.discharged is None:
            return ""
        if not episode.planned:
            return self.rng.choice(TRANSITION_PLANS["unplanned"]) if self.rng.random() < 0.6 else ""
        options = TRANSITION_PLANS.get(episode.reason) or TRANSITION_PLANS["goals_met"]
        return self.rng.choice(options)

    def _referrals_made(self, episode: _Episode) -> str:
        if episode.discharged is None or (not episode.planned and self.rng.random() < 0.5):
            return ""
        made = self.rng.sample(REFERRALS_MADE, self.rng.randint(1, 3))
        if episode.reason == Enrollment.DischargeReason.AGE_LIMIT and "Head Start" not in made:
            made.insert(0, "Head Start")
        return "; ".join(made)

    def _consents(self, family: Family, given: date, ended: date | None, by: User) -> None:
        rng, last = self.rng, ended or self.today
        kinds = [Consent.Kind.SERVICES]
        if rng.random() < 0.8:
            kinds.append(Consent.Kind.DEIDENTIFIED)
        if rng.random() < 0.1:
            kinds.append(Consent.Kind.PART2)
        for kind in kinds:
            on = given if kind != Consent.Kind.PART2 else _between(rng, given, last)
            revoked = None
            revoke_rate = {Consent.Kind.DEIDENTIFIED: 0.05, Consent.Kind.PART2: 0.2}.get(kind, 0)
            if rng.random() < revoke_rate and (last - on).days > 14:
                revoked = _between(rng, on + _days(14), last)
            self.consents.append(
                Consent(family=family, kind=kind, given_on=on, revoked_on=revoked, recorded_by=by)
            )

    def _assignments(
        self, ctx: _Agency, *, visitor: User, team: Team, episodes: list[_Episode]
    ) -> list[Assignment]:
        rng, today = self.rng, self.today
        made: list[Assignment] = []
        by = ctx.supervisor(team)
        first = episodes[0]
        if len(episodes) == 2:  # re-enrolled: the first episode's visitor, then today's
            before = self._other_visitor(ctx, team, visitor) if rng.random() < 0.5 else visitor
            made.append(
                Assignment(
                    home_visitor=before,
                    start_date=first.enrolled,
                    end_date=first.discharged,
                    reason="First assignment at enrollment.",
                )
            )
            made.append(
                Assignment(
                    home_visitor=visitor,
                    start_date=episodes[1].enrolled,
                    reason="Re-enrolled after a break in services.",
                )
            )
        elif (
            first.discharged is None
            and first.enrolled <= today - _days(60)
            and (rng.random() < TRANSFER_SHARE)
        ):
            former_fits = (
                ctx.former is not None
                and ctx.former_team == team
                and first.enrolled <= ctx.former_end - _days(30)
                and rng.random() < 0.5
            )
            if former_fits:
                before, moved = ctx.former, ctx.former_end + _days(1)
                why = "Home visitor left the agency."
            else:
                before = self._other_visitor(ctx, team, visitor)
                moved = _between(rng, first.enrolled + _days(30), today - _days(7))
                why = rng.choice(TRANSFER_REASONS)
            if before is not None:
                made.append(
                    Assignment(
                        home_visitor=before,
                        start_date=first.enrolled,
                        end_date=moved - _days(1),
                        reason="First assignment at enrollment.",
                    )
                )
                made.append(Assignment(home_visitor=visitor, start_date=moved, reason=why))
                self.transferred += 1
        if not made:
            made.append(
                Assignment(
                    home_visitor=visitor,
                    start_date=first.enrolled,
                    end_date=first.discharged,
                    reason="First assignment at enrollment.",
                )
            )
        family = self.families[-1]
        for assignment in made:
            assignment.family = family
            assignment.assigned_by = by
            self.assignments.append(assignment)
        return made

    def _other_visitor(self, ctx: _Agency, team: Team, visitor: User) -> User | None:
        same_team = [u for u, t, _ in ctx.visitors if t == team and u != visitor]
        anyone = [u for u, _, _ in ctx.visitors if u != visitor]
        pool = same_team or anyone
        return self.rng.choice(pool) if pool else None

    # -- referrals ----------------------------------------------------------------------

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

    # -- writing ------------------------------------------------------------------------

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


@transaction.atomic
def seed(
    *,
    families_per_visitor: tuple[int, int] = (12, 15),
    agencies: int = 5,
    teams_per_agency: int = 2,
    visitors_per_team: int = 3,
    rng_seed: int = 2026,
    intake: bool = True,
) -> SeedResult:
    """Create the state, agencies, teams, staff in every role, families and referrals.

    `families_per_visitor` is a (low, high) range of ACTIVE families per full-time home
    visitor (the half-time visitor gets half); discharged families come on top. With
    `intake=False` no referral is made besides those the families were enrolled from.
    """
    rng = random.Random(rng_seed)
    today = timezone.localdate()
    # One Argon2 hash shared by every demo account: they share one published password.
    password_hash = make_password(DEMO_PASSWORD)
    state, _ = State.objects.get_or_create(code="MI", defaults={"name": "Michigan"})
    start = today - _days(STAFF_YEARS * 365)
    former_end = today - _days(30)
    users: list[User] = []
    memberships: list[tuple[User, dict]] = []
    contexts: list[_Agency] = []

    def add_user(username: str, last: str, role: Role, **membership) -> User:
        first = STAFF_NAMES[len(users) % len(STAFF_NAMES)]
        user = _user(username, f"Demo {first}", last, password_hash)
        users.append(user)
        memberships.append((user, {"role": role, "start_date": start, **membership}))
        return user

    add_user("state.admin", "State-Admin", Role.STATE_ADMIN)
    add_user("evaluator", "Evaluator", Role.EVALUATOR)
    for a_index, county in enumerate(COUNTIES[:agencies]):
        agency = Agency.objects.create(
            state=state, name=f"{county.name} County CMH (demo)", county=county.name
        )
        ctx = _Agency(agency=agency, county=county, index=a_index)
        contexts.append(ctx)
        slug = county.name.lower()
        ctx.admin = add_user(
            f"admin.{slug}", f"{county.name}-Admin", Role.AGENCY_ADMIN, agency=agency
        )
        for t_index in range(teams_per_agency):
            team = Team.objects.create(agency=agency, name=f"Team {chr(ord('A') + t_index)}")
            letter = chr(ord("a") + t_index)
            ctx.supervisors[team.pk] = add_user(
                f"sup.{slug}.{letter}",
                f"{county.name}-Supervisor",
                Role.SUPERVISOR,
                agency=agency,
                team=team,
            )
            for v_index in range(1, visitors_per_team + 1):
                # The last visitor of the first agency's first team works half time.
                fte = (
                    Decimal("0.50")
                    if (a_index, t_index, v_index) == (0, 0, visitors_per_team)
                    else Decimal("1.00")
                )
                user = add_user(
                    f"hv.{slug}.{letter}{v_index}",
                    f"{county.name}-Visitor",
                    Role.HOME_VISITOR,
                    agency=agency,
                    team=team,
                    fte=fte,
                )
                ctx.visitors.append((user, team, fte))
    # An account whose membership ended: signs in, sees nothing.
    former = _user("former.visitor", "Demo Former", "Visitor", password_hash)
    users.append(former)
    User.objects.bulk_create(users)
    rows = [Membership(user=u, **m) for u, m in memberships]
    if contexts:
        first = contexts[0]
        first.former, first.former_end = former, former_end
        first.former_team = first.agency.teams.order_by("pk").first()
        rows.append(
            Membership(
                user=former,
                role=Role.HOME_VISITOR,
                agency=first.agency,
                team=first.former_team,
                start_date=start,
                end_date=former_end,
            )
        )
    Membership.objects.bulk_create(rows)

    build = _Builder(rng, today)
    low, high = families_per_visitor
    reasons = list(DISCHARGE_MIX)
    weights = [w for w, _ in DISCHARGE_MIX.values()]
    for ctx in contexts:
        slots = []
        for user, team, fte in ctx.visitors:
            n = rng.randint(low, high)
            if fte < 1 and n:
                n = max(1, round(n * float(fte)))
            slots += [(user, team)] * n
        reenrolled = set(rng.sample(range(len(slots)), min(REENROLLED_PER_AGENCY, len(slots))))
        for number, (user, team) in enumerate(slots):
            kind = "reenrolled" if number in reenrolled else "active"
            build.family(ctx, visitor=user, team=team, kind=kind)
        # Discharged families: about DISCHARGED_SHARE of all the agency ever served.
        n_discharged = round(len(slots) * DISCHARGED_SHARE / (1 - DISCHARGED_SHARE))
        for number in range(n_discharged):
            # Cycle the reasons first so every mix has each; then draw by weight.
            reason = reasons[number] if number < len(reasons) else rng.choices(reasons, weights)[0]
            user, team, _ = rng.choice(ctx.visitors)
            build.family(ctx, visitor=user, team=team, kind="discharged", reason=reason)
        if intake:
            build.intake(ctx)
    build.save()

    statuses = dict.fromkeys(Referral.Status.values, 0)
    for referral in build.referrals:
        statuses[referral.status] += 1
    return SeedResult(
        agencies=len(contexts),
        users=len(users),
        families=len(build.families),
        active_families=len(build.families) - build.discharged,
        discharged_families=build.discharged,
        reenrolled_families=build.reenrolled,
        transferred_families=build.transferred,
        caregivers=len(build.caregivers),
        children=len(build.children),
        referrals=statuses,
    )


@transaction.atomic
def add_waiting_referrals(n: int, *, rng_seed: int = 5000) -> int:
    """`n` more eligible referrals waiting, spread over every agency (for benchmarks)."""
    agencies = list(Agency.objects.order_by("pk"))
    if not agencies or n <= 0:
        return 0
    by_name = {c.name: c for c in COUNTIES}
    contexts = [
        _Agency(agency=a, county=by_name.get(a.county, COUNTIES[0]), index=-1) for a in agencies
    ]
    build = _Builder(random.Random(rng_seed), timezone.localdate())
    build.medicaid_ids = Referral.objects.count() + 500_000  # clear of the seed's ids
    for number in range(n):
        build.waiting_referral(contexts[number % len(contexts)])
    build.save()
    return len(build.referrals)
