from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core import workforce as wf
from imhhv.core.workforce import (
    DEFAULT_POLICY,
    DUE_SOON,
    MET,
    NOT_MET,
    Collaborative,
    Degree,
    Endorsement,
    License,
    SelfAssessment,
    StaffFacts,
    SupervisionSession,
    TrainingEntry,
    Waiver,
    fiscal_year,
    fiscal_year_end,
    fiscal_year_start,
    may_carry_families,
    requirements,
    status_rank,
    weekly_supervision_share,
)

TODAY = date(2026, 12, 1)  # FY2027, day 62 of 365
IFS = Endorsement(wf.INFANT_FAMILY_SPECIALIST, wf.ENDORSED, date(2023, 1, 10), date(2024, 3, 1))
IMHS = Endorsement(wf.IMH_SPECIALIST, wf.ENDORSED, date(2022, 1, 10), date(2023, 5, 1))
DISCUSSED = SelfAssessment(date(2025, 1, 2), date(2025, 1, 6))


def visitor(**changes) -> StaffFacts:
    base = StaffFacts(
        role=wf.HOME_VISITOR,
        role_started_on=date(2025, 1, 6),
        first_family_on=date(2025, 1, 13),
        degrees=(Degree("master", "social work"),),
        licenses=(License("LMSW", date(2024, 1, 1), date(2028, 1, 1)),),
        endorsements=(IFS,),
        self_assessment=DISCUSSED,
        collaboratives=(Collaborative(date(2025, 2, 1), date(2026, 1, 31), date(2026, 1, 31)),),
    )
    return replace(base, **changes)


def rule(facts: StaffFacts, name: str, today: date = TODAY) -> wf.Requirement:
    return next(r for r in requirements(facts, today) if r.name == name)


# ---------------------------------------------------------------- fiscal year


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2026, 9, 30), 2026),
        (date(2026, 10, 1), 2027),
        (date(2027, 9, 30), 2027),
        (date(2027, 10, 1), 2028),
    ],
)
def test_fiscal_year_turns_on_1_october(day, fy):
    assert fiscal_year(day) == fy


def test_fiscal_year_bounds():
    assert fiscal_year_start(2027) == date(2026, 10, 1)
    assert fiscal_year_end(2027) == date(2027, 9, 30)


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 30))


@given(dates)
def test_fiscal_year_changes_only_on_1_october(day):
    nxt = day + timedelta(days=1)
    assert fiscal_year(nxt) >= fiscal_year(day)
    changed = fiscal_year(nxt) != fiscal_year(day)
    assert changed == (nxt.month == 10 and nxt.day == 1)
    assert fiscal_year_start(fiscal_year(day)) <= day <= fiscal_year_end(fiscal_year(day))


# ---------------------------------------------------------------- degree and license


def test_degree_master_met_bachelor_not():
    assert rule(visitor(), wf.DEGREE).status == MET
    assert rule(visitor(degrees=(Degree("bachelor"),)), wf.DEGREE).status == NOT_MET


@pytest.mark.parametrize(
    ("days", "status"), [(61, MET), (60, DUE_SOON), (0, DUE_SOON), (-1, NOT_MET)]
)
def test_license_due_soon_window(days, status):
    lic = License("LMSW", date(2024, 1, 1), TODAY + timedelta(days=days))
    result = rule(visitor(licenses=(lic,)), wf.LICENSE)
    assert result.status == status
    if status == NOT_MET:
        assert "expired" in result.reason
    else:
        assert result.next_due == lic.expires_on


def test_license_renewed_counts_the_latest():
    old = License("LMSW", date(2022, 1, 1), TODAY + timedelta(days=10))
    new = License("LMSW", date(2026, 11, 1), date(2029, 1, 1))
    assert rule(visitor(licenses=(old, new)), wf.LICENSE).status == MET


def test_no_license_not_met():
    assert rule(visitor(licenses=()), wf.LICENSE).status == NOT_MET


# ---------------------------------------------------------------- endorsement


def test_ifs_met_but_says_imhs_preferred():
    result = rule(visitor(), wf.ENDORSEMENT)
    assert result.status == MET
    assert "Infant Mental Health Specialist is preferred" in result.reason


