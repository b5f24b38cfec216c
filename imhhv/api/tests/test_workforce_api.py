"""Workforce API (issue 10, part 6): every endpoint answers for the people in reach with
exactly one audit event, a 404 for a person of another agency and a 403 without the
capability (one denied event each); bad input is a 400 with the field at fault and
nothing saved; session notes reach only the people in the session; the state's
compliance has no names and hides small cells."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from imhhv.api import accounts
from imhhv.api import workforce as api
from imhhv.api.services import issue_token
from imhhv.core import workforce as rules
from imhhv.workforce import services
from imhhv.workforce.models import (
    Cohort,
    CohortMember,
    Leave,
    License,
    SupervisionSession,
    TrainingEntry,
    Waiver,
)
from imhhv.workforce.tests.helpers import NOTE, session

V1 = "/api/v1"


def today():
    return timezone.localdate()


def days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


@pytest.fixture
def call(client, new_events):
    """`call(user, "get", url)` / `call(user, "post", url, body)`: the request with a
    token of `user`, the audit events counted from just before it."""

    def _call(user, method, url, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Token {issue_token(user=user)[0]}"}
        new_events.reset()
        if method == "get":
            return client.get(url, **headers)
        return getattr(client, method)(
            url, json.dumps(body or {}), content_type="application/json", **headers
        )

    return _call


def events(new_events) -> list[tuple[str, str]]:
    return [(e.action, e.outcome) for e in new_events()]


def training_body(**overrides):
    body = {
        "day": days(-3),
        "title": "Synthetic course",
        "hours": "2.5",
        "category": rules.CHILDREN_MENTAL_HEALTH,
    }
    return body | overrides


def license_body(**overrides):
    return {"type": "LMSW", "issued_on": days(-400), "expires_on": days(300)} | overrides


def waiver_body(**overrides):
    return {"fiscal_year": rules.fiscal_year(today()), "requested_on": days(-10)} | overrides


def session_body(cast, **overrides):
    body = {
        "day": days(-7),
        "started_at": "10:00",
        "minutes": 60,
        "format": "individual",
        "supervisor": cast.sup_a.pk,
        "supervisee_ids": [cast.hv_a.pk],
        "families": [{"family": cast.family_a.pk, "supervisee": cast.hv_a.pk}],
        "themes": "Synthetic theme",
        "notes": NOTE,
    }
    return body | overrides


@pytest.fixture
def cohort(cast):
    return services.create_cohort(
        by=cast.state_admin,
        name="Synthetic cohort",
        trainers="Trainer One, Trainer Two",
        start=today() - timedelta(days=60),
        end=today() + timedelta(days=300),
        instruction_sessions=10,
        coaching_calls=12,
    )


# --- the access trio, one audit event each way -------------------------------------------

# (method, url of a person, body, success status, success event)
STAFF_ENDPOINTS = [
    ("get", "/staff/{}/", None, 200, "workforce.profile.read"),
    ("get", "/staff/{}/training/", None, 200, "workforce.profile.read"),
    ("post", "/staff/{}/training/", training_body(), 201, "workforce.training.add"),
    ("post", "/staff/{}/licenses/", license_body(), 201, "workforce.license.add"),
    (
        "post",
        "/staff/{}/leave/",
        {"start": days(-20), "end": days(-10)},
        201,
        "workforce.leave.record",
    ),
    ("post", "/staff/{}/waivers/", waiver_body(), 201, "workforce.waiver.add"),
]
STAFF_IDS = [f"{m} {u}" for m, u, *_ in STAFF_ENDPOINTS]


@pytest.mark.parametrize(
    ("method", "url", "body", "code", "action"), STAFF_ENDPOINTS, ids=STAFF_IDS
)
def test_staff_endpoints_work_for_the_supervisor_with_one_event(
    cast, call, new_events, method, url, body, code, action
):
    response = call(cast.sup_a, method, V1 + url.format(cast.hv_a.pk), body)
    assert response.status_code == code, response.content
    assert events(new_events) == [(action, "success")]


@pytest.mark.parametrize(
    ("method", "url", "body", "code", "action"), STAFF_ENDPOINTS, ids=STAFF_IDS
)
def test_staff_endpoints_another_agency_is_a_404_with_one_denial(
    cast, call, new_events, method, url, body, code, action
):
    response = call(cast.admin_a, method, V1 + url.format(cast.hv_b.pk), body)
    assert response.status_code == 404
    kind = "workforce.read" if method == "get" else "workforce.write"
    assert events(new_events) == [(kind, "denied")]


@pytest.mark.parametrize(
    ("method", "url", "body", "code", "action"), STAFF_ENDPOINTS, ids=STAFF_IDS
)
def test_staff_endpoints_a_colleague_without_a_staff_capability_is_a_403(
    cast, call, new_events, method, url, body, code, action
):
    response = call(cast.hv_a2, method, V1 + url.format(cast.hv_a.pk), body)
    assert response.status_code == 403
    kind = "workforce.read" if method == "get" else "workforce.write"
    assert events(new_events) == [(kind, "denied")]
    assert not TrainingEntry.objects.exists() and not License.objects.exists()
    assert not Leave.objects.exists() and not Waiver.objects.exists()


@pytest.mark.parametrize("url", ["training", "licenses", "leave", "waivers"])
def test_a_write_out_of_reach_is_refused_before_the_body_is_read(cast, call, new_events, url):
    assert call(cast.admin_a, "post", f"{V1}/staff/{cast.hv_b.pk}/{url}/", {}).status_code == 404
    assert events(new_events) == [("workforce.write", "denied")]
    assert call(cast.hv_a2, "post", f"{V1}/staff/{cast.hv_a.pk}/{url}/", {}).status_code == 403
    assert events(new_events) == [("workforce.write", "denied")]
    assert call(cast.hv_a, "post", f"{V1}/staff/{cast.hv_a.pk}/{url}/", {}).status_code == 400
    assert new_events() == []


@pytest.mark.parametrize("staff_id", [0, 999_999, 2**63])
def test_odd_or_missing_staff_ids_are_a_404(cast, call, new_events, staff_id):
    assert call(cast.admin_a, "get", f"{V1}/staff/{staff_id}/").status_code == 404
    assert events(new_events) == [("workforce.read", "denied")]


def test_one_writes_to_one_own_record(cast, call, new_events):
    response = call(cast.hv_a, "post", f"{V1}/staff/{cast.hv_a.pk}/training/", training_body())
    assert response.status_code == 201
    entry = response.json()
    assert entry["hours"] == "2.50" and entry["evidence"] is None and not entry["booster"]
    assert TrainingEntry.objects.get().user == cast.hv_a
    assert events(new_events) == [("workforce.training.add", "success")]


def test_the_staff_list_keeps_its_route(cast):
    assert resolve(f"{V1}/staff/").func.view_class is accounts.StaffListView
    assert resolve(f"{V1}/staff/{cast.hv_a.pk}/").func.view_class is api.StaffDetailView
    assert resolve(f"{V1}/staff-board/").func.view_class is api.StaffBoardView


# --- the profile -----------------------------------------------------------------------------


def test_the_profile_has_every_requirement_the_gate_the_share_and_the_ledgers(cast, call):
    services.add_license(
        by=cast.admin_a,
        staff_id=cast.hv_a.pk,
        type="LMSW",
        issued_on=today() - timedelta(days=400),
        expires_on=today() + timedelta(days=30),
    )
    services.add_training(
        by=cast.hv_a,
        staff_id=cast.hv_a.pk,
        day=today() - timedelta(days=2),
        title="Synthetic course",
        hours=Decimal("3"),
        category=rules.RELATIONSHIP_BASED,
    )
    session(cast.sup_a, [cast.hv_a], day=today() - timedelta(days=7))
    body = call(cast.sup_a, "get", f"{V1}/staff/{cast.hv_a.pk}/").json()
    assert body["staff"] == {"id": cast.hv_a.pk, "name": cast.hv_a.display_name()}
    assert body["role"] == rules.HOME_VISITOR
    record = body["record"]
    requirements = {r["name"]: r for r in record["requirements"]}
    license = requirements[rules.LICENSE]
    assert license["label"] == rules.REQUIREMENT_LABELS[rules.LICENSE]
    assert license["status"] == rules.DUE_SOON and license["next_due"] == days(30)
    assert requirements[rules.DEGREE]["status"] == rules.NOT_MET
    assert all(r["reason"] for r in record["requirements"])
    assert record["may_carry_families"]["ok"] is False
    assert len(record["may_carry_families"]["reasons"]) == 2
    # One session, in last week: 1 of the 12 full weeks counted.
    assert record["weekly_supervision_share"] == round(1 / 12, 4)
    assert [x["type"] for x in body["licenses"]] == ["LMSW"]
    assert [(t["title"], t["hours"]) for t in body["training"]] == [("Synthetic course", "3.00")]
    for ledger in ("degrees", "endorsements", "waivers", "leave", "cohorts", "questionnaires"):
        assert body[ledger] == []
    assert body["self_assessment"] is None and body["coursework"] is None


@pytest.mark.parametrize(("reader", "staff"), [("admin_a", "admin_a"), ("evaluator", "evaluator")])
def test_a_role_without_requirements_has_no_record(cast, call, reader, staff):
    body = call(getattr(cast, reader), "get", f"{V1}/staff/{getattr(cast, staff).pk}/").json()
    assert body["role"] is None and body["record"] is None


def test_the_state_reads_any_agencys_staff(cast, call, new_events):
    body = call(cast.state_admin, "get", f"{V1}/staff/{cast.hv_b.pk}/").json()
    assert body["staff"]["id"] == cast.hv_b.pk and body["record"]["requirements"]
    assert events(new_events) == [("workforce.profile.read", "success")]


def test_the_training_ledger_lists_the_entries_newest_first(cast, call):
    for n in (5, 2):
        services.add_training(
            by=cast.hv_a,
            staff_id=cast.hv_a.pk,
            day=today() - timedelta(days=n),
            title=f"Course {n}",
            hours=1,
            category=rules.OTHER,
        )
    body = call(cast.hv_a, "get", f"{V1}/staff/{cast.hv_a.pk}/training/").json()
    assert body["staff"]["id"] == cast.hv_a.pk
    assert [t["title"] for t in body["training"]] == ["Course 2", "Course 5"]


def test_an_evidence_file_is_described_never_sent(cast, call):
    entry = services.add_training(
        by=cast.hv_a,
        staff_id=cast.hv_a.pk,
        day=today() - timedelta(days=2),
        title="Synthetic course",
        hours=1,
        category=rules.OTHER,
    )
    data = b"%PDF-1.4 synthetic certificate"
    services.attach_evidence(
        by=cast.hv_a, staff_id=cast.hv_a.pk, entry_id=entry.pk, filename="cert.pdf", data=data
    )
    response = call(cast.sup_a, "get", f"{V1}/staff/{cast.hv_a.pk}/training/")
    [row] = response.json()["training"]
    assert row["evidence"] == {
        "filename": "cert.pdf",
        "content_type": "application/pdf",
        "size": len(data),
        "url": reverse("workforce:evidence", args=[cast.hv_a.pk, entry.pk]),
    }
    assert b"synthetic certificate" not in response.content


def test_cohort_attendance_is_on_the_profile(cast, call, cohort):
    services.add_cohort_member(by=cast.state_admin, cohort_id=cohort.pk, staff_id=cast.hv_a.pk)
    body = call(cast.hv_a, "get", f"{V1}/staff/{cast.hv_a.pk}/").json()
    [place] = body["cohorts"]
    assert place["cohort"]["name"] == "Synthetic cohort"
    assert (place["instruction_attended"], place["coaching_attended"]) == (0, 0)


# --- bad input: the field at fault, nothing saved, no event ------------------------------------


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("licenses", license_body(issued_on=days(-10), expires_on=days(-11)), "expires_on"),
        ("licenses", license_body(issued_on=days(2), expires_on=days(400)), "issued_on"),
        ("licenses", license_body(type="MD"), "type"),
        ("training", training_body(hours="-0.5"), "hours"),
        ("training", training_body(hours="24.01"), "hours"),
        ("training", training_body(hours=25), "hours"),
        ("training", training_body(hours="many"), "hours"),
        ("training", training_body(day=days(1)), "day"),
        ("training", training_body(category="cooking"), "category"),
        ("training", training_body(title=""), "title"),
        ("leave", {"start": days(-5), "end": days(-6)}, "end"),
        ("waivers", waiver_body(fiscal_year=1), "fiscal_year"),
        ("waivers", waiver_body(requested_on=days(3)), "requested_on"),
    ],
)
def test_bad_staff_record_input_is_a_400_on_the_field(cast, call, new_events, url, body, field):
    response = call(cast.admin_a, "post", f"{V1}/staff/{cast.hv_a.pk}/{url}/", body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not License.objects.exists() and not TrainingEntry.objects.exists()
    assert not Leave.objects.exists() and not Waiver.objects.exists()
    assert new_events() == []


@pytest.mark.parametrize("hours", ["0", "24"])
def test_training_hours_at_the_bounds_are_saved(cast, call, hours):
    url = f"{V1}/staff/{cast.hv_a.pk}/training/"
    assert call(cast.hv_a, "post", url, training_body(hours=hours)).status_code == 201


def test_a_waiver_for_a_year_already_covered_is_a_400(cast, call, new_events):
    url = f"{V1}/staff/{cast.hv_a.pk}/waivers/"
    first = call(cast.admin_a, "post", url, waiver_body())
    assert first.status_code == 201 and first.json()["fiscal_year"] == rules.fiscal_year(today())
    again = call(cast.admin_a, "post", url, waiver_body(requested_on=days(-1)))
    assert again.status_code == 400 and "fiscal_year" in again.json()
    assert Waiver.objects.count() == 1
    assert new_events() == []


def test_leave_is_recorded(cast, call):
    url = f"{V1}/staff/{cast.hv_a.pk}/leave/"
    response = call(cast.sup_a, "post", url, {"start": days(-20), "end": days(-10)})
    assert response.status_code == 201
    assert response.json() | {"id": 0} == {"id": 0, "start": days(-20), "end": days(-10)}


# --- reflective supervision ----------------------------------------------------------------------


def test_a_supervisor_records_a_session_and_reads_it_back(cast, call, new_events):
    response = call(cast.sup_a, "post", f"{V1}/supervision-sessions/", session_body(cast))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["supervisor"]["id"] == cast.sup_a.pk
    assert created["supervisees"] == [cast.hv_a.pk] and created["families_discussed"] == 1
    assert created["notes"] == NOTE and created["started_at"] == "10:00"
    assert events(new_events) == [("workforce.session.record", "success")]
    listed = call(cast.sup_a, "get", f"{V1}/supervision-sessions/?staff={cast.hv_a.pk}")
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()] == [created["id"]]
    assert listed.json()[0]["notes"] == NOTE
    assert events(new_events) == [("workforce.sessions.read", "success")]


def test_a_supervisor_records_their_own_external_consultation(cast, call):
    body = session_body(
        cast,
        supervisor=None,
        supervisee_ids=[cast.sup_a.pk],
        families=[],
        consultant_name="Consultant Synthetic",
        consultant_credential="IMH-E",
    )
    response = call(cast.sup_a, "post", f"{V1}/supervision-sessions/", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["supervisor"] is None and created["consultant_name"] == "Consultant Synthetic"


def test_a_home_visitor_cannot_record_a_session(cast, call, new_events):
    body = session_body(cast, supervisor=cast.hv_a.pk, supervisee_ids=[cast.hv_a2.pk], families=[])
    response = call(cast.hv_a, "post", f"{V1}/supervision-sessions/", body)
    assert response.status_code == 403
    assert events(new_events) == [("workforce.session.record", "denied")]
    assert not SupervisionSession.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"supervisee_ids": "SUPERVISOR", "families": []}, "supervisee_ids"),  # only supervisee
        ({"day": days(1)}, "day"),  # in the future
        ({"supervisee_ids": "HV_B", "families": []}, "supervisee_ids"),  # another agency
        ({"families": "NOT_CARRIED"}, "families"),  # hv_a does not carry family_a2
        ({"families": "OTHER_AGENCY"}, "families"),
        ({"format": "individual", "supervisee_ids": "TWO"}, "format"),
        ({"minutes": 0}, "minutes"),
        ({"supervisee_ids": ["x"]}, "supervisee_ids"),
        ({"started_at": "25:00"}, "started_at"),
    ],
)
def test_bad_session_input_is_a_400_on_the_field(cast, call, new_events, overrides, field):
    values = {
        "SUPERVISOR": [cast.sup_a.pk],
        "HV_B": [cast.hv_b.pk],
        "TWO": [cast.hv_a.pk, cast.hv_a2.pk],
        "NOT_CARRIED": [{"family": cast.family_a2.pk, "supervisee": cast.hv_a.pk}],
        "OTHER_AGENCY": [{"family": cast.family_b.pk, "supervisee": cast.hv_a.pk}],
    }
    overrides = {k: values.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    response = call(
        cast.sup_a, "post", f"{V1}/supervision-sessions/", session_body(cast, **overrides)
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not SupervisionSession.objects.exists()
    assert new_events() == []


def test_a_session_earlier_today_is_accepted_and_later_today_is_not(cast, call):
    now = timezone.localtime()
    later = (now + timedelta(hours=1)).time()
    if (now + timedelta(hours=1)).date() == now.date():  # not in the last hour of the day
        body = session_body(cast, day=days(0), started_at=later.strftime("%H:%M"))
        response = call(cast.sup_a, "post", f"{V1}/supervision-sessions/", body)
        assert response.status_code == 400 and "day" in response.json()
    body = session_body(cast, day=days(0), started_at="00:00")
    assert call(cast.sup_a, "post", f"{V1}/supervision-sessions/", body).status_code == 201


def test_session_list_trio(cast, call, new_events):
    session(cast.sup_a, [cast.hv_a])
    url = f"{V1}/supervision-sessions/?staff="
    assert call(cast.admin_a, "get", url + str(cast.hv_b.pk)).status_code == 404
    assert events(new_events) == [("workforce.read", "denied")]
    assert call(cast.hv_a2, "get", url + str(cast.hv_a.pk)).status_code == 403
    assert events(new_events) == [("workforce.read", "denied")]
    assert call(cast.hv_b, "get", f"{V1}/supervision-sessions/").json() == []
    assert events(new_events) == [("workforce.sessions.read", "success")]


@pytest.mark.parametrize("query", ["staff=abc", "staff=0", f"staff={2**40}", "start=yesterday"])
def test_bad_session_list_parameters_are_a_400(cast, call, query):
    response = call(cast.sup_a, "get", f"{V1}/supervision-sessions/?{query}")
    assert response.status_code == 400 and query.split("=")[0] in response.json()


@pytest.fixture
def noted(cast):
    """A session of hv_a with sup_a and a group session of both home visitors."""
    return {
        "hv_a": session(cast.sup_a, [cast.hv_a]),
        "group": session(cast.sup_a, [cast.hv_a, cast.hv_a2], notes="Group synthetic note."),
    }


@pytest.mark.parametrize("reader", ["admin_a", "state_admin"])
def test_notes_are_absent_for_the_agency_admin_and_the_state(cast, call, noted, reader):
    user = getattr(cast, reader)
    for url in (f"{V1}/supervision-sessions/", f"{V1}/supervision-sessions/?staff={cast.hv_a.pk}"):
        response = call(user, "get", url)
        assert response.status_code == 200
        rows = response.json()
        assert {r["id"] for r in rows} == {s.pk for s in noted.values()}
        assert all("notes" not in r for r in rows)
        assert NOTE not in response.content.decode()
        assert "Group synthetic note." not in response.content.decode()


def test_notes_are_absent_for_a_home_visitor_outside_the_session(cast, call, noted):
    response = call(cast.hv_a2, "get", f"{V1}/supervision-sessions/")
    rows = {r["id"]: r for r in response.json()}
    assert set(rows) == {noted["group"].pk}  # hv_a's own session is not even listed
    assert rows[noted["group"].pk]["notes"] == "Group synthetic note."
    assert NOTE not in response.content.decode()
    other_team = call(cast.hv_a_other_team, "get", f"{V1}/supervision-sessions/")
    assert other_team.json() == []
    refused = call(cast.hv_a2, "get", f"{V1}/supervision-sessions/?staff={cast.hv_a.pk}")
    assert refused.status_code == 403 and NOTE not in refused.content.decode()


def test_the_people_in_the_session_read_its_notes(cast, call, noted):
    for user in (cast.sup_a, cast.hv_a):
        rows = {r["id"]: r for r in call(user, "get", f"{V1}/supervision-sessions/").json()}
        assert rows[noted["hv_a"].pk]["notes"] == NOTE
        assert rows[noted["group"].pk]["notes"] == "Group synthetic note."


# --- the learning collaborative -----------------------------------------------------------------


def cohort_body(**overrides):
    body = {
        "name": "Synthetic cohort 2",
        "trainers": "Trainer Three",
        "start": days(-10),
        "end": days(355),
        "instruction_sessions": 10,
        "coaching_calls": 12,
    }
    return body | overrides


def test_the_state_creates_a_cohort(cast, call, new_events):
    response = call(cast.state_admin, "post", f"{V1}/cohorts/", cohort_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Synthetic cohort 2" and body["members"] == [] and body["in_progress"]
    assert events(new_events) == [("workforce.cohort.create", "success")]


@pytest.mark.parametrize("user", ["admin_a", "sup_a", "hv_a"])
def test_only_the_state_creates_a_cohort(cast, call, new_events, user):
    response = call(getattr(cast, user), "post", f"{V1}/cohorts/", cohort_body())
    assert response.status_code == 403
    assert events(new_events) == [("workforce.cohort.create", "denied")]
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end": days(-20)}, "non_field_errors"),  # ends before it starts
        ({"name": "synthetic COHORT"}, "name"),  # the fixture's cohort, another case
        ({"coaching_calls": -1}, "coaching_calls"),
        ({"start": "soon"}, "start"),
    ],
)
def test_bad_cohort_input_is_a_400(cast, call, cohort, new_events, overrides, field):
    response = call(cast.state_admin, "post", f"{V1}/cohorts/", cohort_body(**overrides))
    assert response.status_code == 400 and field in response.json(), response.json()
    assert Cohort.objects.count() == 1
    assert new_events() == []


def test_members_and_attendance(cast, call, cohort, new_events):
    url = f"{V1}/cohorts/{cohort.pk}/members/"
    response = call(cast.state_admin, "post", url, {"staff": cast.hv_a.pk})
    assert response.status_code == 201, response.content
    member = response.json()
    assert member["cohort"]["id"] == cohort.pk
    assert events(new_events) == [("workforce.cohort.enroll", "success")]
    again = call(cast.state_admin, "post", url, {"staff": cast.hv_a.pk})
    assert again.status_code == 400 and "staff" in again.json()
    patch = call(
        cast.state_admin,
        "patch",
        f"{V1}/cohort-members/{member['id']}/",
        {"instruction_attended": 4, "coaching_attended": 5},
    )
    assert patch.status_code == 200, patch.content
    assert (patch.json()["instruction_attended"], patch.json()["coaching_attended"]) == (4, 5)
    assert events(new_events) == [("workforce.cohort.attendance", "success")]


def test_cohort_writes_are_the_states_only(cast, call, cohort, new_events):
    url = f"{V1}/cohorts/{cohort.pk}/members/"
    assert call(cast.admin_a, "post", url, {"staff": cast.hv_a.pk}).status_code == 403
    assert events(new_events) == [("workforce.cohort.enroll", "denied")]
    member = services.add_cohort_member(
        by=cast.state_admin, cohort_id=cohort.pk, staff_id=cast.hv_a.pk
    )
    body = {"instruction_attended": 1, "coaching_attended": 1}
    assert call(cast.sup_a, "patch", f"{V1}/cohort-members/{member.pk}/", body).status_code == 403
    assert events(new_events) == [("workforce.cohort.attendance", "denied")]
    assert CohortMember.objects.get().instruction_attended == 0


ATTENDED = {"instruction_attended": 1, "coaching_attended": 1}


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("post", "/cohorts/999999/members/", "HV_A", "cohort"),
        ("post", "/cohorts/COHORT/members/", {"staff": "x"}, "staff"),
        ("post", "/cohorts/COHORT/members/", "ADMIN", "staff"),  # not a visitor or supervisor
        ("patch", "/cohort-members/999999/", ATTENDED, "member"),
        ("patch", "/cohort-members/MEMBER/", "TOO_MANY", "instruction_attended"),
        ("patch", "/cohort-members/MEMBER/", "TOMORROW", "completed_on"),
    ],
)
def test_bad_cohort_member_input_is_a_400(cast, call, cohort, method, url, body, field):
    member = CohortMember.objects.create(cohort=cohort, user=cast.hv_a2)
    url = url.replace("COHORT", str(cohort.pk)).replace("MEMBER", str(member.pk))
    if isinstance(body, str):
        body = {
            "HV_A": {"staff": cast.hv_a.pk},
            "ADMIN": {"staff": cast.admin_a.pk},
            "TOO_MANY": ATTENDED | {"instruction_attended": cohort.instruction_sessions + 1},
            "TOMORROW": ATTENDED | {"completed_on": days(1)},
        }[body]
    response = call(cast.state_admin, method, V1 + url, body)
    assert response.status_code == 400 and field in response.json(), response.json()
    assert CohortMember.objects.count() == 1
    assert CohortMember.objects.get().instruction_attended == 0


def test_cohorts_are_listed_within_reach(cast, call, cohort, new_events):
    for user in (cast.hv_a, cast.hv_b):
        services.add_cohort_member(by=cast.state_admin, cohort_id=cohort.pk, staff_id=user.pk)
    state = call(cast.state_admin, "get", f"{V1}/cohorts/").json()
    assert events(new_events) == [("workforce.cohorts.read", "success")]
    assert [len(c["members"]) for c in state] == [2] and state[0]["enrolled"] == 2
    supervisor = call(cast.sup_a, "get", f"{V1}/cohorts/").json()
    assert [m["staff"]["id"] for m in supervisor[0]["members"]] == [cast.hv_a.pk]
    assert supervisor[0]["enrolled"] == 2
    other_agency = call(cast.hv_b, "get", f"{V1}/cohorts/").json()
    assert [m["staff"]["id"] for m in other_agency[0]["members"]] == [cast.hv_b.pk]
    assert call(cast.hv_a2, "get", f"{V1}/cohorts/").json() == []  # not in any cohort


# --- compliance ------------------------------------------------------------------------------


def names_of(cast) -> list[str]:
    return [u.username for u in cast.users()] + [u.display_name() for u in cast.users()]


def test_compliance_for_the_supervisors_team(cast, call, new_events):
    response = call(cast.sup_a, "get", f"{V1}/compliance/?level=team")
    assert response.status_code == 200
    assert events(new_events) == [("workforce.compliance.read", "success")]
    body = response.json()
    assert [r["name"] for r in body["rows"]] == ["A1"] and not body["suppressed"]
    row = body["rows"][0]
    assert row["staff"] == 3  # hv_a, hv_a2, sup_a
    assert row["cells"][rules.DEGREE] == {"met": 0, "of": 3, "share": 0.0}
    assert {c["name"] for c in body["columns"]} == set(row["cells"])
    assert all(c["label"] for c in body["columns"])


def test_compliance_stays_within_the_agency(cast, call):
    body = call(cast.admin_a, "get", f"{V1}/compliance/?level=team").json()
    assert [r["name"] for r in body["rows"]] == ["A1", "A2"]  # not Beta's B1
    agency = call(cast.admin_a, "get", f"{V1}/compliance/?level=agency").json()
    assert [(r["name"], r["staff"]) for r in agency["rows"]] == [("Alpha CMH", 4)]


@pytest.mark.parametrize(
    ("user", "level"), [("hv_a", "team"), ("sup_a", "agency"), ("admin_a", "state")]
)
def test_compliance_at_a_level_not_yours_is_a_403(cast, call, new_events, user, level):
    response = call(getattr(cast, user), "get", f"{V1}/compliance/?level={level}")
    assert response.status_code == 403
    assert events(new_events) == [("workforce.compliance.read", "denied")]


@pytest.mark.parametrize("query", ["level=nation", "level=", ""])
def test_compliance_needs_a_level(cast, call, new_events, query):
    response = call(cast.sup_a, "get", f"{V1}/compliance/?{query}")
    assert response.status_code == 400 and "level" in response.json()
    assert new_events() == []


@pytest.mark.parametrize(("user", "level"), [("state_admin", "state"), ("evaluator", "agency")])
def test_compliance_for_the_state_has_no_names_and_hides_small_cells(cast, call, user, level):
    response = call(getattr(cast, user), "get", f"{V1}/compliance/?level={level}")
    assert response.status_code == 200
    body = response.json()
    assert body["suppressed"]
    text = response.content.decode()
    assert not [name for name in names_of(cast) if name in text]
    # Five home visitors and supervisors in the state, at most four per agency: every
    # count of people is a small cell.
    for row in [*body["rows"], body["total"]]:
        assert row["staff"] is None
        for cell in row["cells"].values():
            assert cell["share"] is None
            assert cell["of"] in (None, 0)


# --- boards ----------------------------------------------------------------------------------


def test_the_agency_staff_board(cast, call, new_events):
    services.add_license(
        by=cast.admin_a,
        staff_id=cast.hv_a.pk,
        type="LMSW",
        issued_on=today() - timedelta(days=400),
        expires_on=today() + timedelta(days=40),
    )
    response = call(cast.admin_a, "get", f"{V1}/staff-board/")
    assert response.status_code == 200
    assert events(new_events) == [("workforce.staff_board.read", "success")]
    body = response.json()
    ids = {r["staff"]["id"] for r in body["rows"]}
    assert ids == {cast.hv_a.pk, cast.hv_a2.pk, cast.hv_a_other_team.pk, cast.sup_a.pk}
    assert cast.hv_b.pk not in ids  # another agency's
    expiring = [(e["staff"]["id"], e["due"]) for e in body["expiring"]]
    assert (cast.hv_a.pk, days(40)) in expiring  # the license (other items depend on the day)
    assert {pk for pk, _ in expiring} <= ids
    [row] = [r for r in body["rows"] if r["staff"]["id"] == cast.hv_a.pk]
    assert {"what": "License", "due": days(40)} in row["expiring"]


@pytest.mark.parametrize(
    ("user", "action"),
    [("hv_a", "access.capability"), ("state_admin", "workforce.staff_board.read")],
)
def test_the_staff_board_is_the_agency_administrators(cast, call, new_events, user, action):
    assert call(getattr(cast, user), "get", f"{V1}/staff-board/").status_code == 403
    assert events(new_events) == [(action, "denied")]


def test_the_team_board(cast, call, new_events):
    session(cast.sup_a, [cast.hv_a], day=today() - timedelta(days=7))
    response = call(cast.sup_a, "get", f"{V1}/team-board/")
    assert response.status_code == 200
    assert events(new_events) == [("workforce.team_board.read", "success")]
    body = response.json()
    assert body["team"] == "A1" and body["share_weeks"] == 12
    rows = {r["staff"]["id"]: r for r in body["rows"]}
    assert set(rows) == {cast.hv_a.pk, cast.hv_a2.pk}  # not another team's, not Beta's
    assert rows[cast.hv_a.pk]["weekly_supervision_share"] == round(1 / 12, 4)
    assert rows[cast.hv_a2.pk]["weekly_supervision_share"] == 0.0
    assert rows[cast.hv_a.pk]["needs"] and rows[cast.hv_a.pk]["caseload"]["families"] == 1
    assert rows[cast.hv_a.pk]["continuing_education"]["name"] == rules.CONTINUING_EDUCATION


@pytest.mark.parametrize("user", ["hv_a", "admin_a", "state_admin"])
def test_the_team_board_is_the_supervisors(cast, call, new_events, user):
    assert call(getattr(cast, user), "get", f"{V1}/team-board/").status_code == 403
    assert events(new_events) == [("access.capability", "denied")]


# --- the ninth domain ------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["state_admin", "evaluator"])
def test_the_ninth_domain(cast, call, new_events, user):
    fy = rules.fiscal_year(today())
    response = call(getattr(cast, user), "get", f"{V1}/ninth-domain/?fy={fy}")
    assert response.status_code == 200
    assert events(new_events) == [("workforce.ninth_domain.read", "success")]
    body = response.json()
    assert body["fiscal_year"] == fy
    assert {r["name"] for r in body["rows"]} == {"Alpha CMH", "Beta CMH"}
    assert all(r["home_visitors"] is None for r in body["rows"])  # small cells
    text = response.content.decode()
    assert not [name for name in names_of(cast) if name in text]
    default = call(getattr(cast, user), "get", f"{V1}/ninth-domain/").json()
    assert default["fiscal_year"] == fy


@pytest.mark.parametrize("user", ["admin_a", "sup_a", "hv_a"])
def test_the_ninth_domain_is_the_states(cast, call, new_events, user):
    assert call(getattr(cast, user), "get", f"{V1}/ninth-domain/").status_code == 403
    assert events(new_events) == [("access.capability", "denied")]


@pytest.mark.parametrize("fy", ["NEXT", "1999", "abc", "2101"])
def test_a_bad_fiscal_year_is_a_400_on_fy(cast, call, new_events, fy):
    fy = str(rules.fiscal_year(today()) + 1) if fy == "NEXT" else fy
    response = call(cast.state_admin, "get", f"{V1}/ninth-domain/?fy={fy}")
    assert response.status_code == 400 and "fy" in response.json(), response.json()
    assert new_events() == []


# --- the schema ------------------------------------------------------------------------------


def test_the_schema_lists_the_workforce_endpoints(cast, login):
    client = login(cast.hv_a)
    response = client.get(f"{V1}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    for url in (
        "/staff/",
        "/staff/{id}/",
        "/staff/{id}/training/",
        "/staff/{id}/licenses/",
        "/staff/{id}/leave/",
        "/staff/{id}/waivers/",
        "/supervision-sessions/",
        "/cohorts/",
        "/cohorts/{id}/members/",
        "/cohort-members/{id}/",
        "/compliance/",
        "/staff-board/",
        "/team-board/",
        "/ninth-domain/",
    ):
        assert V1 + url in paths
    session_out = json.loads(response.content)["components"]["schemas"]["SessionOut"]
    assert "notes" not in session_out["required"]
