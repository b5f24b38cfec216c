"""API v1, the family journey: referrals, screening, waitlist, capacity, families.

Every endpoint: works / another agency's record is a 404 like a missing one (audited) /
a role without the capability gets 403 (audited) / a read writes exactly one event.
"""

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import add_families
from imhhv.api.services import issue_token
from imhhv.core.ages import add_months, age_in_months, corrected_age_months
from imhhv.core.names import normalize_name
from imhhv.families.models import (
    Caregiver,
    Child,
    Consent,
    Enrollment,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)
from imhhv.families.services import FamilyIsDischarged, StaleEdit
from imhhv.reference.models import RiskFactor

TODAY = timezone.localdate()
REFERRALS = "/api/v1/referrals/"
WAITLIST = "/api/v1/waitlist/"
CAPACITY = "/api/v1/capacity/"
CAPACITY_STATE = "/api/v1/capacity/state/"
FAMILIES = "/api/v1/families/"
W = Referral.Status.ELIGIBLE


class Api:
    """The test client, signed in with a token."""

    def __init__(self, client, key):
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Token {key}"}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, **self.headers)

    def post(self, url, body=None):
        data = body if isinstance(body, str) else json.dumps(body or {}, default=str)
        return self.client.post(url, data, content_type="application/json", **self.headers)


@pytest.fixture
def api(client, new_events):
    """`api(user)`: a client with a fresh token for `user`; the audit trail starts after."""

    def _as(user):
        key = issue_token(user=user)[0]
        new_events.reset()
        return Api(client, key)

    return _as


def trail(new_events):
    return [(e.action, e.outcome) for e in new_events()]


def referral_url(referral, action=""):
    return f"{REFERRALS}{referral if isinstance(referral, int) else referral.pk}/" + (
        f"{action}/" if action else ""
    )


def family_url(family, action=""):
    return f"{FAMILIES}{family if isinstance(family, int) else family.pk}/" + (
        f"{action}/" if action else ""
    )


def referral_body(**overrides):
    body = {
        "referral_date": TODAY.isoformat(),
        "source": "pediatric",
        "referrer_name": "Test Referrer",
        "medicaid_status": "enrolled",
        "risk_factors": ["mental_illness"],
        "consent_to_contact": True,
        "caregivers": [
            {
                "first_name": "Testa",
                "last_name": "Example",
                "birth_date": "1998-04-02",
                "phone": "313-555-0100",
                "preferred_language": "es",
                "interpreter_needed": True,
            }
        ],
        "children": [
            {"first_name": "Baby", "birth_date": (TODAY - timedelta(days=120)).isoformat()}
        ],
    }
    body.update(overrides)
    return body


def make_referral(
    agency,
    *,
    status=Referral.Status.NEW,
    referral_date=TODAY,
    pregnant=False,
    due_date=None,
    births=(),
    risks=("mental_illness",),
    name=("Rita", "Referral"),
    birth_date=date(1995, 1, 1),
):
    referral = Referral.objects.create(
        agency=agency,
        referral_date=referral_date,
        source="self",
        pregnant=pregnant,
        due_date=due_date,
        medicaid_status="enrolled",
        status=status,
    )
    referral.risk_factors.set(RiskFactor.objects.filter(code__in=risks))
    ReferralCaregiver.objects.create(
        referral=referral,
        first_name=name[0],
        last_name=name[1],
        normalized_name=normalize_name(*name),
        birth_date=birth_date,
    )
    for birth in births:
        ReferralChild.objects.create(referral=referral, birth_date=birth)
    return referral


def dig(body, path):
    """The messages at `path`; nested list errors are keyed by the item's index (DRF)."""
    for key in path:
        body = body[str(key)]
    return " ".join(body)


# --- capability: 403 and audited, nothing changed ---------------------------------------

FORBIDDEN = [
    ("get", "referrals", "hv_a"),
    ("get", "referrals", "state_admin"),
    ("post", "referrals", "hv_a"),
    ("post", "referrals", "evaluator"),
    ("get", "referral", "hv_a"),
    ("get", "referral", "state_admin"),
    ("post", "screen", "hv_a"),
    ("post", "screen", "nobody"),
    ("post", "override", "admin_a"),  # intake staff, but overriding needs `supervise`
    ("post", "override", "hv_a"),
    ("get", "waitlist", "hv_a"),
    ("get", "waitlist", "state_admin"),
    ("get", "capacity", "hv_a"),
    ("get", "capacity", "state_admin"),
    ("get", "capacity_state", "admin_a"),
    ("get", "capacity_state", "sup_a"),
    ("get", "family", "state_admin"),
    ("post", "assign", "hv_a"),
    ("post", "assign", "evaluator"),
    ("post", "discharge", "hv_a"),
    ("post", "discharge", "state_admin"),
]


