"""The stored week facts follow every write, in the write's transaction, and add up to
the definition (`summarize`) on random histories stored in the database."""

from datetime import datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from imhhv.core.calendar import week_start
from imhhv.core.fidelity import summarize
from imhhv.families.services import assign_home_visitor, discharge_family, reenroll_family
from imhhv.visits.facts import (
    read_facts,
    rebuild_facts,
    refresh_family,
    verify_facts,
)
from imhhv.visits.fidelity import Period, fidelity_report
from imhhv.visits.models import AgencyWeekTotals, FamilyWeekFacts, VisitorWeekFacts
from imhhv.visits.services import amend_visit, document_visit, set_visit_plan, sign_visit

TODAY = timezone.localdate()
LAST_WEEK = week_start(TODAY) - timedelta(weeks=1)


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def home_visit(family, visitor, day, minutes=100, *, place="home", components=("alliance",)):
    return document_visit(
        family=family,
        visitor=visitor,
        by=visitor,
        data={
            "scheduled_at": _at(day),
            "outcome": "completed",
            "started_at": _at(day),
            "ended_at": _at(day) + timedelta(minutes=minutes),
            "place": place,
        },
        components=list(components),
    )


def week_row(family, week=LAST_WEEK):
    return FamilyWeekFacts.objects.filter(family=family, week=week).first()


def facts_snapshot():
    """Every facts and totals row, without its key."""

    def rows(model):
        return sorted(tuple(v for k, v in r.items() if k != "id") for r in model.objects.values())

    return rows(FamilyWeekFacts), rows(VisitorWeekFacts), rows(AgencyWeekTotals)


def test_every_service_keeps_the_facts_equal_to_a_recomputation(
    cast, qualified_visitors, catalogue
):
    family, hv = cast.family_a, cast.hv_a
    assert verify_facts().ok
    visit = home_visit(family, hv, LAST_WEEK + timedelta(days=1))
    assert week_row(family).home_visits == 1 and week_row(family).unsigned == 1
    sign_visit(visit=visit, by=hv, attested=True)
    row = week_row(family)
    assert (row.unsigned, row.on_time + row.late) == (0, 1)  # judged once signed
    visit.refresh_from_db()
    amend_visit(
        visit=visit,
        by=hv,
        reason="The visit ran longer",
        data={"ended_at": visit.started_at + timedelta(minutes=130)},
        expected_version=visit.version,
    )
    assert (week_row(family).long, week_row(family).minutes) == (1, 130)
    set_visit_plan(
        family=family, by=cast.sup_a, frequency="every_other_week", effective_from=LAST_WEEK
    )
    assert week_row(family).planned == 0.5
    assert verify_facts().ok
    assign_home_visitor(
        family=family,
        home_visitor=cast.hv_a2,
        by=cast.sup_a,
        start_date=TODAY - timedelta(days=3),
        reason="Handed over on Friday",
    )
    assert VisitorWeekFacts.objects.filter(family=family, visitor=cast.hv_a2).exists()
    discharge_family(
        family=family,
        by=cast.sup_a,
        discharged_on=TODAY - timedelta(days=1),
        reason="goals_met",
        planned=True,
    )
    future = week_start(TODAY) + timedelta(weeks=2)
    assert not FamilyWeekFacts.objects.filter(family=family, week__gte=future).exists()
    reenroll_family(family=family, by=cast.sup_a, enrolled_on=TODAY)
    assert FamilyWeekFacts.objects.filter(family=family, week=future, enrolled_days=7).exists()
    assert verify_facts().ok


def test_a_rolled_back_write_leaves_the_facts_unchanged(cast, catalogue):
    before = facts_snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        home_visit(cast.family_a, cast.hv_a, LAST_WEEK)
        assert week_row(cast.family_a).home_visits == 1  # inside: already counted
        raise RuntimeError("the request failed after the visit was saved")
    assert facts_snapshot() == before


