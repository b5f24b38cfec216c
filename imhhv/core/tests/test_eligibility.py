from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.ages import add_months
from imhhv.core.eligibility import (
    MEDICAID_FUNDED,
    MEDICAID_STATUSES,
    RISK_FACTORS,
    screen,
)

TODAY = date(2026, 11, 1)
CODES = [code for code, _, _ in RISK_FACTORS]


def family(**overrides):
    fields = {
        "screening_date": TODAY,
        "pregnant": False,
        "child_birth_dates": [date(2024, 5, 1)],
        "risk_factors": ["substance_use"],
        "medicaid_status": "enrolled",
    }
    return {**fields, **overrides}


def test_reference_list_shape():
    assert len(CODES) == len(set(CODES)) == 11
    assert {applies for _, _, applies in RISK_FACTORS} == {"parent", "child"}
    assert [c for c, _, a in RISK_FACTORS if a == "child"] == [
        "social_emotional",
        "developmental_delay",
        "premature_fragile",
    ]


def test_eligible_family_gets_every_reason():
    result = screen(**family(risk_factors=["substance_use", "trauma_loss"]))
    assert result.eligible
    assert result.reasons == (
        "Child born 2024-05-01 is 30 months old, under the 36-month limit.",
        "Risk factors: 2 (Experiences of trauma, loss, abuse or neglect; Substance use).",
        "Medicaid: enrolled.",
    )


def test_the_day_before_the_third_birthday_is_under_the_limit():
    result = screen(**family(child_birth_dates=[date(2023, 11, 2)]))
    assert result.eligible
    assert "Child born 2023-11-02 is 35 months old, under the 36-month limit." in result.reasons


def test_on_the_third_birthday_the_child_is_over_the_limit():
    result = screen(**family(child_birth_dates=[date(2023, 11, 1)]))
    assert not result.eligible
    assert result.reasons[:2] == (
        "Child born 2023-11-01 is 36 months old, at or over the 36-month limit.",
        "No child under 36 months and not pregnant.",
    )


def test_pregnancy_without_children_is_enough():
    result = screen(**family(pregnant=True, child_birth_dates=[]))
    assert result.eligible
    assert result.reasons[0] == "Pregnant."


def test_pregnancy_with_an_older_child():
    result = screen(**family(pregnant=True, child_birth_dates=[date(2022, 1, 1)]))
    assert result.eligible
    assert result.reasons[:2] == (
        "Pregnant.",
        "Child born 2022-01-01 is 58 months old, at or over the 36-month limit.",
    )


def test_no_child_and_not_pregnant():
    result = screen(**family(child_birth_dates=[]))
    assert not result.eligible
    assert result.reasons[0] == "No child under 36 months and not pregnant."


def test_a_child_not_yet_born_on_the_screening_date_is_ignored():
    result = screen(**family(child_birth_dates=[TODAY + timedelta(days=1)]))
    assert not result.eligible
    assert result.reasons[0] == "No child under 36 months and not pregnant."


def test_newborn_on_the_screening_date_counts():
    result = screen(**family(child_birth_dates=[TODAY]))
    assert result.eligible
    assert result.reasons[0] == "Child born 2026-11-01 is 0 months old, under the 36-month limit."


def test_no_risk_factor():
    result = screen(**family(risk_factors=[]))
    assert not result.eligible
    assert "No risk factor recorded." in result.reasons


def test_funding_missing():
    result = screen(**family(medicaid_status="not_eligible"))
    assert not result.eligible
    assert result.reasons[-2:] == (
        "Medicaid: not eligible.",
        "No Medicaid eligibility and no other funding source recorded.",
    )


def test_blank_other_funding_does_not_count():
    result = screen(**family(medicaid_status="unknown", other_funding="   "))
    assert not result.eligible


def test_other_funding_only():
    result = screen(**family(medicaid_status="unknown", other_funding="County millage"))
    assert result.eligible
    assert result.reasons[-2:] == ("Medicaid: status unknown.", "Other funding: County millage.")


@pytest.mark.parametrize("status", ["enrolled", "eligible", "pending"])
def test_medicaid_statuses_that_fund(status):
    assert screen(**family(medicaid_status=status)).eligible


def test_unknown_risk_code_raises_naming_it():
    with pytest.raises(ValueError, match="bad_luck"):
        screen(**family(risk_factors=["substance_use", "bad_luck"]))


def test_unknown_medicaid_status_raises():
    with pytest.raises(ValueError, match="maybe"):
        screen(**family(medicaid_status="maybe"))


def test_extended_reference_list():
    known = {**{c: label for c, label, _ in RISK_FACTORS}, "housing": "Housing instability"}
    result = screen(**family(risk_factors=["housing"], known_risk_factors=known))
    assert result.eligible
    assert "Risk factors: 1 (Housing instability)." in result.reasons
    # a plain collection of codes also works; the code stands in for a missing label
    result = screen(**family(risk_factors=["housing"], known_risk_factors={"housing"}))
    assert "Risk factors: 1 (housing)." in result.reasons
    with pytest.raises(ValueError, match="substance_use"):
        screen(**family(known_risk_factors={"housing"}))