@pytest.mark.parametrize(("method", "name", "who"), FORBIDDEN)
def test_roles_without_the_capability_get_403_audited_and_nothing_changes(
    cast, api, new_events, method, name, who
):
    referral = make_referral(cast.agency_a)
    url = {
        "referrals": REFERRALS,
        "referral": referral_url(referral),
        "screen": referral_url(referral, "screen"),
        "override": referral_url(referral, "override"),
        "waitlist": WAITLIST,
        "capacity": CAPACITY,
        "capacity_state": CAPACITY_STATE,
        "family": family_url(cast.family_a),
        "assign": family_url(cast.family_a, "assign"),
        "discharge": family_url(cast.family_a, "discharge"),
    }[name]
    body = {
        "home_visitor": cast.hv_a2.pk,
        "eligible": True,
        "reason": "goals_met",
        "discharged_on": TODAY.isoformat(),
        "planned": True,
    }
    client = api(getattr(cast, who))
    response = client.get(url) if method == "get" else client.post(url, body)
    assert response.status_code == 403
    assert trail(new_events) == [("access.capability", "denied")]
    referral.refresh_from_db()
    cast.family_a.refresh_from_db()
    assert referral.status == "new" and Referral.objects.count() == 1
    assert cast.family_a.home_visitor == cast.hv_a
    assert cast.family_a.enrollments.filter(discharged_on__isnull=True).exists()


# --- referral list ----------------------------------------------------------------------


def test_referral_list_is_agency_scoped_and_audited_once(cast, api, new_events):
    mine = make_referral(cast.agency_a)
    make_referral(cast.agency_b)
    response = api(cast.sup_a).get(REFERRALS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["primary_caregiver"] == "Rita Referral" and rows[0]["status"] == "new"
    events = new_events()
    assert [(e.action, e.outcome, e.username) for e in events] == [
        ("referral.list", "success", "sup_a")
    ]
    assert events[0].details["ids"] == [mine.pk]


def test_referral_list_filters_by_status_and_refuses_an_unknown_one(cast, api, new_events):
    waiting = make_referral(cast.agency_a, status=W)
    make_referral(cast.agency_a)
    client = api(cast.admin_a)
    response = client.get(REFERRALS, {"status": "eligible"})
    assert [r["id"] for r in response.json()["results"]] == [waiting.pk]
    bad = client.get(REFERRALS, {"status": "maybe"})
    assert bad.status_code == 400 and "status" in bad.json()
    assert trail(new_events) == [("referral.list", "success")]


# --- creating a referral ----------------------------------------------------------------


def test_create_referral(cast, api, new_events):
    response = api(cast.admin_a).post(
        REFERRALS, referral_body(risk_factors=["mental_illness", "premature_fragile"])
    )
    assert response.status_code == 201
    body = response.json()
    referral = Referral.objects.get()
    assert body["id"] == referral.pk and body["status"] == "new"
    assert referral.agency == cast.agency_a and referral.created_by == cast.admin_a
    assert sorted(body["risk_factors"]) == ["mental_illness", "premature_fragile"]
    person = body["caregivers"][0]
    assert (person["first_name"], person["preferred_language"], person["interpreter_needed"]) == (
        "Testa",
        "es",
        True,
    )
    assert [c["first_name"] for c in body["children"]] == ["Baby"]
    assert [c.normalized_name for c in referral.caregivers.all()] == ["testa example"]
    assert trail(new_events) == [("referral.create", "success")]


def test_a_child_over_the_age_limit_is_a_valid_referral(cast, api):
    old = add_months(TODAY, -37).isoformat()
    response = api(cast.admin_a).post(REFERRALS, referral_body(children=[{"birth_date": old}]))
    assert response.status_code == 201


TOMORROW = (TODAY + timedelta(days=1)).isoformat()
ONE_CAREGIVER = {"first_name": "Testa", "last_name": "Example"}


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"children": [{"birth_date": TOMORROW}]}, ("children", 0, "birth_date"), "future"),
        (
            {"pregnant": True, "due_date": (TODAY + timedelta(days=330)).isoformat()},
            ("due_date",),
            "more than 10 months",
        ),
        (
            {"pregnant": True, "due_date": (TODAY - timedelta(days=40)).isoformat()},
            ("due_date",),
            "more than 4 weeks ago",
        ),
        ({"pregnant": True}, ("due_date",), "Give the due date"),
        (
            {"risk_factors": ["mental_illness", "no_such_code"]},
            ("risk_factors",),
            "Unknown risk factor code: no_such_code",
        ),
        ({"risk_factors": "mental_illness"}, ("risk_factors",), "Expected a list"),
        ({"caregivers": []}, ("caregivers",), "at least one caregiver"),
        ({"caregivers": [ONE_CAREGIVER] * 5}, ("caregivers",), "at most four"),
        ({"caregivers": "Testa"}, ("caregivers",), "Expected a list"),
        ({"caregivers": [{"first_name": "A"}]}, ("caregivers", 0, "last_name"), "required"),
        (
            {"caregivers": [{**ONE_CAREGIVER, "birth_date": TOMORROW}]},
            ("caregivers", 0, "birth_date"),
            "future",
        ),
        (
            {"caregivers": [{**ONE_CAREGIVER, "preferred_language": "xx"}]},
            ("caregivers", 0, "preferred_language"),
            "not a valid choice",
        ),
        ({"referral_date": TOMORROW}, ("referral_date",), "cannot be in the future"),
        ({"referral_date": "22/11/2026"}, ("referral_date",), "wrong format"),
        ({"source": "rumour"}, ("source",), "not a valid choice"),
        ({"medicaid_status": "sure"}, ("medicaid_status",), "not a valid choice"),
        ({"children": [{"first_name": "No date"}]}, ("children", 0, "birth_date"), "required"),
    ],
)
def test_bad_referral_input_gets_field_errors_and_saves_nothing(
    cast, api, new_events, overrides, path, message
):
    response = api(cast.admin_a).post(REFERRALS, referral_body(**overrides))
    assert response.status_code == 400
    assert message in dig(response.json(), path)
    assert not Referral.objects.exists()
    assert not new_events(action="referral.create")


