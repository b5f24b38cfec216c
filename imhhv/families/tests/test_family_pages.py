"""The family chart and its edits: births, caregivers, consents, assignment, discharge."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import add_families
from imhhv.audit.models import AuditEvent
from imhhv.core.ages import add_months
from imhhv.families.models import Caregiver, Child, Consent, Enrollment

TODAY = timezone.localdate()


def url(name, family, *args):
    return reverse(f"families:{name}", args=[family.pk, *args])


@pytest.fixture
def caregiver(cast):
    return Caregiver.objects.create(
        family=cast.family_a,
        relationship="primary",
        first_name="Testa",
        last_name="Example",
        normalized_name="testa example",
    )


def test_chart_shows_transition_banner_from_33_months(cast, login):
    child = cast.family_a.children.get()
    child.birth_date = add_months(TODAY, -34)
    child.first_name = "Robin"
    child.save()
    page = login(cast.hv_a).get(url("detail", cast.family_a)).content.decode()
    third = add_months(child.birth_date, 36)
    assert f"Transition planning: Robin turns 3 on {third:%-d %B %Y}." in page


def test_no_banner_before_33_months(cast, login):
    child = cast.family_a.children.get()
    child.birth_date = add_months(TODAY, -32)
    child.save()
    assert b"Transition planning" not in login(cast.hv_a).get(url("detail", cast.family_a)).content


def caregiver_post(caregiver, version, **overrides):
    data = {
        "relationship": "primary",
        "first_name": caregiver.first_name,
        "last_name": caregiver.last_name,
        "preferred_language": "en",
        "education": "unknown",
        "employment": "unknown",
        "insurance": "unknown",
        "phone": "313-555-0100",
        "version": str(version),
    }
    data.update(overrides)
    return data


def test_two_people_editing_one_family_second_save_is_refused(
    cast, login, caregiver, client, new_events
):
    version = cast.family_a.version
    first = login(cast.hv_a).post(
        url("caregiver_edit", cast.family_a, caregiver.pk),
        caregiver_post(caregiver, version, phone="313-555-0111"),
    )
    assert first.status_code == 302
    second = login(cast.sup_a).post(
        url("caregiver_edit", cast.family_a, caregiver.pk),
        caregiver_post(caregiver, version, phone="313-555-0199"),
        follow=True,
    )
    assert b"Someone else changed this record" in second.content
    caregiver.refresh_from_db()
    assert caregiver.phone == "(313) 555-0111"  # the first save is kept, not overwritten
    updates = list(AuditEvent.objects.filter(action="caregiver.update", outcome="success"))
    assert len(updates) == 1 and updates[0].details["changes"]["phone"] == ["", "(313) 555-0111"]
    assert second.status_code == 409 and b"555-0199" in second.content  # kept to merge
    refused = AuditEvent.objects.get(action="caregiver.update", outcome="denied")
    assert refused.details["reason"] == "stale" and refused.username == "sup_a"


def test_caregiver_edit_access(cast, login, caregiver):
    assert (
        login(cast.hv_a2).get(url("caregiver_edit", cast.family_a, caregiver.pk)).status_code == 404
    )
    assert (
        login(cast.hv_b).get(url("caregiver_edit", cast.family_a, caregiver.pk)).status_code == 404
    )
    assert (
        login(cast.state_admin).get(url("caregiver_edit", cast.family_a, caregiver.pk)).status_code
        == 403
    )


def test_recording_a_birth(cast, login, new_events):
    expected = Child.objects.create(family=cast.family_a, due_date=TODAY + timedelta(days=10))
    client = login(cast.hv_a)
    post = {
        "birth_date": (TODAY + timedelta(days=1)).isoformat(),
        "gestational_age_weeks": "35",
        "birth_weight_grams": "2400",
        "version": str(cast.family_a.version),
    }
    future = client.post(url("birth", cast.family_a, expected.pk), post)
    assert b"cannot be in the future" in future.content
    post["birth_date"] = (TODAY - timedelta(days=2)).isoformat()
    assert client.post(url("birth", cast.family_a, expected.pk), post).status_code == 302
    expected.refresh_from_db()
    assert expected.birth_date == TODAY - timedelta(days=2) and expected.gestational_age_weeks == 35
    assert new_events(action="child.birth")


def test_adding_a_child_with_an_overdue_due_date_is_refused(cast, login):
    client = login(cast.hv_a)
    response = client.post(
        url("child_add", cast.family_a),
        {
            "due_date": (TODAY - timedelta(days=35)).isoformat(),
            "version": str(cast.family_a.version),
        },
    )
    assert b"record the birth" in response.content
    assert cast.family_a.children.count() == 1


def test_consents_are_given_and_revoked_with_dates(cast, login, new_events):
    client = login(cast.hv_a)
    client.post(
        url("consents", cast.family_a),
        {"action": "give", "kind": "part2", "given_on": TODAY.isoformat()},
    )
    consent = Consent.objects.get(family=cast.family_a, kind="part2")
    duplicate = client.post(
        url("consents", cast.family_a),
        {"action": "give", "kind": "part2", "given_on": TODAY.isoformat()},
    )
    assert b"already in force" in duplicate.content
    client.post(
        url("consents", cast.family_a),
        {"action": "revoke", "consent": consent.pk, "revoked_on": TODAY.isoformat()},
    )
    consent.refresh_from_db()
    assert consent.revoked_on == TODAY
    # give, the refused duplicate (re-rendered: a read), revoke
    assert [e.action for e in new_events()] == ["consent.give", "family.read", "consent.revoke"]


def test_transfer_keeps_history_and_warns_over_the_cap(cast, qualified_visitors, login, new_events):
    client = login(cast.sup_a)
    add_families(cast.agency_a, cast.hv_a2, 14)  # hv_a2 now has 15: at the cap
    post = {
        "home_visitor": cast.hv_a2.pk,
        "start_date": TODAY.isoformat(),
        "reason": "",
        "version": cast.family_a.version,
    }
    warned = client.post(url("assign", cast.family_a), post)
    assert b"cap of 15" in warned.content
    post.update(over_cap_confirmed="on", reason="Continuity with the sibling's visitor")
    assert client.post(url("assign", cast.family_a), post).status_code == 302
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a2
    history = list(
        cast.family_a.assignments.order_by("start_date", "pk").values_list(
            "home_visitor", "end_date"
        )
    )
    assert (
        history[-1] == (cast.hv_a2.pk, None)
        and history[0][0] == cast.hv_a.pk
        and history[0][1] is not None
    )
    assert new_events(action="family.assign", outcome="denied")[0].details["reason"] == "over_cap"
    assert new_events(action="family.assign", outcome="success")[0].details["over_cap"] is True


def test_home_visitor_cannot_assign(cast, login):
    assert login(cast.hv_a).get(url("assign", cast.family_a)).status_code == 403


def test_discharge_makes_the_record_read_only_and_reenrollment_opens_a_new_episode(
    cast, login, new_events
):
    sup = login(cast.sup_a)
    response = sup.post(
        url("discharge", cast.family_a),
        {
            "discharged_on": TODAY.isoformat(),
            "reason": "goals_met",
            "planned": "true",
            "transition_plan": "Early Head Start in the fall",
            "referrals_made": "Early Head Start",
            "version": cast.family_a.version,
        },
    )
    assert response.status_code == 302
    assert not cast.family_a.enrollments.filter(discharged_on__isnull=True).exists()
    chart = sup.get(url("detail", cast.family_a)).content.decode()
    assert "read-only" in chart and "Goals met" in chart
    refused = login(cast.hv_a).get(url("child_add", cast.family_a), follow=True)
    assert b"read-only" in refused.content
    assert cast.family_a.pk not in [
        f.pk for f in login(cast.hv_a).get(reverse("families:list")).context["rows"]
    ]
    admin = login(cast.admin_a)
    reenrolled = admin.post(
        url("reenroll", cast.family_a),
        {
            "enrolled_on": TODAY.isoformat(),
            "version": cast.family_a.version + 1,
        },
    )
    assert b"starts after the last discharge" in reenrolled.content
    cast.family_a.refresh_from_db()
    Enrollment.objects.filter(family=cast.family_a).update(
        enrolled_on=TODAY - timedelta(days=300), discharged_on=TODAY - timedelta(days=5)
    )
    ok = admin.post(
        url("reenroll", cast.family_a),
        {"enrolled_on": TODAY.isoformat(), "version": cast.family_a.version},
    )
    assert ok.status_code == 302
    assert cast.family_a.enrollments.count() == 2
    assert [
        e.action for e in new_events() if e.outcome == "success" and e.action.startswith("family.")
    ][-1] == "family.reenroll"


def test_discharge_needs_a_reason_and_a_past_date(cast, login):
    sup = login(cast.sup_a)
    response = sup.post(
        url("discharge", cast.family_a),
        {
            "discharged_on": (TODAY + timedelta(days=2)).isoformat(),
            "reason": "",
            "version": cast.family_a.version,
        },
    )
    assert (
        b"cannot be in the future" in response.content
        and b"This field is required" in response.content
    )
    assert cast.family_a.enrollments.get().discharged_on is None


def test_family_list_filters_discharged(cast, login):
    Enrollment.objects.filter(family=cast.family_a2).update(
        discharged_on=TODAY, discharge_reason="moved"
    )
    sup = login(cast.sup_a)
    active = [f.pk for f, _, _ in sup.get(reverse("families:list")).context["rows"]]
    gone = [
        f.pk
        for f, _, _ in sup.get(reverse("families:list"), {"status": "discharged"}).context["rows"]
    ]
    assert active == [cast.family_a.pk] and gone == [cast.family_a2.pk]


def test_chart_query_count_does_not_grow(cast, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.hv_a)
    counts = []
    for extra in (0, 10):
        for i in range(extra):
            Caregiver.objects.create(
                family=cast.family_a,
                relationship="other_adult",
                first_name=f"A{i}",
                last_name="B",
                normalized_name=f"a{i} b",
            )
            Child.objects.create(family=cast.family_a, birth_date=date(2025, 1, 1))
        client.get(url("detail", cast.family_a))
        with CaptureQueriesContext(connection) as q:
            client.get(url("detail", cast.family_a))
        counts.append(len(q))
    assert counts[0] == counts[1], counts


def test_assignment_and_discharge_dates_cannot_cut_into_history(cast, login):
    from imhhv.families.models import Assignment

    Assignment.objects.filter(family=cast.family_a).update(start_date=TODAY - timedelta(days=3))
    sup = login(cast.sup_a)
    early = sup.post(
        url("discharge", cast.family_a),
        {
            "discharged_on": (TODAY - timedelta(days=5)).isoformat(),
            "reason": "moved",
            "planned": "false",
            "version": cast.family_a.version,
        },
    )
    assert b"discharge on or after that day" in early.content
    future = sup.post(
        url("assign", cast.family_a),
        {
            "home_visitor": cast.hv_a2.pk,
            "start_date": (TODAY + timedelta(days=3)).isoformat(),
            "version": cast.family_a.version,
        },
    )
    assert b"start date cannot be in the future" in future.content
    before = sup.post(
        url("assign", cast.family_a),
        {
            "home_visitor": cast.hv_a2.pk,
            "start_date": (TODAY - timedelta(days=10)).isoformat(),
            "version": cast.family_a.version,
        },
    )
    assert b"start on or after it" in before.content
    assert cast.family_a.assignments.count() == 1
