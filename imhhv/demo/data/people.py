"""Caregivers: names, telephone numbers, addresses and demographics drawn to match the
evaluated sample of the federal review (`SAMPLE_*`)."""

import random
from datetime import date

from imhhv.demo.data.common import _days, _weighted
from imhhv.demo.data.names import (
    CAREGIVER_LAST_NAMES,
    CAREGIVER_NAMES,
    MORE_TREES,
    STREETS,
    TREES,
    TRIBES,
)
from imhhv.demo.data.organisation import County
from imhhv.families.models import Caregiver

# --- the evaluated sample (../shared/seeds/001_…txt, "Research Characteristics") -------
# Shares of all participants. Race categories may sum to more than 100% (more than one
# race); "Unknown" is drawn as the caregiver declining the race question.
SAMPLE_RACE_SHARES = {"aian": 0.068, "black": 0.370, "mena": 0.055, "white": 0.726}
SAMPLE_RACE_UNKNOWN = 0.055
SAMPLE_HISPANIC = 0.123
SAMPLE_MEANS_TESTED = 0.452


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


class PeopleMixin:
    """The builder's caregivers (see `builder.Builder`)."""

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