@pytest.mark.parametrize(
    ("raw", "key"), [("{not json", "detail"), ("[1, 2]", "non_field_errors"), ("{}", "source")]
)
def test_malformed_or_empty_bodies_are_400(cast, api, raw, key):
    response = api(cast.admin_a).post(REFERRALS, raw)
    assert response.status_code == 400 and key in response.json()
    assert not Referral.objects.exists()


def test_possible_duplicates_answer_409_and_save_nothing_until_confirmed(cast, api, new_events):
    client = api(cast.admin_a)
    first = client.post(REFERRALS, referral_body()).json()["id"]
    same_person = [{"first_name": " TESTA ", "last_name": "example", "birth_date": "1998-04-02"}]
    again = client.post(REFERRALS, referral_body(caregivers=same_person))
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "possible_duplicates"
    assert [r["id"] for r in body["referrals"]] == [first] and body["families"] == []
    assert body["hidden"] == 0 and body["ask"] == ""
    assert Referral.objects.count() == 1
    confirmed = client.post(
        REFERRALS, referral_body(caregivers=same_person, confirm_not_duplicate=True)
    )
    assert confirmed.status_code == 201 and Referral.objects.count() == 2
    assert trail(new_events) == [
        ("referral.create", "success"),
        ("referral.create", "denied"),  # possible duplicates, nothing saved
        ("referral.create", "success"),
    ]


def test_duplicates_by_medicaid_id_and_in_enrolled_families(cast, api):
    Caregiver.objects.create(
        family=cast.family_a,
        relationship="primary",
        first_name="Fran",
        last_name="Family",
        normalized_name=normalize_name("Fran", "Family"),
        birth_date=date(1990, 5, 5),
        medicaid_id="MI-TEST-9",
    )
    client = api(cast.admin_a)
    by_id = client.post(REFERRALS, referral_body(medicaid_id="MI-TEST-9"))
    assert by_id.status_code == 409
    named = [{"id": cast.family_a.pk, "name": cast.family_a.display_name}]
    assert by_id.json()["families"] == named
    person = [{"first_name": "fran", "last_name": "FAMILY", "birth_date": "1990-05-05"}]
    by_name = client.post(REFERRALS, referral_body(caregivers=person))
    assert by_name.status_code == 409
    assert by_name.json()["families"] == named
    assert not Referral.objects.exists()


def test_another_agencys_referral_is_not_a_duplicate(cast, api):
    make_referral(cast.agency_b, name=("Testa", "Example"), birth_date=date(1998, 4, 2))
    assert api(cast.admin_a).post(REFERRALS, referral_body()).status_code == 201