def test_imhs_met_without_preference_note():
    result = rule(visitor(endorsements=(IMHS,)), wf.ENDORSEMENT)
    assert result.status == MET and "preferred" not in result.reason


def test_waiver_is_per_fiscal_year():
    ifa = Endorsement(wf.INFANT_FAMILY_ASSOCIATE, wf.ENDORSED, endorsed_on=date(2024, 1, 1))
    waived = visitor(
        endorsements=(ifa,), waivers=(Waiver(2027, date(2026, 9, 1), date(2026, 9, 20)),)
    )
    assert rule(waived, wf.ENDORSEMENT).status == MET
    assert rule(waived, wf.ENDORSEMENT).next_due == date(2027, 9, 30)
    # the same waiver does not cover FY2028 (1 October 2027 onward)
    assert rule(waived, wf.ENDORSEMENT, date(2027, 10, 1)).status == NOT_MET
    pending = visitor(endorsements=(), waivers=(Waiver(2027, date(2026, 11, 1)),))
    assert "not approved" in rule(pending, wf.ENDORSEMENT).reason
    assert rule(pending, wf.ENDORSEMENT).status == NOT_MET


def test_lapsed_endorsement_does_not_count():
    lapsed = replace(IFS, status=wf.LAPSED)
    assert rule(visitor(endorsements=(lapsed,)), wf.ENDORSEMENT).status == NOT_MET


# ---------------------------------------------------------------- supervisors


def supervisor(**changes) -> StaffFacts:
    return replace(
        visitor(role=wf.SUPERVISOR, endorsements=(IMHS,), psychotherapy_coursework=True),
        **changes,
    )


def test_supervisor_rules():
    names = [r.name for r in requirements(supervisor(), TODAY)]
    assert wf.COURSEWORK in names and wf.SELF_ASSESSMENT not in names
    assert rule(supervisor(), wf.ENDORSEMENT).status == MET
    working = Endorsement(wf.IMH_SPECIALIST, wf.REGISTERED, registered_on=date(2025, 5, 1))
    assert rule(supervisor(endorsements=(IFS, working)), wf.ENDORSEMENT).status == MET
    assert rule(supervisor(endorsements=(IFS,)), wf.ENDORSEMENT).status == NOT_MET
    assert rule(supervisor(psychotherapy_coursework=None), wf.COURSEWORK).status == NOT_MET


# ---------------------------------------------------------------- self-assessment


def test_self_assessment_before_first_family():
    assert rule(visitor(), wf.SELF_ASSESSMENT).status == MET
    same_day = visitor(first_family_on=DISCUSSED.discussed_on)
    assert rule(same_day, wf.SELF_ASSESSMENT).status == MET
    late = visitor(first_family_on=date(2025, 1, 5))
    assert rule(late, wf.SELF_ASSESSMENT).status == NOT_MET
    none = visitor(self_assessment=SelfAssessment(date(2025, 1, 2)))
    assert rule(none, wf.SELF_ASSESSMENT).status == NOT_MET
    fresh = visitor(self_assessment=None, first_family_on=None)
    assert rule(fresh, wf.SELF_ASSESSMENT).status == DUE_SOON


# ---------------------------------------------------------------- learning collaborative


def test_collaborative_within_first_year():
    new = visitor(role_started_on=date(2026, 6, 1), collaboratives=())
    assert rule(new, wf.COLLABORATIVE).status == DUE_SOON
    assert rule(new, wf.COLLABORATIVE).next_due == date(2027, 6, 1)
    assert rule(new, wf.COLLABORATIVE, date(2027, 6, 2)).status == NOT_MET
    running = replace(new, collaboratives=(Collaborative(date(2026, 10, 1), date(2027, 9, 30)),))
    assert rule(running, wf.COLLABORATIVE).status == MET
    assert rule(visitor(), wf.COLLABORATIVE).status == MET
    dropped = replace(new, collaboratives=(Collaborative(date(2026, 7, 1), date(2026, 11, 1)),))
    assert rule(dropped, wf.COLLABORATIVE).status == DUE_SOON


