"""seed_demo builds every role in several agencies, families along the whole journey and
intake in every state, with the evaluated sample's demographics; demo_logins prints them."""

import json
import random
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency
from imhhv.audit.models import AuditEvent
from imhhv.audit.verify import verify_audit_chain
from imhhv.core.ages import age_in_months, check_child_dates, needs_transition_planning
from imhhv.core.roles import Role
from imhhv.demo.data import (
    CHILD_NAMES,
    SAMPLE_HISPANIC,
    SAMPLE_MEANS_TESTED,
    SAMPLE_RACE_SHARES,
    SAMPLE_RACE_UNKNOWN,
    draw_races,
    seed,
)
from imhhv.families.access import families_visible_to
from imhhv.families.models import (
    Assignment,
    Caregiver,
    Child,
    Consent,
    Enrollment,
    Family,
    Referral,
    ReferralCaregiver,
)

TOLERANCE = 0.08  # share points, over every caregiver of the demo


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_refuses_without_demo_mode_or_debug_unless_forced(db, settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE=1"):
        call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())
    assert Agency.objects.count() >= 4


def test_demo_mode_seeds_with_debug_off(db, settings):
    # `make run` serves the demo with DEBUG off: demo mode is not debug mode.
    settings.DEBUG = False
    settings.DEMO_MODE = True
    call_command("seed_demo", "--families-per-visitor", "1", "1", stdout=StringIO())
    assert Agency.objects.count() >= 4


def test_builds_every_role_in_at_least_two_agencies(seeded):
    assert Agency.objects.count() >= 4
    for role in (Role.HOME_VISITOR, Role.SUPERVISOR, Role.AGENCY_ADMIN):
        agencies = Membership.objects.active().filter(role=role).values("agency").distinct().count()
        assert agencies >= 2, role
    for role in (Role.STATE_ADMIN, Role.EVALUATOR):
        assert Membership.objects.active().filter(role=role).exists()
    assert Membership.objects.active().filter(role=Role.HOME_VISITOR, fte__lt=1).exists()
    assert User.objects.get(username="former.visitor").membership is None


def test_full_time_visitors_carry_twelve_to_fifteen_active_families(seeded):
    visitors = Membership.objects.active().filter(role=Role.HOME_VISITOR, fte=1)
    assert visitors.count() >= 10
    for m in visitors:
        assert 12 <= Family.objects.active().filter(home_visitor=m.user).count() <= 15


def test_every_family_has_people_consent_episode_and_assignment(seeded):
    families = Family.objects.annotate(
        primaries=Count(
            "caregivers",
            filter=Q(caregivers__relationship=Caregiver.Relationship.PRIMARY),
            distinct=True,
        ),
        n_children=Count("children", distinct=True),
        open_episodes=Count(
            "enrollments", filter=Q(enrollments__discharged_on__isnull=True), distinct=True
        ),
    )
    for family in families:
        assert family.primaries == 1
        assert 1 <= family.n_children <= 2
        assert family.open_episodes <= 1
    in_force = Consent.objects.filter(kind=Consent.Kind.SERVICES, revoked_on__isnull=True)
    assert set(in_force.values_list("family", flat=True)) == set(
        Family.objects.values_list("pk", flat=True)
    )
    # The current home visitor is the open assignment of every active family.
    for family in Family.objects.active():
        current = family.assignments.get(end_date__isnull=True)
        assert current.home_visitor_id == family.home_visitor_id
    # Each family came from a referral that screened eligible with the real rule.
    enrolled = Referral.objects.filter(status=Referral.Status.ENROLLED)
    assert enrolled.count() == Family.objects.count()
    assert not enrolled.filter(screen_eligible=False).exists()
    assert not enrolled.filter(family__isnull=True).exists()


def test_children_born_expected_preterm_and_near_transition(seeded):
    today = timezone.localdate()
    children = list(Child.objects.filter(family__in=Family.objects.active()))
    expected = [c for c in children if c.birth_date is None]
    born = [c for c in children if c.birth_date is not None]
    assert expected
    assert all(today < c.due_date <= today + timedelta(days=183) for c in expected)
    assert not [
        c for c in born if check_child_dates(today=today, birth_date=c.birth_date, due_date=None)
    ]
    preterm = [c for c in born if c.gestational_age_weeks and c.gestational_age_weeks < 37]
    assert preterm and all(28 <= c.gestational_age_weeks <= 36 for c in preterm)
    assert all(c.birth_weight_grams for c in preterm)
    months = {age_in_months(c.birth_date, today) for c in born}
    assert len(months & set(range(36))) >= 30
    assert any(needs_transition_planning(c.birth_date, today) for c in born)