def test_age_limit_of_24_months():
    birth = date(2024, 11, 1)  # 24 months old on the screening date
    result = screen(**family(child_birth_dates=[birth], age_limit_months=24))
    assert not result.eligible
    assert result.reasons[:2] == (
        "Child born 2024-11-01 is 24 months old, at or over the 24-month limit.",
        "No child under 24 months and not pregnant.",
    )
    result = screen(**family(child_birth_dates=[birth + timedelta(days=1)], age_limit_months=24))
    assert result.eligible
    assert result.reasons[0] == "Child born 2024-11-02 is 23 months old, under the 24-month limit."
    assert screen(**family(child_birth_dates=[birth])).eligible  # default 36 months


screenings = st.fixed_dictionaries(
    {
        "screening_date": st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
        "pregnant": st.booleans(),
        "child_birth_dates": st.lists(
            st.dates(min_value=date(2010, 1, 1), max_value=date(2036, 12, 31)), max_size=4
        ),
        "risk_factors": st.sets(st.sampled_from(CODES), max_size=4),
        "medicaid_status": st.sampled_from(MEDICAID_STATUSES),
        "other_funding": st.sampled_from(["", "  ", "Grant"]),
        "age_limit_months": st.sampled_from([24, 36]),
    }
)


@given(screenings)
def test_eligible_iff_the_three_conditions_hold(f):
    day, limit = f["screening_date"], f["age_limit_months"]
    child_under = any(b <= day < add_months(b, limit) for b in f["child_birth_dates"])
    expected = (
        (f["pregnant"] or child_under)
        and bool(f["risk_factors"])
        and (f["medicaid_status"] in MEDICAID_FUNDED or bool(f["other_funding"].strip()))
    )
    result = screen(**f)
    assert result.eligible is expected
    assert result.reasons
    assert all(reason.endswith(".") and reason[0].isupper() for reason in result.reasons)


@given(screenings, st.sampled_from(CODES))
def test_adding_a_risk_factor_never_makes_a_family_ineligible(f, extra):
    before = screen(**f)
    after = screen(**{**f, "risk_factors": f["risk_factors"] | {extra}})
    assert after.eligible or not before.eligible


# --- "pregnant under 21" derived from the pregnant caregiver's birth date ----------------
#
# Finding (issue 7): a pregnant 17-year-old without the box ticked screened ineligible.


def pregnant_family(birth, **overrides):
    fields = {"pregnant": True, "child_birth_dates": [], "risk_factors": []}
    return family(**{**fields, "pregnant_caregiver_birth_date": birth, **overrides})


def test_a_pregnant_17_year_old_without_the_box_ticked_is_eligible_with_the_reason():
    result = screen(**pregnant_family(date(2009, 5, 1)))  # 17 on 1 November 2026
    assert result.eligible
    assert "Risk factors: 1 (Pregnant under 21)." in result.reasons
    assert (
        "Pregnant under 21: derived from the pregnant caregiver's birth date "
        "(17 years old on the screening date)." in result.reasons
    )
    assert result.warnings == ()


def test_the_day_before_the_21st_birthday_is_under_21_and_on_it_is_not():
    assert screen(**pregnant_family(date(2005, 11, 2))).eligible
    on_birthday = screen(**pregnant_family(date(2005, 11, 1)))
    assert not on_birthday.eligible
    assert "No risk factor recorded." in on_birthday.reasons


def test_no_derivation_without_a_pregnancy_or_a_birth_date():
    assert not screen(**pregnant_family(None)).eligible
    young_not_pregnant = family(risk_factors=[], pregnant_caregiver_birth_date=date(2009, 5, 1))
    assert not screen(**young_not_pregnant).eligible


def test_ticked_but_the_pregnant_caregiver_is_25_warns_and_still_counts():
    result = screen(**pregnant_family(date(2001, 6, 1), risk_factors=["young_parent"]))
    assert result.eligible
    assert result.warnings == (
        "'Pregnant under 21' is ticked, but the pregnant caregiver is 25 years old on the "
        "screening date: check the birth date or the risk factors.",
    )


def test_ticked_without_a_pregnancy_warns():
    result = screen(**family(risk_factors=["young_parent"]))
    assert result.warnings == ("'Pregnant under 21' is ticked, but no pregnancy is recorded.",)


def test_ticked_and_young_is_neither_derived_twice_nor_warned():
    result = screen(**pregnant_family(date(2009, 5, 1), risk_factors=["young_parent"]))
    assert result.eligible and result.warnings == ()
    assert "Risk factors: 1 (Pregnant under 21)." in result.reasons
    assert not any("derived" in reason for reason in result.reasons)


@given(
    birth=st.dates(min_value=date(1960, 1, 1), max_value=TODAY),
    pregnant=st.booleans(),
    ticked=st.booleans(),
)
def test_young_parent_counts_exactly_when_ticked_or_pregnant_and_under_21(birth, pregnant, ticked):
    result = screen(
        **family(
            pregnant=pregnant,
            child_birth_dates=[],
            risk_factors=["young_parent"] if ticked else [],
            pregnant_caregiver_birth_date=birth,
        )
    )
    under_21 = add_months(birth, 12 * 21) > TODAY
    counts = ticked or (pregnant and under_21)
    assert result.eligible == (pregnant and counts)
    assert ("Risk factors: 1 (Pregnant under 21)." in result.reasons) == counts
    contradicted = ticked and (not pregnant or not under_21)
    assert bool(result.warnings) == contradicted
