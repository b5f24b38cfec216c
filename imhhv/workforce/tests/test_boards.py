"""The workforce reads beyond the profile: the agency's staff board (expiring in 90 days),
compliance per team, agency and state (suppressed for the state), cohorts, the ninth
domain, evidence files; and the services behind cohorts, questionnaires and waivers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.accounts.tests.factories import member
from imhhv.core import workforce as rules
from imhhv.core.roles import Role
from imhhv.workforce import queries, services
from imhhv.workforce.models import CohortMember, StaffQuestionnaire, TrainingEvidence, Waiver
from imhhv.workforce.tests.helpers import session, yesterday

PDF = b"%PDF-1.4\n% synthetic test certificate\n"


def today():
    return timezone.localdate()


def license_for(cast, staff, expires_in_days):
    return services.add_license(
        by=cast.state_admin,
        staff_id=staff.pk,
        type="LMSW",
        issued_on=today() - timedelta(days=700),
        expires_on=today() + timedelta(days=expires_in_days),
    )


# ---------------------------------------------------------------- the agency's staff board


def test_the_staff_board_lists_items_expiring_within_90_days_soonest_first(cast, new_events):
    license_for(cast, cast.hv_a, 90)
    license_for(cast, cast.hv_a2, 20)
    license_for(cast, cast.hv_a_other_team, 91)
    new_events.reset()
    board = queries.agency_staff_board(cast.admin_a)
    due = [(row.staff, what, when) for row, what, when in board.expiring if what == "License"]
    assert due == [
        (cast.hv_a2, "License", today() + timedelta(days=20)),
        (cast.hv_a, "License", today() + timedelta(days=90)),
    ]
    names = {row.staff for row in board.rows}
    assert names == {cast.hv_a, cast.hv_a2, cast.hv_a_other_team, cast.sup_a}
    assert cast.hv_b not in names  # another agency's staff never
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("workforce.staff_board.read", "success")
    ]


def test_an_endorsement_renewal_at_year_end_shows_when_within_the_window(cast):
    services.set_endorsement(
        by=cast.admin_a,
        staff_id=cast.hv_a.pk,
        category=rules.INFANT_FAMILY_SPECIALIST,
        status=rules.ENDORSED,
        endorsed_on=today() - timedelta(days=300),
        renewal_year=today().year,
    )
    row = next(r for r in queries.agency_staff_board(cast.admin_a).rows if r.staff == cast.hv_a)
    renewal = timezone.datetime(today().year, 12, 31).date()
    within = today() <= renewal <= today() + timedelta(days=90)
    assert (("Endorsement renewal", renewal) in row.expiring) is within


@pytest.mark.parametrize("reader", ["sup_a", "hv_a", "state_admin", "evaluator"])
def test_the_staff_board_is_the_agency_administrators(cast, new_events, reader):
    with pytest.raises(PermissionDenied):
        queries.agency_staff_board(getattr(cast, reader))
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("workforce.staff_board.read", "denied")
    ]


def test_the_staff_board_takes_the_same_queries_for_5_and_50_staff(cast):
    def count():
        admin = User.objects.get(pk=cast.admin_a.pk)  # nothing cached on the account
        with CaptureQueriesContext(connection) as queries_run:
            queries.agency_staff_board(admin)
        return len(queries_run)

    member(Role.HOME_VISITOR, team=cast.team_a)  # with the cast's four: 5 staff
    small = count()
    for _ in range(45):  # 50 staff
        staff = member(Role.HOME_VISITOR, team=cast.team_a)
        license_for(cast, staff, 30)
    assert count() == small


# ---------------------------------------------------------------- compliance


def qualify(cast, staff):
    by = cast.state_admin
    services.add_degree(by=by, staff_id=staff.pk, level="master", field="Social work")
    license_for(cast, staff, 400)
    services.set_endorsement(
        by=by,
        staff_id=staff.pk,
        category=rules.INFANT_FAMILY_SPECIALIST,
        status=rules.ENDORSED,
        endorsed_on=today() - timedelta(days=100),
    )


def test_team_compliance_counts_each_requirement_for_the_staff_it_applies_to(cast, new_events):
    qualify(cast, cast.hv_a)
    new_events.reset()
    report = queries.compliance(cast.sup_a, "team")
    [row] = report.rows
    assert row.name == "A1" and row.staff == 3  # hv_a, hv_a2 and the supervisor
    assert (row.cells[rules.LICENSE].met, row.cells[rules.LICENSE].of) == (1, 3)
    # Coursework is a supervisor requirement, the self-assessment a home visitor's.
    assert row.cells[rules.COURSEWORK].of == 1
    assert row.cells[rules.SELF_ASSESSMENT].of == 2
    assert (row.cells[queries.QUALIFIED].met, row.cells[queries.QUALIFIED].of) == (1, 3)
    assert row.cells[queries.SUPERVISED_WEEKLY].of == 2  # home visitors only
    assert row.cells[rules.LICENSE].share == pytest.approx(1 / 3)
    assert not report.suppressed
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("workforce.compliance.read", "success")
    ]


def test_agency_compliance_has_a_row_per_team_and_a_total(cast):
    report = queries.compliance(cast.admin_a, "team")
    assert [r.name for r in report.rows] == ["A1", "A2"]
    assert report.total.staff == 4


def test_state_compliance_suppresses_small_cells_and_names_no_one(cast):
    report = queries.compliance(cast.state_admin, "agency")
    assert report.suppressed
    assert [r.name for r in report.rows] == ["Alpha CMH", "Beta CMH"]
    # 4 and 1 staff: small cells, hidden; so is every share built on them.
    assert all(r.staff is None for r in report.rows)
    assert all(cell.share is None for r in report.rows for cell in r.cells.values())
    shown = repr(report)
    assert "hv_a" not in shown and "Person" not in shown


def test_state_compliance_shows_counts_above_the_small_cell_limit(cast):
    for _ in range(12):
        qualify(cast, member(Role.HOME_VISITOR, team=cast.team_b))
    for _ in range(8):  # Alpha too above the limit, or its complement hides Beta
        member(Role.HOME_VISITOR, team=cast.team_a)
    report = queries.compliance(cast.state_admin, "agency")
    beta = next(r for r in report.rows if r.name == "Beta CMH")
    assert beta.staff == 13
    assert beta.cells[rules.LICENSE].met == 12
    # 12 of 13: the complement (1) is a small cell, so the share stays hidden.
    assert beta.cells[rules.LICENSE].share is None


@pytest.mark.parametrize(
    ("reader", "level"),
    [("hv_a", "team"), ("sup_a", "agency"), ("sup_a", "state"), ("admin_a", "state")],
)
def test_a_level_outside_the_role_is_a_403(cast, new_events, reader, level):
    with pytest.raises(PermissionDenied):
        queries.compliance(getattr(cast, reader), level)
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("workforce.compliance.read", "denied")
    ]


def test_an_unknown_level_is_a_field_error(cast):
    with pytest.raises(ValidationError) as error:
        queries.compliance(cast.admin_a, "county")
    assert "level" in error.value.message_dict


# ---------------------------------------------------------------- cohorts


def cohort(cast, **kwargs):
    values = {
        "name": "Cohort synthetic 1",
        "trainers": "Trainer One, Trainer Two",
        "start": today() - timedelta(days=60),
        "end": today() + timedelta(days=300),
        "instruction_sessions": 10,
        "coaching_calls": 12,
    }
    return services.create_cohort(by=cast.state_admin, **{**values, **kwargs})


def test_the_state_runs_a_cohort_and_attendance_meets_the_collaborative_rule(cast, new_events):
    group = cohort(cast)
    member_row = services.add_cohort_member(
        by=cast.state_admin, cohort_id=group.pk, staff_id=cast.hv_a.pk
    )
    services.record_cohort_attendance(
        by=cast.state_admin, member_id=member_row.pk, instruction_attended=3, coaching_attended=4
    )
    profile = queries.staff_profile(cast.sup_a, cast.hv_a.pk)
    collaborative = {r.name: r for r in profile.requirements}[rules.COLLABORATIVE]
    assert collaborative.status == rules.MET and "in progress" in collaborative.reason
    [view] = queries.cohorts_for(cast.state_admin)
    assert view.in_progress and view.enrolled == 1
    assert [(m.user, m.instruction_attended, m.coaching_attended) for m in view.members] == [
        (cast.hv_a, 3, 4)
    ]


def test_an_agency_sees_only_its_own_staff_in_a_cohort(cast):
    group = cohort(cast)
    for staff in (cast.hv_a, cast.hv_b):
        services.add_cohort_member(by=cast.state_admin, cohort_id=group.pk, staff_id=staff.pk)
    [view] = queries.cohorts_for(cast.admin_a)
    assert [m.user for m in view.members] == [cast.hv_a] and view.enrolled == 2
    assert queries.cohorts_for(cast.hv_a2) == []


@pytest.mark.parametrize("by", ["admin_a", "sup_a", "hv_a"])
def test_only_the_state_creates_cohorts(cast, new_events, by):
    with pytest.raises(PermissionDenied):
        services.create_cohort(
            by=getattr(cast, by),
            name="x",
            trainers="y",
            start=today(),
            end=today() + timedelta(days=1),
            instruction_sessions=1,
            coaching_calls=1,
        )
    assert [e.outcome for e in new_events()] == ["denied"]


def test_attendance_beyond_the_plan_or_completion_in_the_future_is_refused(cast):
    group = cohort(cast)
    row = services.add_cohort_member(by=cast.state_admin, cohort_id=group.pk, staff_id=cast.hv_a.pk)
    with pytest.raises(ValidationError) as error:
        services.record_cohort_attendance(
            by=cast.state_admin,
            member_id=row.pk,
            instruction_attended=11,
            coaching_attended=-1,
            completed_on=today() + timedelta(days=1),
        )
    assert set(error.value.message_dict) == {
        "instruction_attended",
        "coaching_attended",
        "completed_on",
    }
    row.refresh_from_db()
    assert (row.instruction_attended, row.coaching_attended, row.completed_on) == (0, 0, None)


def test_a_cohort_that_ends_before_it_starts_or_a_second_enrollment_is_refused(cast):
    with pytest.raises(ValidationError):
        cohort(cast, end=today() - timedelta(days=61))
    group = cohort(cast)
    services.add_cohort_member(by=cast.state_admin, cohort_id=group.pk, staff_id=cast.hv_a.pk)
    with pytest.raises(ValidationError):
        services.add_cohort_member(by=cast.state_admin, cohort_id=group.pk, staff_id=cast.hv_a.pk)
    assert CohortMember.objects.count() == 1


# ---------------------------------------------------------------- questionnaires, ninth domain


def instrument(cast):
    return services.add_staff_instrument(
        by=cast.admin_a, name="Synthetic self-efficacy form", min_score=1, max_score=5
    )


def test_a_questionnaire_score_outside_the_range_or_twice_per_time_point_is_refused(cast):
    form = instrument(cast)
    args = {
        "by": cast.sup_a,
        "staff_id": cast.hv_a.pk,
        "instrument_id": form.pk,
        "day": yesterday(),
    }
    with pytest.raises(ValidationError) as error:
        services.record_questionnaire(**args, time_point="baseline", score="5.5")
    assert "score" in error.value.message_dict
    services.record_questionnaire(**args, time_point="baseline", score="3.5")
    with pytest.raises(ValidationError):
        services.record_questionnaire(**args, time_point="baseline", score="4")
    with pytest.raises(ValidationError):  # another agency's staff cannot use this form
        services.record_questionnaire(
            by=cast.state_admin,
            staff_id=cast.hv_b.pk,
            instrument_id=form.pk,
            day=yesterday(),
            time_point="baseline",
            score=3,
        )
    assert StaffQuestionnaire.objects.count() == 1


def test_the_ninth_domain_is_for_the_state_and_suppresses_small_groups(cast, new_events):
    form = instrument(cast)
    services.record_questionnaire(
        by=cast.sup_a,
        staff_id=cast.hv_a.pk,
        instrument_id=form.pk,
        day=yesterday(),
        time_point="baseline",
        score=4,
    )
    session(cast.sup_a, [cast.hv_a, cast.hv_a2])
    new_events.reset()
    domain = queries.ninth_domain(cast.evaluator)
    assert domain.fiscal_year == rules.fiscal_year(today())
    assert all(r.home_visitors is None for r in domain.rows)  # 3 and 1 visitors: small
    assert all(r.hours_per_visitor_month is None for r in domain.rows)
    assert [(q.n, q.mean) for q in domain.questionnaires] == [(None, None)]
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("workforce.ninth_domain.read", "success")
    ]
    with pytest.raises(PermissionDenied):
        queries.ninth_domain(cast.admin_a)
    with pytest.raises(ValidationError):
        queries.ninth_domain(cast.state_admin, fiscal_year=rules.fiscal_year(today()) + 1)


def test_the_supervision_dose_shows_from_eleven_home_visitors(cast):
    visitors = [member(Role.HOME_VISITOR, team=cast.team_b) for _ in range(11)]
    for _ in range(9):  # Alpha too above the small-cell limit, or its complement hides Beta
        member(Role.HOME_VISITOR, team=cast.team_a)
    supervisor = member(Role.SUPERVISOR, team=cast.team_b)
    session(supervisor, visitors)
    beta = next(r for r in queries.ninth_domain(cast.state_admin).rows if r.name == "Beta CMH")
    assert beta.home_visitors == 12
    start = rules.fiscal_year_start(rules.fiscal_year(today()))
    months = Decimal((today() - start).days + 1) / Decimal("30.4375")
    # 11 of 12 visitors had one hour; hours per visitor per month over the year so far.
    expected = float(Decimal(11) / Decimal(12) / months)
    assert beta.hours_per_visitor_month == pytest.approx(expected, abs=0.01)


# ---------------------------------------------------------------- evidence and waivers


def test_evidence_is_sniffed_stored_and_read_only_through_access(cast, new_events):
    entry = services.add_training(
        by=cast.hv_a,
        staff_id=cast.hv_a.pk,
        day=yesterday(),
        title="Synthetic course",
        hours=3,
        category=rules.RELATIONSHIP_BASED,
        booster=True,
    )
    with pytest.raises(ValidationError):
        services.attach_evidence(
            by=cast.hv_a, staff_id=cast.hv_a.pk, entry_id=entry.pk, filename="x.pdf", data=b"MZ"
        )
    services.attach_evidence(
        by=cast.hv_a, staff_id=cast.hv_a.pk, entry_id=entry.pk, filename="../cert.pdf", data=PDF
    )
    assert TrainingEvidence.objects.get().filename == "cert.pdf"
    new_events.reset()
    evidence = queries.training_evidence(cast.sup_a, cast.hv_a.pk, entry.pk)
    assert bytes(evidence.data) == PDF and evidence.content_type == "application/pdf"
    assert [e.action for e in new_events()] == ["workforce.evidence.read"]
    with pytest.raises(Http404):
        queries.training_evidence(cast.admin_a, cast.hv_a2.pk, entry.pk)  # not hv_a2's entry
    with pytest.raises(Http404):
        queries.training_evidence(cast.sup_a, cast.hv_b.pk, entry.pk)


def test_no_waiver_for_someone_already_endorsed_as_infant_family_specialist(cast):
    services.set_endorsement(
        by=cast.admin_a,
        staff_id=cast.hv_a.pk,
        category=rules.INFANT_FAMILY_SPECIALIST,
        status=rules.ENDORSED,
        endorsed_on=today() - timedelta(days=30),
    )
    with pytest.raises(ValidationError) as error:
        services.add_waiver(
            by=cast.admin_a,
            staff_id=cast.hv_a.pk,
            fiscal_year=rules.fiscal_year(today()),
            requested_on=yesterday(),
        )
    assert "no waiver is needed" in error.value.message_dict["fiscal_year"][0]
    assert not Waiver.objects.exists()