# ---------------------------------------------------------------- continuing education


def ce_facts(*entries: TrainingEntry) -> StaffFacts:
    return visitor(training=entries)


def test_ce_pace_exactly_on_the_day():
    # 24 h over 365 days; 1 Oct..1 Dec 2026 is 62 days: expected 24*62/365 hours
    expected = Fraction(24 * 62, 365)
    exact = ce_facts(TrainingEntry(TODAY, expected, wf.CHILDREN_MENTAL_HEALTH))
    assert rule(exact, wf.CONTINUING_EDUCATION).status == MET
    short = ce_facts(TrainingEntry(TODAY, expected - Fraction(1, 1000), wf.CHILDREN_MENTAL_HEALTH))
    result = rule(short, wf.CONTINUING_EDUCATION)
    assert result.status == DUE_SOON and "behind pace" in result.reason
    assert result.next_due == date(2027, 9, 30)


def test_ce_counts_only_this_fiscal_year_and_counted_categories():
    facts = ce_facts(
        TrainingEntry(date(2026, 9, 30), 24, wf.CHILDREN_MENTAL_HEALTH),  # FY2026
        TrainingEntry(TODAY, 24, wf.OTHER),
    )
    assert rule(facts, wf.CONTINUING_EDUCATION).status == DUE_SOON
    done = ce_facts(TrainingEntry(date(2026, 10, 1), 24, wf.RELATIONSHIP_BASED))
    assert rule(done, wf.CONTINUING_EDUCATION).status == MET


def test_ce_year_over_and_short_is_not_met():
    status, _ = wf.pace_status(23, 24, date(2025, 10, 1), date(2026, 9, 30), date(2026, 10, 1))
    assert status == NOT_MET
    assert wf.pace_status(24, 24, date(2025, 10, 1), date(2026, 9, 30), date(2026, 10, 1))[0] == MET


def test_ce_prorated_for_a_start_mid_year():
    late = visitor(role_started_on=date(2027, 4, 1))  # 183 of 365 days in role
    result = rule(late, wf.CONTINUING_EDUCATION, date(2027, 4, 1))
    assert "of 12 continuing-education" in result.reason


# ---------------------------------------------------------------- relationship-based hours


def test_relationship_hours_per_endorsement_year():
    # IFS endorsed 1 March 2024: the endorsement year is 1 March 2026 – 28 February 2027
    facts = visitor(
        training=(
            TrainingEntry(date(2026, 2, 28), 15, wf.RELATIONSHIP_BASED),  # previous year
            TrainingEntry(date(2026, 3, 1), 15, wf.RELATIONSHIP_BASED),
        )
    )
    assert rule(facts, wf.RELATIONSHIP_HOURS).status == MET
    assert rule(facts, wf.RELATIONSHIP_HOURS).next_due == date(2027, 2, 28)
    before = visitor(training=(TrainingEntry(date(2026, 2, 28), 15, wf.RELATIONSHIP_BASED),))
    assert rule(before, wf.RELATIONSHIP_HOURS).status == DUE_SOON


# ---------------------------------------------------------------- supervision hours


def test_supervision_hours_toward_next_endorsement():
    # IFS held: working toward IMH Specialist, 50 hours; registered 1 Dec 2025
    toward = Endorsement(wf.IMH_SPECIALIST, wf.REGISTERED, registered_on=date(2025, 12, 1))
    sessions = tuple(
        SupervisionSession(date(2025, 12, 1) + timedelta(weeks=i), 1) for i in range(26)
    )
    facts = visitor(endorsements=(IFS, toward), supervision=sessions)
    result = rule(facts, wf.SUPERVISION_HOURS)
    assert result.status == MET and "26 of 50" in result.reason  # 25 expected by today
    assert result.next_due == date(2027, 11, 30)
    assert rule(visitor(endorsements=(IMHS,)), wf.SUPERVISION_HOURS).status == MET
    unendorsed = visitor(endorsements=(), role_started_on=date(2026, 6, 1))
    assert "of 24" in rule(unendorsed, wf.SUPERVISION_HOURS).reason


