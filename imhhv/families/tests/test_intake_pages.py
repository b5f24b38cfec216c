"""Intake pages: referral, duplicates, screening, override, waitlist, capacity, enrollment."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.families.models import Caregiver, Family, Referral

TODAY = timezone.localdate()


def referral_post(**overrides):
    data = {
        "referral_date": TODAY.isoformat(),
        "source": "pediatric",
        "referrer_name": "Test Referrer",
        "medicaid_status": "enrolled",
        "medicaid_id": "",
        "parent_risk_factors": ["mental_illness"],
        "consent_to_contact": "on",
        "caregiver-TOTAL_FORMS": "2",
        "caregiver-INITIAL_FORMS": "0",
        "caregiver-MIN_NUM_FORMS": "1",
        "caregiver-MAX_NUM_FORMS": "4",
        "caregiver-0-first_name": "Testa",
        "caregiver-0-last_name": "Example",
        "caregiver-0-birth_date": "1998-04-02",
        "caregiver-0-preferred_language": "en",
        "caregiver-1-preferred_language": "en",
        "child-TOTAL_FORMS": "3",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "0",
        "child-MAX_NUM_FORMS": "6",
        "child-0-first_name": "Baby",
        "child-0-birth_date": (TODAY - timedelta(days=120)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def intake(cast, login):
    return login(cast.admin_a)


def create(client, **overrides):
    return client.post(reverse("families:referral_new"), referral_post(**overrides))


def test_referral_is_saved_and_audited(cast, intake, new_events):
    response = create(intake)
    referral = Referral.objects.get()
    assert response["Location"] == reverse("families:referral", args=[referral.pk])
    assert referral.agency == cast.agency_a and referral.status == "new"
    assert [c.normalized_name for c in referral.caregivers.all()] == ["testa example"]
    assert [e.action for e in new_events()] == ["referral.create"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"child-0-birth_date": (TODAY + timedelta(days=3)).isoformat()},
            "cannot be in the future",
        ),
        (
            {"pregnant": "on", "due_date": (TODAY + timedelta(days=330)).isoformat()},
            "more than 10 months",
        ),
        (
            {"pregnant": "on", "due_date": (TODAY - timedelta(days=40)).isoformat()},
            "more than 4 weeks ago",
        ),
        ({"pregnant": "on", "due_date": ""}, "Give the due date"),
        ({"parent_risk_factors": ["no_such_code"]}, "Select a valid choice"),
        ({"caregiver-0-first_name": ""}, "This field is required"),
        ({"referral_date": "2099-01-01"}, "cannot be in the future"),
    ],
)
def test_bad_referral_input_gets_field_errors_and_saves_nothing(intake, overrides, message):
    response = create(intake, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_possible_duplicates_are_shown_before_saving(cast, intake, new_events):
    create(intake)
    again = create(
        intake, **{"caregiver-0-first_name": " TESTA ", "caregiver-0-last_name": "example"}
    )
    assert again.status_code == 409
    assert b"Possible duplicates" in again.content
    assert Referral.objects.count() == 1
    by_medicaid = create(
        intake,
        medicaid_id="MI-TEST-1",
        **{"caregiver-0-first_name": "Other", "caregiver-0-birth_date": ""},
    )
    assert Referral.objects.count() == 2  # different person, no Medicaid match yet
    assert by_medicaid.status_code == 302
    create(
        intake,
        medicaid_id="MI-TEST-1",
        **{"caregiver-0-first_name": "Third", "caregiver-0-birth_date": ""},
    )
    assert Referral.objects.count() == 2
    confirmed = create(
        intake,
        not_a_duplicate="on",
        medicaid_id="MI-TEST-1",
        **{"caregiver-0-first_name": "Third", "caregiver-0-birth_date": ""},
    )
    assert confirmed.status_code == 302 and Referral.objects.count() == 3


def test_duplicates_include_enrolled_families(cast, intake):
    cg = Caregiver.objects.create(
        family=cast.family_a,
        relationship="primary",
        first_name="Testa",
        last_name="Example",
        normalized_name="testa example",
        birth_date=date(1998, 4, 2),
    )
    response = create(intake)
    assert b"Possible duplicates" in response.content
    assert reverse("families:detail", args=[cg.family_id]).encode() in response.content


def screen(client, referral):
    return client.post(reverse("families:referral", args=[referral.pk]), {"action": "screen"})


def test_screening_eligible_and_the_waitlist(cast, intake, new_events):
    create(intake)
    referral = Referral.objects.get()
    screen(intake, referral)
    referral.refresh_from_db()
    assert referral.status == "eligible" and referral.screen_eligible
    assert any("under the 36-month limit" in r for r in referral.screen_reasons)
    page = intake.get(reverse("families:waitlist"))
    assert page.status_code == 200 and b"Testa Example" in page.content
    assert [e.action for e in new_events()][-1] == "waitlist.read"


def test_child_over_the_limit_screens_ineligible_with_the_reason(intake):
    create(intake, **{"child-0-birth_date": (TODAY - timedelta(days=365 * 3 + 30)).isoformat()})
    referral = Referral.objects.get()
    screen(intake, referral)
    referral.refresh_from_db()
    assert referral.status == "ineligible"
    page = intake.get(reverse("families:referral", args=[referral.pk])).content.decode()
    assert "at or over the 36-month limit" in page


def test_only_a_supervisor_overrides_with_a_reason(cast, login, new_events):
    admin = login(cast.admin_a)
    create(admin, parent_risk_factors=[])
    referral = Referral.objects.get()
    screen(admin, referral)
    referral.refresh_from_db()
    assert referral.status == "ineligible"
    url = reverse("families:referral", args=[referral.pk])
    refused = admin.post(
        url,
        {"action": "override", "eligible": "true", "override_reason": "Clinical judgement here"},
    )
    assert refused.status_code == 403
    assert new_events(action="referral.override", outcome="denied")
    sup = login(cast.sup_a)
    too_short = sup.post(url, {"action": "override", "eligible": "true", "override_reason": "ok"})
    assert b"at least 10 characters" in too_short.content
    sup.post(
        url,
        {
            "action": "override",
            "eligible": "true",
            "override_reason": "Infant with feeding concerns seen by clinic",
        },
    )
    referral.refresh_from_db()
    assert referral.status == "eligible" and referral.override_by == cast.sup_a
    assert new_events(action="referral.override")[0].details["reason"].startswith("Infant")


def test_other_agency_referral_is_404_and_home_visitor_is_403(cast, login, intake):
    create(intake)
    referral = Referral.objects.get()
    assert login(cast.hv_b).get(reverse("families:referral", args=[referral.pk])).status_code == 403
    from imhhv.accounts.models import Membership
    from imhhv.core.roles import Role

    other_admin = type(cast.admin_a).objects.create(username="admin_b")
    Membership.objects.create(
        user=other_admin,
        role=Role.AGENCY_ADMIN,
        agency=cast.agency_b,
        start_date=TODAY - timedelta(days=10),
    )
    assert (
        login(other_admin).get(reverse("families:referral", args=[referral.pk])).status_code == 404
    )
    assert login(cast.hv_a).get(reverse("families:waitlist")).status_code == 403


def enroll_post(referral, visitor=None, **overrides):
    data = {
        "enrolled_on": TODAY.isoformat(),
        "consents": ["services", "deidentified"],
        "home_visitor": str(visitor.pk) if visitor else "",
        "caregiver-TOTAL_FORMS": "1",
        "caregiver-INITIAL_FORMS": "0",
        "caregiver-MIN_NUM_FORMS": "1",
        "caregiver-MAX_NUM_FORMS": "6",
        "caregiver-0-relationship": "primary",
        "caregiver-0-first_name": "Testa",
        "caregiver-0-last_name": "Example",
        "caregiver-0-preferred_language": "en",
        "caregiver-0-races": ["black", "white"],
        "caregiver-0-hispanic": "no",
        "caregiver-0-education": "hs",
        "caregiver-0-employment": "part_time",
        "caregiver-0-programs": ["medicaid", "wic"],
        "caregiver-0-insurance": "medicaid",
        "child-TOTAL_FORMS": "1",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1",
        "child-MAX_NUM_FORMS": "6",
        "child-0-first_name": "Baby",
        "child-0-birth_date": (TODAY - timedelta(days=120)).isoformat(),
        "child-0-gestational_age_weeks": "34",
        "child-0-birth_weight_grams": "2100",
    }
    data.update(overrides)
    return data


def eligible_referral(client):
    create(client)
    referral = Referral.objects.get()
    screen(client, referral)
    return referral


def test_enrollment_makes_a_family_with_people_consents_and_a_visitor(
    cast, qualified_visitors, intake, new_events
):
    referral = eligible_referral(intake)
    page = intake.get(reverse("families:enroll", args=[referral.pk]))
    assert page.status_code == 200 and b'value="Testa"' in page.content  # prefilled from intake
    response = intake.post(
        reverse("families:enroll", args=[referral.pk]), enroll_post(referral, cast.hv_a)
    )
    family = Family.objects.get(referrals=referral)
    assert response["Location"] == reverse("families:detail", args=[family.pk])
    caregiver = family.caregivers.get()
    assert caregiver.races == ["black", "white"] and caregiver.programs == ["medicaid", "wic"]
    assert sorted(family.consents.values_list("kind", flat=True)) == ["deidentified", "services"]
    assert family.home_visitor == cast.hv_a and family.assignments.count() == 1
    referral.refresh_from_db()
    assert referral.status == "enrolled"
    assert [e.action for e in new_events()][-2:] == ["family.enroll", "family.assign"]
    chart = intake.get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "corrected" in chart  # born at 34 weeks, four months ago


def test_enrollment_without_consent_to_services_is_refused(intake):
    referral = eligible_referral(intake)
    response = intake.post(
        reverse("families:enroll", args=[referral.pk]),
        enroll_post(referral, consents=["deidentified"]),
    )
    assert b"consent to services" in response.content
    assert not Family.objects.filter(referrals=referral).exists()


def test_enrollment_over_the_cap_needs_confirmation(cast, qualified_visitors, intake):
    from conftest import add_families

    add_families(cast.agency_a, cast.hv_a, 14)  # hv_a now has 15 active: full at 1.0 FTE
    referral = eligible_referral(intake)
    url = reverse("families:enroll", args=[referral.pk])
    warned = intake.post(url, enroll_post(referral, cast.hv_a))
    assert warned.status_code == 409 and b"cap of 15" in warned.content
    assert not Family.objects.filter(referrals=referral).exists()
    ok = intake.post(
        url,
        enroll_post(
            referral,
            cast.hv_a,
            over_cap_confirmed="on",
            assign_reason="Sibling of a current family",
        ),
    )
    assert ok.status_code == 302
    assert Family.objects.get(referrals=referral).assignments.get().over_cap_confirmed


def test_capacity_page_shows_open_slots(cast, login):
    page = login(cast.sup_a).get(reverse("families:capacity"))
    rows = {
        v.membership.user_id: (v.active, v.capacity, v.open_slots) for v in page.context["capacity"]
    }
    assert rows[cast.hv_a.pk] == (1, 15, 14)
    assert login(cast.hv_a).get(reverse("families:capacity")).status_code == 403


def test_state_home_shows_waitlist_counts_without_names(cast, intake, login):
    for i in range(11):
        create(intake, **{"caregiver-0-first_name": f"Person{i}", "caregiver-0-birth_date": ""})
    for referral in Referral.objects.all():
        screen(intake, referral)
    page = login(cast.state_admin).get(reverse("reports:home"))
    row = next(r for r in page.context["home"].rows if r.agency == cast.agency_a)
    assert row.waiting == 11
    assert b"Person1" not in page.content


def test_waitlist_flags_a_child_who_aged_out_while_waiting(cast, intake, login):
    create(intake, **{"child-0-birth_date": (TODAY - timedelta(days=365 * 3 - 5)).isoformat()})
    referral = Referral.objects.get()
    screen(intake, referral)
    referral.refresh_from_db()
    assert referral.status == "eligible"
    import time_machine

    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        page = login(cast.admin_a).get(reverse("families:waitlist"))
    assert page.context["rows"][0].rescreen.startswith("The youngest child is now 36 months")


def test_reenrolled_family_starts_unassigned_and_can_go_back_to_its_visitor(
    cast, qualified_visitors, login
):
    from imhhv.families.models import Enrollment
    from imhhv.families.services import assign_home_visitor, discharge_family, reenroll_family

    discharge_family(
        family=cast.family_a, by=cast.sup_a, discharged_on=TODAY, reason="moved", planned=False
    )
    Enrollment.objects.filter(family=cast.family_a).update(
        enrolled_on=TODAY - timedelta(days=300), discharged_on=TODAY - timedelta(days=3)
    )
    cast.family_a.assignments.update(
        start_date=TODAY - timedelta(days=300), end_date=TODAY - timedelta(days=3)
    )
    reenroll_family(family=cast.family_a, by=cast.admin_a, enrolled_on=TODAY)
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor is None
    assert cast.family_a.pk in [
        f.pk for f, _, _ in login(cast.sup_a).get(reverse("families:list")).context["rows"]
    ]
    assign_home_visitor(
        family=cast.family_a, home_visitor=cast.hv_a, by=cast.sup_a, start_date=TODAY
    )
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a