def test_enrollment_episodes_transfers_and_discharges(seeded):
    today = timezone.localdate()
    open_episodes = Enrollment.objects.filter(discharged_on__isnull=True)
    for episode in open_episodes:
        assert 28 <= (today - episode.enrolled_on).days <= 31 * 30
        assert (episode.gestational_weeks_at_enrollment is not None) == episode.prenatal
    assert open_episodes.filter(prenatal=True).exists()
    transferred = Family.objects.active().annotate(n=Count("assignments")).filter(n=2)
    assert transferred.count() >= 10
    assert Assignment.objects.filter(reason="Home visitor left the agency.").exists()
    reenrolled = Family.objects.active().annotate(n=Count("enrollments")).filter(n=2)
    assert reenrolled.count() >= 2
    for agency in Agency.objects.all():
        active = Family.objects.active().filter(agency=agency).count()
        discharged = Family.objects.discharged().filter(agency=agency).count()
        assert 0.2 <= discharged / (active + discharged) <= 0.4
    closed = Enrollment.objects.filter(discharged_on__isnull=False)
    reasons = Counter(closed.values_list("discharge_reason", flat=True))
    assert len(reasons) >= 3 and "" not in reasons
    assert {True, False} <= set(closed.values_list("discharge_planned", flat=True))
    assert closed.exclude(transition_plan="").exists()
    assert closed.exclude(referrals_made="").exists()
    assert Consent.objects.filter(revoked_on__isnull=False).exists()
    kinds = Counter(Consent.objects.values_list("kind", flat=True))
    assert kinds[Consent.Kind.DEIDENTIFIED] > kinds[Consent.Kind.PART2] > 0


def test_every_referral_status_in_every_agency_with_a_waitlist(seeded):
    for agency in Agency.objects.all():
        statuses = set(Referral.objects.filter(agency=agency).values_list("status", flat=True))
        assert statuses == set(Referral.Status.values), agency
        assert 8 <= Referral.objects.waiting().filter(agency=agency).count() <= 20
    waiting = Referral.objects.waiting().annotate(risks=Count("risk_factors"))
    assert waiting.filter(pregnant=True).exists() and waiting.filter(pregnant=False).exists()
    assert len({w.risks for w in waiting}) >= 3
    assert len({w.referral_date for w in waiting}) >= 20
    assert not waiting.filter(risks=0, override_reason="").exists()
    assert len(set(Referral.objects.values_list("source", flat=True))) >= 6
    ineligible = Referral.objects.filter(status=Referral.Status.INELIGIBLE, override_reason="")
    reasons = " ".join(" ".join(r.screen_reasons) for r in ineligible)
    assert "at or over the 36-month limit" in reasons
    assert "No risk factor recorded." in reasons
    assert "no other funding source recorded" in reasons
    assert not ineligible.filter(screen_eligible=True).exists()
    overrides = Referral.objects.exclude(override_reason="")
    assert 1 <= overrides.count() <= 3
    assert not overrides.filter(override_by__isnull=True).exists()
    assert not Referral.objects.filter(status=Referral.Status.CLOSED, closed_reason="").exists()
    assert Referral.objects.filter(status=Referral.Status.NEW, screened_on__isnull=True).exists()


def test_demographics_match_the_evaluated_sample(seeded):
    people = list(Caregiver.objects.all())
    assert len(people) >= 300

    def share(test) -> float:
        return sum(1 for p in people if test(p)) / len(people)

    for race, expected in SAMPLE_RACE_SHARES.items():
        assert abs(share(lambda p, race=race: race in p.races) - expected) <= TOLERANCE, race
    assert abs(share(lambda p: p.races == ["declined"]) - SAMPLE_RACE_UNKNOWN) <= TOLERANCE
    assert all(p.races for p in people)
    assert abs(share(lambda p: p.hispanic == "yes") - SAMPLE_HISPANIC) <= TOLERANCE
    assert abs(share(lambda p: bool(p.programs)) - SAMPLE_MEANS_TESTED) <= TOLERANCE
    insurance = Counter(p.insurance for p in people)
    assert insurance.most_common(1)[0][0] == "medicaid"
    assert all(p.medicaid_id.startswith("DEMO") for p in people if p.insurance == "medicaid")
    assert any(p.tribal_affiliation for p in people if "aian" in p.races)
    assert not any(p.tribal_affiliation for p in people if "aian" not in p.races)
    relationships = {p.relationship for p in people}
    assert relationships >= {"primary", "secondary", "kin", "foster"}