# --- referral detail, screening, override -----------------------------------------------


def test_referral_detail_works_and_is_audited_once(cast, api, new_events):
    referral = make_referral(
        cast.agency_a, births=[TODAY - timedelta(days=40)], risks=("substance_use",)
    )
    response = api(cast.admin_a).get(referral_url(referral))
    assert response.status_code == 200
    body = response.json()
    assert body["risk_factors"] == ["substance_use"]
    assert [c["last_name"] for c in body["caregivers"]] == ["Referral"]
    assert [c["birth_date"] for c in body["children"]] == [(TODAY - timedelta(days=40)).isoformat()]
    assert body["status"] == "new" and body["screen_eligible"] is None
    assert body["override_reason"] == "" and body["override_by"] is None
    assert trail(new_events) == [("referral.read", "success")]


@pytest.mark.parametrize(
    ("method", "action"), [("get", ""), ("post", "screen"), ("post", "override")]
)
def test_another_agencys_referral_is_404_like_a_missing_one(cast, api, new_events, method, action):
    theirs = make_referral(cast.agency_b)
    client = api(cast.sup_a)
    call = client.get if method == "get" else client.post
    kwargs = {} if method == "get" else {"body": {"eligible": True, "reason": "x" * 20}}
    hidden = call(referral_url(theirs, action), **kwargs)
    missing = call(referral_url(999999, action), **kwargs)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert trail(new_events) == [("referral.read", "denied")] * 2
    theirs.refresh_from_db()
    assert theirs.status == "new"


def test_screen_eligible(cast, api, new_events):
    client = api(cast.admin_a)
    referral = client.post(REFERRALS, referral_body()).json()["id"]
    new_events.reset()
    response = client.post(referral_url(referral, "screen"))
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is True and set(body) == {"eligible", "reasons", "warnings"}
    assert any("under the 36-month limit" in r for r in body["reasons"])
    assert trail(new_events) == [("referral.screen", "success")]
    detail = client.get(referral_url(referral)).json()
    assert detail["status"] == "eligible" and detail["screen_reasons"] == body["reasons"]


def test_a_child_over_the_age_limit_screens_ineligible_with_the_reason(cast, api):
    client = api(cast.admin_a)
    old = add_months(TODAY, -37).isoformat()
    referral = client.post(REFERRALS, referral_body(children=[{"birth_date": old}])).json()["id"]
    response = client.post(referral_url(referral, "screen"))
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False
    assert any("at or over the 36-month limit" in r for r in body["reasons"])
    assert "No child under 36 months and not pregnant." in body["reasons"]
    assert Referral.objects.get(pk=referral).status == "ineligible"


def test_an_enrolled_referral_cannot_be_screened_again(cast, api, new_events):
    referral = make_referral(cast.agency_a, status=Referral.Status.ENROLLED)
    response = api(cast.admin_a).post(referral_url(referral, "screen"))
    assert response.status_code == 400 and "already enrolled" in dig(
        response.json(), ("non_field_errors",)
    )
    assert trail(new_events) == []


def test_supervisor_overrides_the_rule_with_a_written_reason(cast, api, new_events):
    referral = make_referral(cast.agency_a, status=Referral.Status.INELIGIBLE)
    client = api(cast.sup_a)
    short = client.post(referral_url(referral, "override"), {"eligible": True, "reason": "because"})
    assert short.status_code == 400 and "at least 10 characters" in dig(short.json(), ("reason",))
    missing = client.post(referral_url(referral, "override"), {"reason": "x" * 20})
    assert missing.status_code == 400 and "eligible" in missing.json()
    reason = "Clinical judgement: the family is in crisis"
    ok = client.post(referral_url(referral, "override"), {"eligible": True, "reason": reason})
    assert ok.status_code == 200
    body = ok.json()
    assert (body["status"], body["override_reason"], body["override_by"]) == (
        "eligible",
        reason,
        "sup_a",
    )
    assert trail(new_events) == [("referral.override", "success")]


# --- waitlist ---------------------------------------------------------------------------


