"""seed_demo --scale N builds the statewide set's shape for N agencies: counts and the
invariants the fidelity pages rely on, on SQLite (bulk inserts) and PostgreSQL (COPY)."""

from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from imhhv.accounts.models import Membership, MembershipProposal, User
from imhhv.agencies.models import Agency, Team
from imhhv.audit.models import AuditEvent
from imhhv.audit.verify import verify_audit_chain
from imhhv.core.roles import Role
from imhhv.demo.data.counties import STATE_COUNTIES
from imhhv.families.models import Enrollment, Family
from imhhv.reference.models import StateHoliday
from imhhv.visits.models import StrategyResponse, Visit, VisitPlan
from imhhv.workforce.models import (
    Cohort,
    License,
    SessionFamily,
    SupervisionParticipant,
    SupervisionSession,
    TrainingEntry,
    Waiver,
)


@pytest.fixture
def state(db, settings, catalogue):
    settings.DEBUG = False
    settings.DEMO_MODE = True
    out, err = StringIO(), StringIO()
    call_command(
        "seed_demo",
        "--scale",
        "2",
        "--years",
        "2",
        "--families-per-visitor",
        "2",
        "3",
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_counts_of_staff_and_families_for_two_agencies(state):
    out, err = state
    assert list(Agency.objects.order_by("pk").values_list("county", flat=True)) == [
        c.name for c in STATE_COUNTIES[:2]
    ]
    assert Team.objects.count() == 4
    current = Membership.objects.active()
    assert current.filter(role=Role.HOME_VISITOR).count() == 20
    assert current.filter(role=Role.SUPERVISOR).count() == 4
    assert current.filter(role=Role.AGENCY_ADMIN).count() == 2
    active, past = Family.objects.active().count(), Family.objects.discharged().count()
    assert 20 * 2 - 1 <= active <= 20 * 3
    assert 3 * active <= past <= 4.5 * active  # ~30,000 past to ~8,000 active
    assert Visit.objects.count() > 50 * (active + past) / 2
    assert "visits_visit" in out and "rows/s" in out
    assert "visits_visit:" in err  # the progress lines


def test_visits_inside_episodes_none_documented_after_now_components_present(state):
    now = timezone.now()
    episodes = defaultdict(list)
    for family_id, start, end in Enrollment.objects.values_list(
        "family_id", "enrolled_on", "discharged_on"
    ):
        episodes[family_id].append((start, end))
    for family_id, scheduled in Visit.objects.values_list("family_id", "scheduled_at"):
        day = timezone.localdate(scheduled)
        assert any(s <= day and (e is None or day <= e) for s, e in episodes[family_id])
    assert not Visit.objects.filter(documented_at__gt=now).exists()
    assert not Visit.objects.filter(ended_at__gt=now).exists()
    assert not Visit.objects.filter(signed_at__gt=now).exists()
    assert not Visit.objects.exclude(outcome="scheduled").filter(scheduled_at__gt=now).exists()
    # Discharged families have no visit after their discharge, hence none scheduled.
    assert not Visit.objects.filter(family__in=Family.objects.discharged(), outcome="scheduled")
    # Episodes spread over the years asked for.
    oldest = Enrollment.objects.order_by("discharged_on").exclude(discharged_on=None).first()
    assert oldest.discharged_on < timezone.localdate() - timedelta(days=365)
    # Completed visits carry key components and strategy responses.
    completed = Visit.objects.filter(outcome="completed")
    assert completed.filter(place="home").exists()
    assert not completed.annotate(n=Count("components")).filter(n=0).exists()
    assert not completed.annotate(n=Count("strategy_responses")).filter(n=0).exists()
    assert not Visit.objects.exclude(outcome="completed").filter(components__isnull=False)
    assert StrategyResponse.objects.filter(value__gt=3).count() == 0
    assert completed.filter(signed_at=None).exists()  # recent notes wait for a signature
    assert Visit.objects.exclude(outcome__in=["completed", "scheduled"]).exists()


def test_the_week_facts_equal_a_recomputation(state):
    from imhhv.visits.facts import verify_facts
    from imhhv.visits.models import FamilyWeekFacts

    out, _ = state
    assert "Week facts:" in out
    result = verify_facts()
    assert result.ok and result.rows > 0
    assert FamilyWeekFacts.objects.values("family_id").distinct().count() == Family.objects.count()


def test_plans_and_pauses_are_consistent(state):
    plans = defaultdict(list)
    for plan in VisitPlan.objects.order_by("effective_from", "pk"):
        plans[plan.family_id].append(plan)
    for e in Enrollment.objects.all():
        assert any(p.effective_from == e.enrolled_on for p in plans[e.family_id])
    paused = VisitPlan.objects.filter(frequency=VisitPlan.Frequency.PAUSED)
    assert paused.exists()
    for pause in paused:
        after = [p for p in plans[pause.family_id] if p.effective_from > pause.effective_from]
        assert after and after[0].effective_from == pause.paused_until + timedelta(days=1)
        during = Visit.objects.filter(
            family_id=pause.family_id,
            scheduled_at__date__gte=pause.effective_from,
            scheduled_at__date__lte=pause.paused_until,
        )
        assert not [v for v in during if pause.effective_from <= timezone.localdate(
            v.scheduled_at) <= pause.paused_until]  # fmt: skip


def test_proposal_holiday_audit_chain_and_sequences(state):
    proposal = MembershipProposal.objects.get()
    assert proposal.status == MembershipProposal.Status.PENDING
    assert proposal.proposed_by.username == "state.admin"
    holiday = StateHoliday.objects.get()
    assert holiday.day.weekday() == 4 and holiday.day.month == 11
    # Only the two state actions are audited (the holiday queues a facts rebuild), and
    # the chain verifies.
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "user.create",
        "holiday.add",
        "job.enqueue",
    }
    assert verify_audit_chain()[1] is None
    # Keys were reserved from the sequences: the ORM goes on inserting after the seed.
    family = Family.objects.active().first()
    visit = Visit.objects.create(
        family=family, visitor=family.home_visitor, scheduled_at=timezone.now() + timedelta(days=9)
    )
    assert visit.pk > Visit.objects.exclude(pk=visit.pk).order_by("-pk").first().pk
    assert User.objects.create(username="after.seed").pk
    # The foreign keys dropped for the load (PostgreSQL) are back.
    with connection.cursor() as cursor:
        for table in ("visits_visit", "visits_strategyresponse", "families_family"):
            found = connection.introspection.get_constraints(cursor, table).values()
            assert any(c["foreign_key"] for c in found)
    # A second run is refused (the existing rule).
    with pytest.raises(CommandError, match="already holds agencies"):
        call_command("seed_demo", "--scale", "2", stdout=StringIO(), stderr=StringIO())