def test_race_draws_match_the_sample_rates_in_expectation():
    rng = random.Random(1)
    draws = [draw_races(rng) for _ in range(20_000)]
    for race, expected in SAMPLE_RACE_SHARES.items():
        assert abs(sum(race in d for d in draws) / len(draws) - expected) < 0.01, race
    declined = sum(d == ["declined"] for d in draws) / len(draws)
    assert abs(declined - SAMPLE_RACE_UNKNOWN) < 0.01
    assert all(d for d in draws)


def test_demo_names_are_obviously_synthetic(seeded):
    names = Family.objects.values_list("display_name", flat=True)
    assert all(name.startswith("Demo ") for name in names)
    assert all(n.startswith("Demo") for n in User.objects.values_list("first_name", flat=True))
    for model in (Caregiver, ReferralCaregiver):
        for first, phone, address in model.objects.values_list("first_name", "phone", "address"):
            assert first.startswith("Demo ")
            assert phone[-8:-2] == "555-01", phone
            assert " Demo " in address, address
    child_names = Child.objects.exclude(first_name="").values_list("first_name", flat=True)
    assert set(child_names) <= set(CHILD_NAMES)


def test_seed_is_deterministic_and_writes_no_audit_events(db):
    def build() -> tuple:
        with transaction.atomic():
            result = seed(families_per_visitor=(2, 3))
            rows = (
                list(Caregiver.objects.order_by("pk").values_list("first_name", "races")),
                list(Referral.objects.order_by("pk").values_list("status", "screen_reasons")),
            )
            assert AuditEvent.objects.count() == 0
            assert verify_audit_chain()[1] is None
            transaction.set_rollback(True)
        return result, rows

    first, first_rows = build()
    second, second_rows = build()
    assert first == second and first_rows == second_rows
    assert first.active_families and first.discharged_families


def test_families_per_visitor_is_the_active_caseload(db):
    result = seed(families_per_visitor=(4, 4))
    for m in Membership.objects.active().filter(role=Role.HOME_VISITOR):
        expected = 4 if m.fte == 1 else 2
        assert Family.objects.active().filter(home_visitor=m.user).count() == expected
    assert result.active_families == Family.objects.active().count()
    assert result.discharged_families == Family.objects.discharged().count()


def test_second_run_is_refused_or_skipped(seeded):
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue()


def test_demo_logins_json_lists_every_role(seeded):
    out = StringIO()
    call_command("demo_logins", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {r["role"] for r in rows} >= {r.value for r in Role}
    assert set(rows[0]) == {"username", "password", "role", "agency", "team"}
    visitor = next(r for r in rows if r["role"] == "home_visitor")
    user = User.objects.get(username=visitor["username"])
    assert user.check_password(visitor["password"])
    assert families_visible_to(user).active().count() >= 6


def test_a_home_visitor_sees_only_their_own_families(seeded):
    visitor = Membership.objects.active().filter(role=Role.HOME_VISITOR).first().user
    seen = families_visible_to(visitor)
    assert seen.exists()
    assert set(seen.values_list("pk", flat=True)) == set(
        Family.objects.filter(home_visitor=visitor).values_list("pk", flat=True)
    )
    assert set(seen.values_list("agency", flat=True)) == {visitor.membership.agency_id}
    # A family transferred to another home visitor is no longer in the first one's view.
    handed_over = Assignment.objects.filter(
        end_date__isnull=False, family__in=Family.objects.active()
    ).exclude(home_visitor__username="former.visitor")
    for earlier in handed_over.select_related("family", "home_visitor"):
        if earlier.family.home_visitor_id != earlier.home_visitor_id:
            assert not families_visible_to(earlier.home_visitor).filter(pk=earlier.family_id)
            break
    else:
        pytest.fail("no transferred family in the demo")
    former = User.objects.get(username="former.visitor")
    assert not families_visible_to(former).exists()