def test_waitlist_is_ranked_by_the_policy_and_shows_no_names(cast, api, new_events):
    older_infant = make_referral(
        cast.agency_a,
        status=W,
        referral_date=TODAY - timedelta(days=60),
        births=[TODAY - timedelta(days=300)],
    )
    young_infant = make_referral(
        cast.agency_a,
        status=W,
        referral_date=TODAY - timedelta(days=5),
        births=[TODAY - timedelta(days=30)],
    )
    pregnant = make_referral(
        cast.agency_a,
        status=W,
        referral_date=TODAY - timedelta(days=1),
        pregnant=True,
        due_date=TODAY + timedelta(days=60),
    )
    more_risk = make_referral(
        cast.agency_a,
        status=W,
        referral_date=TODAY - timedelta(days=2),
        births=[TODAY - timedelta(days=300)],
        risks=("mental_illness", "substance_use"),
    )
    make_referral(cast.agency_a)  # not screened: not waiting
    make_referral(cast.agency_b, status=W)  # another agency's
    response = api(cast.admin_a).get(WAITLIST)
    assert response.status_code == 200
    body = response.json()
    assert body["priority"] == ["pregnant", "youngest_child", "risk_count", "days_waiting"]
    rows = body["results"]
    assert body["count"] == 4
    assert [r["referral"] for r in rows] == [
        pregnant.pk,
        young_infant.pk,
        more_risk.pk,
        older_infant.pk,
    ]
    assert [r["position"] for r in rows] == [1, 2, 3, 4]
    assert rows[3] == {
        "position": 4,
        "referral": older_infant.pk,
        "referral_date": (TODAY - timedelta(days=60)).isoformat(),
        "days_waiting": 60,
        "pregnant": False,
        "youngest_child_birth": (TODAY - timedelta(days=300)).isoformat(),
        "risk_count": 1,
    }
    assert rows[0]["youngest_child_birth"] is None and rows[2]["risk_count"] == 2
    assert b"Rita" not in response.content and b"Referral" not in response.content
    assert trail(new_events) == [("waitlist.read", "success")]


# --- capacity ---------------------------------------------------------------------------


def test_capacity_per_home_visitor_of_the_agency(cast, api, new_events):
    add_families(cast.agency_a, cast.hv_a2, 14)
    response = api(cast.sup_a).get(CAPACITY)
    assert response.status_code == 200
    rows = {r["user"]: r for r in response.json()}
    assert set(rows) == {cast.hv_a.pk, cast.hv_a2.pk, cast.hv_a_other_team.pk}
    assert rows[cast.hv_a2.pk] == {
        "user": cast.hv_a2.pk,
        "name": "Test hv_a2",
        "team": "A1",
        "fte": "1.00",
        "active": 15,
        "capacity": 15,
        "open_slots": 0,
    }
    assert rows[cast.hv_a.pk]["open_slots"] == 14
    assert trail(new_events) == [("capacity.read", "success")]


@pytest.mark.parametrize("who", ["state_admin", "evaluator"])
def test_the_state_sees_counts_per_agency_with_small_cells_suppressed(cast, api, new_events, who):
    add_families(cast.agency_a, cast.hv_a2, 12)  # Alpha: 15 active families
    make_referral(cast.agency_b, status=W)  # Beta: 1 active family, 1 waiting
    response = api(getattr(cast, who)).get(CAPACITY_STATE)
    assert response.status_code == 200
    rows = {r["name"]: r for r in response.json()}
    # With Beta's active count hidden, Alpha's is hidden too (complementary suppression,
    # imhhv.core.suppression): a statewide total would otherwise give Beta's away.
    assert rows["Alpha CMH"] == {
        "agency": cast.agency_a.pk,
        "name": "Alpha CMH",
        "home_visitors": 3,
        "capacity": 45,
        "active_families": None,
        "open_slots": None,
        "waiting": 0,
    }
    assert rows["Beta CMH"] == {
        "agency": cast.agency_b.pk,
        "name": "Beta CMH",
        "home_visitors": 1,
        "capacity": 15,
        "active_families": None,
        "open_slots": None,
        "waiting": None,
    }
    assert b"Family" not in response.content and b"hv_" not in response.content
    assert trail(new_events) == [("capacity.read", "success")]


# --- families: list and chart -----------------------------------------------------------


def test_family_list_shows_active_families_by_default_and_discharged_on_request(
    cast, api, new_events
):
    Enrollment.objects.filter(family=cast.family_a).update(discharged_on=TODAY)
    client = api(cast.admin_a)

    def names(params=None):
        return {f["display_name"] for f in client.get(FAMILIES, params).json()["results"]}

    assert names() == {"Test Family Two", "Test Family Three"}
    assert names({"status": "active"}) == {"Test Family Two", "Test Family Three"}
    assert names({"status": "discharged"}) == {"Test Family One"}
    bad = client.get(FAMILIES, {"status": "gone"})
    assert bad.status_code == 400 and "status" in bad.json()
    events = new_events()
    assert [(e.action, e.details["status"]) for e in events] == [
        ("family.list", "active"),
        ("family.list", "active"),
        ("family.list", "discharged"),
    ]