def test_verify_finds_a_stale_row_and_rebuild_repairs_it(cast, catalogue):
    home_visit(cast.family_a, cast.hv_a, LAST_WEEK)
    FamilyWeekFacts.objects.filter(family=cast.family_a, week=LAST_WEEK).update(home_visits=5)
    result = verify_facts()
    assert not result.ok and result.mismatched_families == [cast.family_a.pk]
    AgencyWeekTotals.objects.filter(week=LAST_WEEK).update(covered=0)
    assert verify_facts().mismatched_totals >= 1
    rebuild_facts(since=LAST_WEEK)
    assert verify_facts().ok
    assert week_row(cast.family_a).home_visits == 1


# --- random histories in the database against the definition ----------------------------

FIRST = LAST_WEEK - timedelta(weeks=12)


class TestStoredFactsAgreeWithTheDefinition(TestCase):
    """Hypothesis runs one database transaction per example (its Django TestCase)."""

    @classmethod
    def setUpTestData(cls):
        from conftest import Cast
        from imhhv.visits.models import Catalogue

        cls.cast = Cast("!")
        if not Catalogue.objects.exists():
            import importlib

            from django.apps import apps

            importlib.import_module("imhhv.visits.migrations.0002_starter_catalogue").forwards(
                apps, None
            )

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        visits=st.lists(
            st.tuples(
                st.integers(0, 13 * 7 - 1),  # day after FIRST
                st.sampled_from(["home", "home", "video"]),
                st.integers(30, 150),
                st.booleans(),  # signed
                st.booleans(),  # by the second home visitor
            ),
            max_size=12,
        ),
        plan=st.sampled_from([None, "weekly", "every_other_week", "twice_weekly"]),
        plan_day=st.integers(0, 60),
    )
    def test_report_equals_summarize(self, visits, plan, plan_day):
        cast = self.cast
        family = cast.family_a
        for offset, place, minutes, signed, second in visits:
            day = FIRST + timedelta(days=offset)
            visitor = cast.hv_a2 if second else cast.hv_a
            visit = home_visit(
                family,
                visitor,
                day,
                minutes,
                place=place,
                components=["alliance", "life_coping"][: 1 + offset % 2],
            )
            if signed:
                sign_visit(visit=visit, by=visitor, attested=True)
        if plan:
            set_visit_plan(
                family=family,
                by=cast.sup_a,
                frequency=plan,
                effective_from=FIRST + timedelta(days=plan_day),
            )
        refresh_family(family.pk)
        period = Period(FIRST, LAST_WEEK + timedelta(days=6))
        report = fidelity_report(
            cast.admin_a, level="agency", unit_id=cast.agency_a.pk, period=period
        )
        facts = read_facts(cast.agency_a.families.all(), period.start, period.end)
        from django.conf import settings as django_settings

        expected = summarize(
            facts.visits,
            facts.enrollments,
            period.start,
            period.end,
            today=TODAY,
            late_after_business_days=django_settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
            holidays=facts.holidays,
            plans=facts.plans,
        )
        assert report.total == expected
        visitor = fidelity_report(
            cast.admin_a, level="visitor", unit_id=cast.hv_a.pk, period=period
        )
        from imhhv.core.fidelity.weekly import assigned_spans

        mine = [v for v in facts.visits if v.visitor_id == cast.hv_a.pk]
        assert visitor.total == summarize(
            mine,
            assigned_spans(facts.enrollments, facts.assignments, cast.hv_a.pk),
            period.start,
            period.end,
            today=TODAY,
            late_after_business_days=django_settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
            holidays=facts.holidays,
            plans=facts.plans,
        )


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_in_two_processes_gives_the_same_rows(catalogue, password_hash):
    """On PostgreSQL two processes share the families (committed rows); on SQLite the
    rebuild runs in one."""
    from conftest import Cast

    cast = Cast(password_hash)
    home_visit(cast.family_a, cast.hv_a, LAST_WEEK)
    home_visit(cast.family_a2, cast.hv_a2, LAST_WEEK - timedelta(weeks=2))
    one = facts_snapshot()
    counts = rebuild_facts(workers=2)
    assert counts["families"] == cast.agency_a.families.count() + cast.agency_b.families.count()
    assert facts_snapshot() == one
    assert verify_facts().ok