# ---------------------------------------------------------------- may carry families


def test_may_carry_families():
    assert may_carry_families(visitor(), TODAY) == (True, [])
    ok, reasons = may_carry_families(visitor(self_assessment=None, endorsements=()), TODAY)
    assert not ok and len(reasons) == 2
    waived = visitor(endorsements=(), waivers=(Waiver(2027, date(2026, 10, 1), date(2026, 10, 2)),))
    assert may_carry_families(waived, TODAY)[0]
    assert not may_carry_families(waived, date(2027, 10, 1))[0]


# ---------------------------------------------------------------- weekly share


MONDAYS = [date(2026, 11, 2) + timedelta(weeks=i) for i in range(4)]


def test_weekly_share_excludes_leave():
    sessions = [date(2026, 11, 4), date(2026, 11, 20)]  # weeks 1 and 3
    assert weekly_supervision_share(sessions, MONDAYS) == Fraction(2, 4)
    assert weekly_supervision_share(sessions, MONDAYS, [MONDAYS[1]]) == Fraction(2, 3)
    assert weekly_supervision_share(sessions, MONDAYS, MONDAYS) is None
    # a Sunday belongs to the week of the Monday before it
    assert weekly_supervision_share([date(2026, 11, 8)], MONDAYS[:1]) == 1


session_days = st.lists(
    st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 1, 31)), max_size=20
)
weeks_st = st.lists(st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 1, 31)), max_size=12)


@given(session_days, weeks_st, weeks_st, st.dates(date(2026, 10, 1), date(2027, 1, 31)))
def test_adding_a_session_never_lowers_the_share(days, weeks, leave, extra):
    before = weekly_supervision_share(days, weeks, leave)
    after = weekly_supervision_share([*days, extra], weeks, leave)
    assert (before is None) == (after is None)
    if before is not None:
        assert after >= before


@given(st.dates(date(2026, 10, 1), date(2027, 1, 31)), weeks_st)
def test_a_session_never_counts_outside_its_week(day, weeks):
    others = [w for w in weeks if wf.week_start(w) != wf.week_start(day)]
    assert weekly_supervision_share([day], others) in (None, 0)


# ---------------------------------------------------------------- properties on hours


hours_st = st.decimals(min_value=0, max_value=24, places=2)
training_days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))
categories = st.sampled_from(wf.TRAINING_CATEGORIES)
entries_st = st.lists(st.builds(TrainingEntry, training_days, hours_st, categories), max_size=15)
today_st = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@given(entries_st, st.builds(TrainingEntry, training_days, hours_st, categories), today_st)
def test_adding_training_hours_never_lowers_any_status(entries, extra, today):
    before = requirements(visitor(training=tuple(entries)), today)
    after = requirements(visitor(training=(*entries, extra)), today)
    for old, new in zip(before, after, strict=True):
        assert status_rank(new.status) >= status_rank(old.status), (old, new)


@given(
    st.lists(st.builds(SupervisionSession, training_days, hours_st), max_size=15),
    st.builds(SupervisionSession, training_days, hours_st),
    today_st,
)
def test_adding_supervision_hours_never_lowers_any_status(sessions, extra, today):
    before = requirements(visitor(supervision=tuple(sessions)), today)
    after = requirements(visitor(supervision=(*sessions, extra)), today)
    for old, new in zip(before, after, strict=True):
        assert status_rank(new.status) >= status_rank(old.status)


# ---------------------------------------------------------------- validation