def chart_fixture(family):
    Caregiver.objects.create(
        family=family,
        relationship="primary",
        first_name="Carla",
        last_name="Giver",
        normalized_name=normalize_name("Carla", "Giver"),
        birth_date=date(1995, 3, 3),
        preferred_language="ar",
        interpreter_needed=True,
        races=["black", "mena"],
        hispanic="no",
        tribal_affiliation="",
        education="hs",
        employment="part_time",
        programs=["wic", "snap"],
        insurance="medicaid",
        medicaid_id="MI-TEST-4",
    )
    early = Child.objects.create(
        family=family,
        first_name="Early",
        birth_date=TODAY - timedelta(days=90),
        gestational_age_weeks=30,
        birth_weight_grams=1400,
    )
    older = Child.objects.create(family=family, first_name="Big", birth_date=add_months(TODAY, -34))
    Consent.objects.create(family=family, kind="services", given_on=TODAY - timedelta(days=300))
    return early, older


def test_family_detail_is_the_chart(cast, api, new_events):
    early, older = chart_fixture(cast.family_a)
    response = api(cast.hv_a).get(family_url(cast.family_a))
    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True and body["home_visitor_id"] == cast.hv_a.pk
    assert body["version"] == cast.family_a.version
    carla = body["caregivers"][0]
    assert carla["races"] == ["black", "mena"] and carla["programs"] == ["wic", "snap"]
    assert (carla["relationship"], carla["hispanic"], carla["insurance"]) == (
        "primary",
        "no",
        "medicaid",
    )
    assert (carla["preferred_language"], carla["interpreter_needed"]) == ("ar", True)
    assert carla["education"] == "hs" and carla["medicaid_id"] == "MI-TEST-4"
    children = {c["first_name"]: c for c in body["children"]}
    assert children["Early"]["age_months"] == age_in_months(early.birth_date, TODAY)
    assert children["Early"]["corrected_age_months"] == corrected_age_months(
        early.birth_date, TODAY, 30
    )
    assert children["Early"]["corrected_age_months"] < children["Early"]["age_months"]
    early_row = children["Early"]
    assert (early_row["gestational_age_weeks"], early_row["birth_weight_grams"]) == (30, 1400)
    assert children["Early"]["transition_planning"] is False
    big = children["Big"]
    assert big["age_months"] == 34 and big["corrected_age_months"] is None
    assert big["transition_planning"] is True and "turns 3" in big["transition_message"]
    assert big["turns_age_limit_on"] == add_months(older.birth_date, 36).isoformat()
    assert [(e["open"], e["discharged_on"]) for e in body["episodes"]] == [(True, None)]
    assert [(a["home_visitor"], a["end_date"]) for a in body["assignments"]] == [
        (cast.hv_a.pk, None)
    ]
    assert [(c["kind"], c["in_force"]) for c in body["consents"]] == [("services", True)]
    assert trail(new_events) == [("family.read", "success")]


def test_family_detail_queries_do_not_grow_with_the_record(cast, api):
    client = api(cast.admin_a)
    with CaptureQueriesContext(connection) as small:
        client.get(family_url(cast.family_a))
    for _ in range(4):
        chart_fixture(cast.family_a)
    with CaptureQueriesContext(connection) as large:
        assert client.get(family_url(cast.family_a)).status_code == 200
    assert len(large) == len(small)


# --- families: assign -------------------------------------------------------------------