def test_workforce_rows_written_in_bulk(state):
    out, err = state
    today = timezone.localdate()
    staff = Membership.objects.active().filter(role__in=[Role.HOME_VISITOR, Role.SUPERVISOR])
    assert set(License.objects.values_list("user_id", flat=True)) == set(
        staff.values_list("user_id", flat=True)
    )
    sessions = SupervisionSession.objects.all()
    assert sessions.count() >= 24 * 10  # weekly for 20 visitors over 26 weeks, with gaps
    assert not sessions.filter(day__gte=today).exists()
    assert sessions.filter(supervisor=None).exclude(consultant_name="").exists()
    assert SupervisionParticipant.objects.count() > sessions.count()
    for row in SessionFamily.objects.select_related("family"):
        assert row.family.home_visitor_id == row.supervisee_id
    assert TrainingEntry.objects.count() >= 3 * staff.count()  # a year and more of CE
    assert Waiver.objects.filter(approved_on__isnull=False).count() >= 4  # 2 newer per agency
    assert Cohort.objects.filter(start__lte=today, end__gte=today).get().members.count() == 4
    assert "supervision sessions" in out and "workforce:" in err


def test_scale_must_be_state_or_a_number_of_agencies(db, settings):
    settings.DEBUG = True
    for bad in ("47", "0", "big"):
        with pytest.raises(CommandError, match="--scale"):
            call_command("seed_demo", "--scale", bad, stdout=StringIO(), stderr=StringIO())
