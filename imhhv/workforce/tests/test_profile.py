"""The staff profile: requirements computed from the rows (core rules), the gate for
carrying families, weekly supervision share with leave left out."""

from datetime import timedelta
from fractions import Fraction

from django.utils import timezone

from imhhv.core import workforce as rules
from imhhv.core.calendar import week_start
from imhhv.workforce import queries, services
from imhhv.workforce.tests.helpers import session


def status(profile, name):
    return {r.name: r for r in profile.requirements}[name]


def add_license(cast, expires_in_days):
    today = timezone.localdate()
    services.add_license(
        by=cast.admin_a,
        staff_id=cast.hv_a.pk,
        type="LMSW",
        issued_on=today - timedelta(days=400),
        expires_on=today + timedelta(days=expires_in_days),
    )


def test_a_license_expiring_in_30_days_is_due_soon(cast):
    add_license(cast, 30)
    profile = queries.staff_profile(cast.sup_a, cast.hv_a.pk)
    license = status(profile, rules.LICENSE)
    assert license.status == rules.DUE_SOON
    assert license.next_due == timezone.localdate() + timedelta(days=30)


def test_a_license_expiring_in_90_days_is_met(cast):
    add_license(cast, 90)
    assert status(queries.staff_profile(cast.hv_a, cast.hv_a.pk), rules.LICENSE).status == "met"


def test_an_empty_record_meets_nothing_and_may_not_carry_families(cast):
    profile = queries.staff_profile(cast.hv_a, cast.hv_a.pk)
    assert profile.role == rules.HOME_VISITOR
    assert status(profile, rules.DEGREE).status == rules.NOT_MET
    assert status(profile, rules.ENDORSEMENT).status == rules.NOT_MET
    allowed, reasons = profile.may_carry_families
    assert not allowed and len(reasons) == 2


def test_endorsed_and_discussed_may_carry_families(cast):
    today = timezone.localdate()
    services.set_endorsement(
        by=cast.admin_a,
        staff_id=cast.hv_a.pk,
        category=rules.INFANT_FAMILY_SPECIALIST,
        status=rules.ENDORSED,
        endorsed_on=today - timedelta(days=100),
        number="SYN-0001",
    )
    services.record_self_assessment(
        by=cast.sup_a,
        staff_id=cast.hv_a.pk,
        completed_on=today - timedelta(days=380),
        discussed_on=today - timedelta(days=370),
        discussed_with_id=cast.sup_a.pk,
    )
    services.add_degree(by=cast.hv_a, staff_id=cast.hv_a.pk, level="master", year=2015)
    profile = queries.staff_profile(cast.hv_a, cast.hv_a.pk)
    assert profile.may_carry_families == (True, [])
    assert status(profile, rules.ENDORSEMENT).status == rules.MET
    assert status(profile, rules.DEGREE).status == rules.MET


def test_a_waiver_for_this_fiscal_year_lets_them_carry_families_once_discussed(cast):
    today = timezone.localdate()
    services.add_waiver(
        by=cast.admin_a,
        staff_id=cast.hv_a.pk,
        fiscal_year=rules.fiscal_year(today),
        requested_on=today - timedelta(days=2),
        approved_on=today - timedelta(days=1),
    )
    allowed, reasons = queries.staff_profile(cast.hv_a, cast.hv_a.pk).may_carry_families
    assert not allowed
    assert reasons == ["The self-assessment has not been discussed with the supervisor."]


def test_the_supervisor_has_the_supervisor_requirements(cast):
    profile = queries.staff_profile(cast.admin_a, cast.sup_a.pk)
    assert profile.role == rules.SUPERVISOR
    assert rules.COURSEWORK in {r.name for r in profile.requirements}
    assert profile.may_carry_families is None


def test_an_agency_admin_has_no_requirements(cast):
    profile = queries.staff_profile(cast.admin_a, cast.admin_a.pk)
    assert profile.role is None and profile.requirements == []


def test_weekly_share_counts_sessions_and_leaves_out_weeks_on_leave(cast):
    last_monday = week_start(timezone.localdate()) - timedelta(weeks=1)
    session(cast.sup_a, [cast.hv_a], day=last_monday + timedelta(days=1))
    profile = queries.staff_profile(cast.hv_a, cast.hv_a.pk)
    assert profile.weekly_supervision_share == Fraction(1, 12)
    two_weeks_back = last_monday - timedelta(weeks=1)
    services.record_leave(
        by=cast.sup_a,
        staff_id=cast.hv_a.pk,
        start=two_weeks_back,
        end=two_weeks_back + timedelta(days=4),
    )
    profile = queries.staff_profile(cast.hv_a, cast.hv_a.pk)
    assert profile.weekly_supervision_share == Fraction(1, 11)


def test_a_part_week_of_leave_still_counts(cast):
    last_monday = week_start(timezone.localdate()) - timedelta(weeks=1)
    services.record_leave(
        by=cast.sup_a, staff_id=cast.hv_a.pk, start=last_monday, end=last_monday + timedelta(3)
    )
    assert queries.staff_profile(cast.hv_a, cast.hv_a.pk).weekly_supervision_share == 0


def test_supervision_and_training_hours_reach_the_rules(cast):
    today = timezone.localdate()
    session(cast.sup_a, [cast.hv_a], day=today - timedelta(days=2))
    services.add_training(
        by=cast.hv_a,
        staff_id=cast.hv_a.pk,
        day=today - timedelta(days=1) if today.month != 10 or today.day != 1 else today,
        title="Synthetic course",
        hours=3,
        category=rules.RELATIONSHIP_BASED,
    )
    profile = queries.staff_profile(cast.hv_a, cast.hv_a.pk)
    assert [s.hours for s in profile.facts.supervision] == [Fraction(1)]
    assert [t.hours for t in profile.facts.training] == [3]
    assert profile.facts.first_family_on == today - timedelta(days=365)


def test_hours_per_month_count_each_session_in_its_own_month(cast):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)  # sessions in the past whatever the hour
    days = [yesterday, yesterday - timedelta(days=40), yesterday - timedelta(days=41)]
    for day in days:
        session(cast.sup_a, [cast.hv_a], day=day)  # 60 minutes each
    record = queries.staff_profile(cast.sup_a, cast.hv_a.pk).record
    months = record.monthly_hours(today, months=4)
    assert months[0][0] == today.replace(day=1)
    assert all(m.day == 1 for m, _ in months)
    assert [m for m, _ in months] == sorted({m for m, _ in months}, reverse=True)
    for month, hours in months:
        assert hours == sum(1 for d in days if (d.year, d.month) == (month.year, month.month))
    assert sum(h for _, h in months) == Fraction(3)