def test_assign_transfers_the_family_and_keeps_the_history(
    cast, qualified_visitors, api, new_events
):
    seen = cast.family_a.version
    response = api(cast.sup_a).post(
        family_url(cast.family_a, "assign"),
        {"home_visitor": cast.hv_a2.pk, "reason": "Closer to home", "version": seen},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["assignment"]["home_visitor"] == cast.hv_a2.pk and body["version"] == seen + 1
    assert body["assignment"]["assigned_by"] == "sup_a"
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a2
    history = list(cast.family_a.assignments.order_by("pk").values_list("home_visitor", "end_date"))
    assert history[0][0] == cast.hv_a.pk and history[0][1] is not None
    assert history[1] == (cast.hv_a2.pk, None)
    assert trail(new_events) == [("family.assign", "success")]


def test_assign_over_the_cap_is_409_until_confirmed_with_a_reason(
    cast, qualified_visitors, api, new_events
):
    add_families(cast.agency_a, cast.hv_a2, 14)  # hv_a2 now has 15: at the cap
    client = api(cast.admin_a)
    url = family_url(cast.family_a, "assign")
    over = client.post(url, {"home_visitor": cast.hv_a2.pk})
    assert over.status_code == 409
    assert over.json()["active"] == 15 and over.json()["capacity"] == 15
    assert "cap of 15" in over.json()["detail"]
    no_reason = client.post(url, {"home_visitor": cast.hv_a2.pk, "over_cap_confirmed": True})
    assert no_reason.status_code == 400 and "needs a reason" in dig(no_reason.json(), ("reason",))
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a
    ok = client.post(
        url,
        {
            "home_visitor": cast.hv_a2.pk,
            "over_cap_confirmed": True,
            "reason": "Continuity with the sibling's visitor",
        },
    )
    assert ok.status_code == 201 and ok.json()["assignment"]["over_cap_confirmed"] is True
    assert [(e.outcome, e.details.get("reason")) for e in new_events()][0] == (
        "denied",
        "over_cap",
    )  # the 409 is audited; the 400 (no reason) is bad input
    done = new_events(action="family.assign", outcome="success")
    assert [e.details["over_cap"] for e in done] == [True]


def test_assign_with_a_stale_version_is_409_and_the_first_save_stays(
    cast, qualified_visitors, api, new_events
):
    seen = cast.family_a.version
    client = api(cast.admin_a)
    url = family_url(cast.family_a, "assign")
    first = client.post(url, {"home_visitor": cast.hv_a2.pk, "version": seen})
    assert first.status_code == 201
    second = client.post(url, {"home_visitor": cast.hv_a_other_team.pk, "version": seen})
    assert second.status_code == 409
    assert second.json() == {"detail": StaleEdit.message, "code": "stale"}
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a2
    assert trail(new_events) == [("family.assign", "success"), ("family.assign", "denied")]
    assert new_events()[-1].details["reason"] == "stale"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"home_visitor": "hv_b"}, "home_visitor", "of this family's agency"),
        ({"home_visitor": 999999}, "home_visitor", "of this family's agency"),
        ({"home_visitor": "hv_a"}, "home_visitor", "already assigned"),
        ({}, "home_visitor", "required"),
        ({"home_visitor": "abc"}, "home_visitor", "valid integer"),
        ({"home_visitor": "hv_a2", "start_date": "soon"}, "start_date", "wrong format"),
        ({"home_visitor": "hv_a2", "version": 0}, "version", "greater than or equal to 1"),
    ],
)
def test_bad_assign_input_is_400_and_changes_nothing(cast, api, new_events, body, field, message):
    if body.get("home_visitor") in ("hv_b", "hv_a", "hv_a2"):
        body = {**body, "home_visitor": getattr(cast, body["home_visitor"]).pk}
    response = api(cast.admin_a).post(family_url(cast.family_a, "assign"), body)
    assert response.status_code == 400 and message in dig(response.json(), (field,))
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a
    assert not new_events(action="family.assign")


def test_malformed_json_to_assign_is_400(cast, api):
    response = api(cast.admin_a).post(family_url(cast.family_a, "assign"), "{nope")
    assert response.status_code == 400 and "detail" in response.json()


@pytest.mark.parametrize("action", ["assign", "discharge"])
def test_families_out_of_scope_are_404_and_audited(cast, api, new_events, action):
    client = api(cast.sup_a)
    body = {"home_visitor": cast.hv_a2.pk}
    other_agency = client.post(family_url(cast.family_b, action), body)
    other_team = client.post(family_url(cast.family_a3, action), body)
    missing = client.post(family_url(999999, action), body)
    assert other_agency.status_code == other_team.status_code == missing.status_code == 404
    assert other_agency.json() == missing.json()
    assert trail(new_events) == [("family.read", "denied")] * 3


# --- families: discharge ----------------------------------------------------------------


def discharge_body(family, **overrides):
    return {
        "discharged_on": TODAY.isoformat(),
        "reason": "goals_met",
        "planned": True,
        "transition_plan": "Early Head Start in the fall",
        "referrals_made": "Early Head Start",
        "version": family.version,
        **overrides,
    }


