"""Eligibility screening for enrollment (DOMAIN.md §2-3).

A family is eligible when three things hold on the screening date:

1. someone to serve: a pregnancy, or a child under the age limit (a policy setting,
   36 months by default; older statewide text says the 2nd birthday);
2. need: at least one parent or child risk factor;
3. funding: Medicaid enrolled, eligible or pending, or another funding source recorded.

The screening returns every reason, met or not, so a supervisor can see why a family was
(or was not) found eligible without redoing the arithmetic.

"Pregnant under 21" is derived, not only ticked: when the referral records a pregnancy and
the pregnant caregiver's birth date makes them under 21 on the screening date, the risk
factor counts even if nobody ticked it, with a reason saying it was derived. Which
caregiver is pregnant is not recorded, so the caller passes the primary (first-listed)
caregiver's birth date, the person intake writes down first. When the ticked factors
contradict the dates (ticked, but that caregiver is 21 or older, or no pregnancy is
recorded), the tick still counts (the person at intake may know what the dates do not,
e.g. a birth date typed wrong), and the screening carries a warning to check it.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from imhhv.core.ages import age_in_months

# Reference list of risk factors: (code, label, applies_to). An administrator can extend
# the list; pass the extended codes (or a code -> label mapping) as `known_risk_factors`.
RISK_FACTORS: tuple[tuple[str, str, str], ...] = (
    ("trauma_loss", "Experiences of trauma, loss, abuse or neglect", "parent"),
    ("mental_illness", "Depression or other mental illness", "parent"),
    ("substance_use", "Substance use", "parent"),
    ("domestic_violence", "Domestic violence", "parent"),
    ("low_income", "Poverty or low income", "parent"),
    ("young_parent", "Pregnant under 21", "parent"),
    ("child_welfare", "History of child abuse or neglect, or child-welfare involvement", "parent"),
    ("complex_needs", "More than one young child with complex co-occurring needs", "parent"),
    ("social_emotional", "Social-emotional or regulatory concerns", "child"),
    ("developmental_delay", "Developmental delay or disability", "child"),
    ("premature_fragile", "Prematurity or medical fragility", "child"),
)
RISK_FACTOR_LABELS: dict[str, str] = {code: label for code, label, _ in RISK_FACTORS}

MEDICAID_STATUSES = ("enrolled", "eligible", "pending", "not_eligible", "unknown")
# Statuses that count as Medicaid funding for the screening.
MEDICAID_FUNDED = frozenset({"enrolled", "eligible", "pending"})
MEDICAID_STATUS_LABELS = {
    "enrolled": "enrolled",
    "eligible": "eligible",
    "pending": "application pending",
    "not_eligible": "not eligible",
    "unknown": "status unknown",
}

DEFAULT_AGE_LIMIT_MONTHS = 36


YOUNG_PARENT = "young_parent"
YOUNG_PARENT_AGE_YEARS = 21


@dataclass(frozen=True)
class Screening:
    eligible: bool
    reasons: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def screen(
    *,
    screening_date: date,
    pregnant: bool,
    child_birth_dates: Sequence[date],
    risk_factors: Collection[str],
    medicaid_status: str,
    other_funding: str = "",
    age_limit_months: int = DEFAULT_AGE_LIMIT_MONTHS,
    known_risk_factors: Collection[str] | None = None,
    pregnant_caregiver_birth_date: date | None = None,
) -> Screening:
    """Screen a family for enrollment; see the module docstring for the rule.

    Children born after `screening_date` are ignored (not born yet). Unknown risk factor
    codes or Medicaid statuses raise ValueError: the caller validates input first, so
    reaching here with a bad code is a programming error, not a screening outcome.
    """
    if age_limit_months < 1:
        raise ValueError("the age limit must be at least 1 month")
    if medicaid_status not in MEDICAID_STATUSES:
        raise ValueError(f"unknown Medicaid status: {medicaid_status!r}")
    known = RISK_FACTOR_LABELS if known_risk_factors is None else known_risk_factors
    codes = _checked_risk_codes(risk_factors, known)
    derived, young_reasons, warnings = _young_parent(
        screening_date, pregnant, pregnant_caregiver_birth_date, ticked=YOUNG_PARENT in codes
    )
    if derived:
        codes = _checked_risk_codes([*codes, YOUNG_PARENT], [*known, YOUNG_PARENT])

    served, served_reasons = _who_is_served(
        screening_date, pregnant, child_birth_dates, age_limit_months
    )
    funded, funding_reasons = _funding(medicaid_status, other_funding)
    reasons = (*served_reasons, _risk_reason(codes, known), *young_reasons, *funding_reasons)
    return Screening(
        eligible=served and bool(codes) and funded, reasons=reasons, warnings=tuple(warnings)
    )


def age_in_years(birth: date, on: date) -> int:
    """Completed years on `on` (a 29 February birthday is reached on 28 February)."""
    return age_in_months(birth, on) // 12


def _young_parent(
    screening_date: date, pregnant: bool, birth: date | None, *, ticked: bool
) -> tuple[bool, list[str], list[str]]:
    """(derive the factor?, reasons, warnings) for "pregnant under 21" from the dates."""
    label = RISK_FACTOR_LABELS[YOUNG_PARENT]
    if birth is None or birth > screening_date:
        if ticked and not pregnant:
            return False, [], [f"'{label}' is ticked, but no pregnancy is recorded."]
        return False, [], []
    years = age_in_years(birth, screening_date)
    young = years < YOUNG_PARENT_AGE_YEARS
    if pregnant and young and not ticked:
        return (
            True,
            [
                f"{label}: derived from the pregnant caregiver's birth date "
                f"({years} years old on the screening date)."
            ],
            [],
        )
    warnings = []
    if ticked and not pregnant:
        warnings.append(f"'{label}' is ticked, but no pregnancy is recorded.")
    elif ticked and not young:
        warnings.append(
            f"'{label}' is ticked, but the pregnant caregiver is {years} years old on the "
            "screening date: check the birth date or the risk factors."
        )
    return False, [], warnings


def _checked_risk_codes(risk_factors: Collection[str], known: Collection[str]) -> list[str]:
    """The distinct risk codes in reference-list order; ValueError naming unknown ones."""
    unknown = sorted({code for code in risk_factors if code not in known})
    if unknown:
        raise ValueError(f"unknown risk factor code(s): {', '.join(unknown)}")
    order = {code: index for index, (code, _, _) in enumerate(RISK_FACTORS)}
    return sorted(set(risk_factors), key=lambda code: (order.get(code, len(order)), code))


def _risk_label(code: str, known: Collection[str]) -> str:
    if isinstance(known, Mapping) and known.get(code):
        return str(known[code])
    return RISK_FACTOR_LABELS.get(code, code)


def _risk_reason(codes: list[str], known: Collection[str]) -> str:
    if not codes:
        return "No risk factor recorded."
    labels = "; ".join(_risk_label(code, known) for code in codes)
    return f"Risk factors: {len(codes)} ({labels})."


def _who_is_served(
    screening_date: date, pregnant: bool, births: Sequence[date], limit: int
) -> tuple[bool, list[str]]:
    """Whether there is a pregnancy or a child under the limit, with a reason per child."""
    reasons = ["Pregnant."] if pregnant else []
    any_under = False
    for birth in sorted(births):
        if birth > screening_date:
            continue  # not born yet on the screening date
        months = age_in_months(birth, screening_date)
        age = f"{months} month{'' if months == 1 else 's'} old"
        under = months < limit
        any_under = any_under or under
        where = "under" if under else "at or over"
        reasons.append(f"Child born {birth.isoformat()} is {age}, {where} the {limit}-month limit.")
    if not pregnant and not any_under:
        reasons.append(f"No child under {limit} months and not pregnant.")
    return pregnant or any_under, reasons


def _funding(medicaid_status: str, other_funding: str) -> tuple[bool, list[str]]:
    reasons = [f"Medicaid: {MEDICAID_STATUS_LABELS[medicaid_status]}."]
    other = " ".join(other_funding.split())
    if other:
        reasons.append(f"Other funding: {other.rstrip('.')}.")
    funded = medicaid_status in MEDICAID_FUNDED or bool(other)
    if not funded:
        reasons.append("No Medicaid eligibility and no other funding source recorded.")
    return funded, reasons