def test_validation_messages():
    with pytest.raises(ValueError, match="expiry date cannot be before the issue date"):
        wf.check_license_dates(date(2026, 1, 2), date(2026, 1, 1))
    wf.check_license_dates(date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(ValueError, match="negative"):
        wf.check_training_hours(Decimal("-0.25"))
    with pytest.raises(ValueError, match="more than 24"):
        wf.check_training_hours(Decimal("24.25"))
    wf.check_training_hours(24)
    wf.check_training_hours(0)
    with pytest.raises(ValueError, match="FY2027"):
        wf.check_waiver_year(2027, [Waiver(2027, date(2026, 9, 1))])
    wf.check_waiver_year(2028, [Waiver(2027, date(2026, 9, 1))])


def test_policy_is_data():
    strict = replace(DEFAULT_POLICY, version="test", license_due_soon_days=90)
    lic = License("LMSW", date(2024, 1, 1), TODAY + timedelta(days=80))
    facts = visitor(licenses=(lic,))
    assert wf.license_requirement(facts, TODAY, DEFAULT_POLICY).status == MET
    assert wf.license_requirement(facts, TODAY, strict).status == DUE_SOON
    with pytest.raises(ValueError, match="Unknown role"):
        requirements(visitor(role="admin"), TODAY)


def test_endorsement_year_from_29_february():
    leap = replace(IFS, endorsed_on=date(2024, 2, 29))
    facts = visitor(endorsements=(leap,))
    assert wf.endorsement_year(facts, date(2026, 12, 1)) == (date(2026, 2, 28), date(2027, 2, 27))
    assert wf.endorsement_year(facts, date(2028, 3, 1)) == (date(2028, 2, 29), date(2029, 2, 27))


@given(entries_st, st.builds(TrainingEntry, training_days, hours_st, categories))
def test_an_entry_outside_the_fiscal_year_never_changes_ce(entries, extra):
    if fiscal_year_start(2027) <= extra.day <= TODAY:
        return
    before = rule(visitor(training=tuple(entries)), wf.CONTINUING_EDUCATION)
    after = rule(visitor(training=(*entries, extra)), wf.CONTINUING_EDUCATION)
    assert before == after


def test_supervision_hours_toward_the_preferred_category_count_only_once_registered():
    started = date(2020, 1, 6)
    endorsed = wf.Endorsement(wf.INFANT_FAMILY_SPECIALIST, wf.ENDORSED, None, date(2021, 1, 4))
    facts = StaffFacts(role=wf.HOME_VISITOR, role_started_on=started, endorsements=[endorsed])
    result = wf.supervision_hours_requirement(facts, TODAY, wf.DEFAULT_POLICY)
    assert result.status == wf.MET and "once registered" in result.reason
    registered = wf.Endorsement(wf.IMH_SPECIALIST, wf.REGISTERED, TODAY - timedelta(days=400))
    working = StaffFacts(
        role=wf.HOME_VISITOR, role_started_on=started, endorsements=[endorsed, registered]
    )
    behind = wf.supervision_hours_requirement(working, TODAY, wf.DEFAULT_POLICY)
    assert behind.status != wf.MET and "toward Infant Mental Health Specialist" in behind.reason


endorsement_rows = st.builds(
    wf.Endorsement,
    st.sampled_from(wf.CATEGORY_ORDER),
    st.sampled_from([wf.NOT_STARTED, wf.REGISTERED, wf.ENDORSED, wf.LAPSED]),
    st.none() | st.dates(date(2018, 1, 1), TODAY),
    st.none() | st.dates(date(2018, 1, 1), TODAY),
)


@given(
    role=st.sampled_from(wf.ROLES),
    endorsements=st.lists(endorsement_rows, max_size=3),
    expires=st.dates(date(2025, 1, 1), date(2028, 1, 1)),
    coursework=st.none() | st.booleans(),
    waived=st.booleans(),
)
def test_qualification_requirements_are_the_same_results_as_the_full_list(
    role, endorsements, expires, coursework, waived
):
    facts = StaffFacts(
        role=role,
        role_started_on=date(2020, 1, 6),
        degrees=[wf.Degree("master")],
        licenses=[wf.License("LMSW", date(2024, 1, 1), max(expires, date(2024, 1, 1)))],
        endorsements=endorsements,
        waivers=[wf.Waiver(2027, date(2026, 10, 1), date(2026, 10, 2))] if waived else [],
        psychotherapy_coursework=coursework,
    )
    subset = wf.qualification_requirements(facts, TODAY)
    full = {r.name: r for r in wf.requirements(facts, TODAY)}
    assert subset == [full[r.name] for r in subset]
    assert {r.name for r in subset} == wf.QUALIFICATIONS & set(full)
    assert wf.qualified(subset) == wf.qualified(full.values())