def test_discharge_then_the_family_is_read_only(cast, api, new_events):
    client = api(cast.admin_a)
    response = client.post(family_url(cast.family_a, "discharge"), discharge_body(cast.family_a))
    assert response.status_code == 200
    episode = response.json()["episode"]
    assert (episode["open"], episode["discharge_reason"], episode["discharge_planned"]) == (
        False,
        "goals_met",
        True,
    )
    assert episode["discharged_by"] == "admin_a"
    assert response.json()["version"] == cast.family_a.version + 1
    assert trail(new_events) == [("family.discharge", "success")]

    new_events.reset()
    assign = client.post(family_url(cast.family_a, "assign"), {"home_visitor": cast.hv_a2.pk})
    again = client.post(family_url(cast.family_a, "discharge"), discharge_body(cast.family_a))
    assert assign.status_code == again.status_code == 409
    refused = {"detail": FamilyIsDischarged.message, "code": "discharged"}
    assert assign.json() == again.json() == refused
    assert trail(new_events) == [("family.write", "denied")] * 2
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a

    chart = client.get(family_url(cast.family_a)).json()  # still readable
    assert chart["active"] is False
    assert [a["end_date"] for a in chart["assignments"]] == [TODAY.isoformat()]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": "bored"}, "reason", "not a valid choice"),
        ({"discharged_on": TOMORROW}, "discharged_on", "cannot be in the future"),
        ({"discharged_on": "2000-01-01"}, "discharged_on", "before enrollment"),
        ({"discharged_on": None}, "discharged_on", "may not be null"),
        ({"planned": "perhaps"}, "planned", "valid boolean"),
    ],
)
def test_bad_discharge_input_is_400_and_the_episode_stays_open(
    cast, api, new_events, overrides, field, message
):
    body = discharge_body(cast.family_a, **overrides)
    response = api(cast.admin_a).post(family_url(cast.family_a, "discharge"), body)
    assert response.status_code == 400 and message in dig(response.json(), (field,))
    assert cast.family_a.enrollments.filter(discharged_on__isnull=True).exists()
    assert not new_events(action="family.discharge")


def test_discharge_needs_planned_or_unplanned(cast, api):
    body = discharge_body(cast.family_a)
    del body["planned"]
    response = api(cast.admin_a).post(family_url(cast.family_a, "discharge"), body)
    assert response.status_code == 400 and "required" in dig(response.json(), ("planned",))


def test_discharge_before_the_current_assignment_began_is_400_not_500(
    cast, qualified_visitors, api
):
    client = api(cast.admin_a)
    client.post(family_url(cast.family_a, "assign"), {"home_visitor": cast.hv_a2.pk})
    body = discharge_body(
        cast.family_a, version=None, discharged_on=(TODAY - timedelta(days=3)).isoformat()
    )
    del body["version"]
    response = client.post(family_url(cast.family_a, "discharge"), body)
    assert response.status_code == 400
    assert "discharge on or after that day" in dig(response.json(), ("discharged_on",))
    assert cast.family_a.enrollments.filter(discharged_on__isnull=True).exists()


def test_discharge_with_a_stale_version_is_409(cast, qualified_visitors, api, new_events):
    stale = discharge_body(cast.family_a, version=cast.family_a.version)
    client = api(cast.admin_a)
    client.post(family_url(cast.family_a, "assign"), {"home_visitor": cast.hv_a2.pk})
    response = client.post(family_url(cast.family_a, "discharge"), stale)
    assert response.status_code == 409
    assert response.json() == {"detail": StaleEdit.message, "code": "stale"}
    assert cast.family_a.enrollments.filter(discharged_on__isnull=True).exists()
    assert not new_events(action="family.discharge", outcome="success")
    assert [e.details["reason"] for e in new_events(action="family.discharge")] == ["stale"]


# --- schema -----------------------------------------------------------------------------


def test_the_schema_lists_the_family_journey(cast, login):
    response = login(cast.hv_a).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/v1/referrals/",
        "/api/v1/referrals/{id}/",
        "/api/v1/referrals/{id}/screen/",
        "/api/v1/referrals/{id}/override/",
        "/api/v1/waitlist/",
        "/api/v1/capacity/",
        "/api/v1/capacity/state/",
        "/api/v1/families/{id}/assign/",
        "/api/v1/families/{id}/discharge/",
    ):
        assert path in paths
    assert set(paths["/api/v1/referrals/"]) == {"get", "post"}


def test_service_errors_map_to_field_errors():
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    from imhhv.api.common import field_errors

    assert field_errors(ValidationError("Already enrolled.")) == {
        "non_field_errors": ["Already enrolled."]
    }
    named = ValidationError({"override_reason": ["Too short."], NON_FIELD_ERRORS: ["Whole."]})
    assert field_errors(named, rename={"override_reason": "reason"}) == {
        "reason": ["Too short."],
        "non_field_errors": ["Whole."],
    }
