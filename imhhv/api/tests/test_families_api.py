"""API v1, family record endpoints that were page-only (enroll, re-enroll, caregiver edit,
add child, record a birth, consents, close a referral), and the findings of issue 7 in
the API: duplicates and referrals scoped to the caller, discharged families read-only
(409), ids outside 64 bits not found.

Every endpoint: works / another agency's record is 404 / a role without the capability
is 403 / one audit event per request / bad input is 400.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.families.models import Child, Consent, Enrollment, Family, Referral
from imhhv.families.tests.factories import CaregiverFactory, ReferralFactory

TODAY = timezone.localdate()
HUGE = "9" * 20


class Api:
    def __init__(self, client, key):
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Token {key}"}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, **self.headers)

    def _send(self, method, url, body):
        data = body if isinstance(body, str) else json.dumps(body or {}, default=str)
        return getattr(self.client, method)(
            url, data, content_type="application/json", **self.headers
        )

    def post(self, url, body=None):
        return self._send("post", url, body)

    def patch(self, url, body=None):
        return self._send("patch", url, body)


@pytest.fixture
def api(client, new_events):
    def _as(user):
        key = issue_token(user=user)[0]
        new_events.reset()
        return Api(client, key)

    return _as


def trail(new_events):
    return [(e.action, e.outcome) for e in new_events()]


def fam(family, rest=""):
    return f"/api/v1/families/{family if isinstance(family, (int, str)) else family.pk}/{rest}"


@pytest.fixture
def caregiver(cast):
    return CaregiverFactory(family=cast.family_a, first_name="Carla", last_name="Example")


@pytest.fixture
def expected(cast):
    return Child.objects.create(family=cast.family_a, due_date=TODAY + timedelta(days=20))


def discharge(family):
    Enrollment.objects.filter(family=family).update(discharged_on=TODAY)


# --- caregiver edit ---------------------------------------------------------------------


def test_caregiver_edit_works_and_is_one_event(cast, api, caregiver, new_events):
    seen = cast.family_a.version
    response = api(cast.hv_a).patch(
        fam(cast.family_a, f"caregivers/{caregiver.pk}/"),
        {"phone": "313-555-0142", "version": seen},
    )
    assert response.status_code == 200
    assert response.json()["caregiver"]["phone"] == "(313) 555-0142"
    assert response.json()["version"] == seen + 1
    assert trail(new_events) == [("caregiver.update", "success")]


def test_caregiver_edit_scope_capability_and_bad_input(cast, api, caregiver, new_events):
    url = fam(cast.family_a, f"caregivers/{caregiver.pk}/")
    body = {"phone": "313-555-0142", "version": cast.family_a.version}
    assert api(cast.hv_b).patch(url, body).status_code == 404
    assert trail(new_events) == [("family.read", "denied")]
    assert api(cast.state_admin).patch(url, body).status_code == 403
    assert api(cast.hv_a).patch(url, {"phone": "313-555-0142"}).status_code == 400  # no version
    bad = api(cast.hv_a).patch(url, {"education": "phd", "version": cast.family_a.version})
    assert bad.status_code == 400 and "education" in bad.json()
    assert api(cast.hv_a).patch(url, {"version": 1}).status_code == 400  # nothing to change
    foreign = CaregiverFactory(family=cast.family_a2)
    other = api(cast.hv_a).patch(fam(cast.family_a, f"caregivers/{foreign.pk}/"), body)
    assert other.status_code == 404
    assert trail(new_events) == [("caregiver.read", "denied")]


def test_a_stale_caregiver_edit_is_409_and_one_denied_event(cast, api, caregiver, new_events):
    url = fam(cast.family_a, f"caregivers/{caregiver.pk}/")
    seen = cast.family_a.version
    assert api(cast.hv_a).patch(url, {"phone": "313-555-0101", "version": seen}).status_code == 200
    stale = api(cast.sup_a).patch(url, {"phone": "313-555-0102", "version": seen})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert trail(new_events) == [("caregiver.update", "denied")]
    assert new_events()[0].details["reason"] == "stale"


# --- children and births ----------------------------------------------------------------


def test_add_child_works_404_403_and_400(cast, api, new_events):
    url = fam(cast.family_a, "children/")
    born = (TODAY - timedelta(days=5)).isoformat()
    body = {"first_name": "Newborn", "birth_date": born, "version": cast.family_a.version}
    assert api(cast.hv_b).post(url, body).status_code == 404
    assert api(cast.evaluator).post(url, body).status_code == 403
    both = api(cast.hv_a).post(url, {**body, "due_date": TODAY.isoformat()})
    assert both.status_code == 400
    future = api(cast.hv_a).post(url, {**body, "birth_date": TODAY + timedelta(days=2)})
    assert future.status_code == 400
    ok = api(cast.hv_a).post(url, body)
    assert ok.status_code == 201 and ok.json()["child"]["first_name"] == "Newborn"
    assert trail(new_events) == [("child.add", "success")]


def test_record_a_birth_works_and_a_born_child_is_404(cast, api, expected, new_events):
    url = fam(cast.family_a, f"children/{expected.pk}/birth/")
    body = {
        "birth_date": (TODAY - timedelta(days=1)).isoformat(),
        "gestational_age_weeks": 36,
        "birth_weight_grams": 2600,
        "version": cast.family_a.version,
    }
    assert api(cast.hv_b).post(url, body).status_code == 404
    assert api(cast.state_admin).post(url, body).status_code == 403
    bad = api(cast.hv_a).post(url, {**body, "birth_weight_grams": 9})
    assert bad.status_code == 400 and "birth_weight_grams" in bad.json()
    new_events.reset()
    ok = api(cast.hv_a).post(url, body)
    assert ok.status_code == 200 and ok.json()["child"]["gestational_age_weeks"] == 36
    assert trail(new_events) == [("child.birth", "success")]
    again = api(cast.hv_a).post(url, {**body, "version": ok.json()["version"]})
    assert again.status_code == 404


# --- consents ---------------------------------------------------------------------------


def test_consents_are_recorded_and_revoked(cast, api, new_events):
    client = api(cast.hv_a)
    given = client.post(
        fam(cast.family_a, "consents/"), {"kind": "deidentified", "given_on": TODAY}
    )
    assert given.status_code == 201
    consent_id = given.json()["consent"]["id"]
    twice = client.post(
        fam(cast.family_a, "consents/"), {"kind": "deidentified", "given_on": TODAY}
    )
    assert twice.status_code == 400 and "already in force" in str(twice.json())
    revoked = client.post(
        fam(cast.family_a, f"consents/{consent_id}/revoke/"), {"revoked_on": TODAY}
    )
    assert revoked.status_code == 200 and revoked.json()["consent"]["in_force"] is False
    assert trail(new_events) == [("consent.give", "success"), ("consent.revoke", "success")]


def test_consent_endpoints_refuse_outsiders_and_bad_input(cast, api, new_events):
    consent = Consent.objects.create(family=cast.family_b, kind="services", given_on=TODAY)
    assert (
        api(cast.hv_a).post(fam(cast.family_b, "consents/"), {"kind": "services"}).status_code
        == 404
    )
    assert api(cast.evaluator).post(fam(cast.family_a, "consents/"), {}).status_code == 403
    bad = api(cast.hv_a).post(fam(cast.family_a, "consents/"), {"kind": "x", "given_on": "soon"})
    assert bad.status_code == 400 and set(bad.json()) == {"kind", "given_on"}
    foreign = api(cast.hv_a).post(
        fam(cast.family_a, f"consents/{consent.pk}/revoke/"), {"revoked_on": TODAY}
    )
    assert foreign.status_code == 404
    assert trail(new_events)[-1] == ("consent.read", "denied")


# --- re-enroll ----------------------------------------------------------------------------


def test_reenroll_opens_a_new_episode(cast, api, new_events):
    Enrollment.objects.filter(family=cast.family_a).update(discharged_on=TODAY - timedelta(days=10))
    cast.family_a.assignments.update(end_date=TODAY - timedelta(days=10))
    url = fam(cast.family_a, "reenroll/")
    assert api(cast.hv_a).post(url, {"enrolled_on": TODAY}).status_code == 403
    peer_admin = api(cast.hv_b).post(fam(cast.family_a, "reenroll/"), {"enrolled_on": TODAY})
    assert peer_admin.status_code == 403  # a home visitor lacks manage_intake
    bad = api(cast.admin_a).post(url, {"enrolled_on": TODAY - timedelta(days=30)})
    assert bad.status_code == 400 and "after the last discharge" in str(bad.json())
    new_events.reset()
    ok = api(cast.admin_a).post(url, {"enrolled_on": TODAY})
    assert ok.status_code == 201 and ok.json()["episode"]["open"] is True
    assert trail(new_events) == [("family.reenroll", "success")]
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor is None


def test_reenroll_of_another_agencys_family_is_404(cast, api, new_events):
    discharge(cast.family_b)
    assert (
        api(cast.admin_a).post(fam(cast.family_b, "reenroll/"), {"enrolled_on": TODAY}).status_code
        == 404
    )
    assert trail(new_events) == [("family.read", "denied")]


# --- discharged is read-only everywhere --------------------------------------------------


def test_every_write_to_a_discharged_family_is_409_and_one_denial(
    cast, api, caregiver, expected, new_events
):
    discharge(cast.family_a)
    version = cast.family_a.version
    writes = [
        ("patch", f"caregivers/{caregiver.pk}/", {"phone": "313-555-0101", "version": version}),
        ("post", "children/", {"birth_date": TODAY, "version": version}),
        ("post", f"children/{expected.pk}/birth/", {"birth_date": TODAY, "version": version}),
        ("post", "consents/", {"kind": "part2", "given_on": TODAY}),
        ("post", "assign/", {"home_visitor": cast.hv_a2.pk}),
    ]
    for method, rest, body in writes:
        who = cast.sup_a if rest == "assign/" else cast.hv_a
        response = getattr(api(who), method)(fam(cast.family_a, rest), body)
        assert response.status_code == 409, rest
        assert response.json()["code"] == "discharged"
        assert trail(new_events) == [("family.write", "denied")], rest


# --- enroll and close a referral ---------------------------------------------------------


def enroll_body(visitor=None, **overrides):
    return {
        "enrolled_on": TODAY.isoformat(),
        "consents": ["services"],
        "home_visitor": visitor.pk if visitor else None,
        "caregivers": [
            {"relationship": "primary", "first_name": "Enna", "last_name": "Rolled"},
        ],
        "children": [{"first_name": "Kid", "birth_date": (TODAY - timedelta(days=60)).isoformat()}],
        **overrides,
    }


@pytest.fixture
def eligible(cast):
    return ReferralFactory(
        agency=cast.agency_a,
        status=Referral.Status.ELIGIBLE,
        child_born=TODAY - timedelta(days=60),
    )


def test_enroll_makes_the_family_and_assigns(cast, qualified_visitors, api, eligible, new_events):
    response = api(cast.sup_a).post(
        f"/api/v1/referrals/{eligible.pk}/enroll/", enroll_body(cast.hv_a)
    )
    assert response.status_code == 201
    family = Family.objects.get(pk=response.json()["id"])
    assert family.home_visitor == cast.hv_a and response.json()["home_visitor"] == "hv_a"
    assert trail(new_events) == [("family.enroll", "success"), ("family.assign", "success")]
    eligible.refresh_from_db()
    assert eligible.status == Referral.Status.ENROLLED and eligible.family == family


def test_enroll_refuses_outsiders_bad_input_and_over_the_cap(cast, api, eligible, new_events):
    from conftest import add_families

    url = f"/api/v1/referrals/{eligible.pk}/enroll/"
    outsider = ReferralFactory(agency=cast.agency_b, status=Referral.Status.ELIGIBLE)
    assert (
        api(cast.admin_a)
        .post(f"/api/v1/referrals/{outsider.pk}/enroll/", enroll_body())
        .status_code
        == 404
    )
    assert api(cast.hv_a).post(url, enroll_body()).status_code == 403
    no_consent = api(cast.admin_a).post(url, enroll_body(consents=["deidentified"]))
    assert no_consent.status_code == 400 and "consent to services" in str(no_consent.json())
    not_staff = api(cast.admin_a).post(url, enroll_body(cast.hv_b))
    assert not_staff.status_code == 400 and "home_visitor" in not_staff.json()
    add_families(cast.agency_a, cast.hv_a, 14)
    new_events.reset()
    over = api(cast.admin_a).post(url, enroll_body(cast.hv_a))
    assert over.status_code == 409 and over.json()["code"] == "over_cap"
    assert over.json()["active"] == 15
    assert trail(new_events) == [("family.enroll", "denied")]
    assert not Family.objects.filter(referrals=eligible).exists()


def test_close_a_referral(cast, api, eligible, new_events):
    url = f"/api/v1/referrals/{eligible.pk}/close/"
    assert api(cast.hv_a).post(url, {"reason": "moved"}).status_code == 403
    assert api(cast.admin_a).post(url, {"reason": ""}).status_code == 400
    new_events.reset()
    ok = api(cast.admin_a).post(url, {"reason": "Family moved out of state"})
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    assert trail(new_events) == [("referral.close", "success")]
    outsider = ReferralFactory(agency=cast.agency_b)
    assert (
        api(cast.admin_a)
        .post(f"/api/v1/referrals/{outsider.pk}/close/", {"reason": "x"})
        .status_code
        == 404
    )


# --- findings: duplicates and referrals scoped, ids --------------------------------------


def test_duplicates_do_not_leak_families_outside_the_callers_scope(cast, api, new_events):
    """Finding: the API returned the ids of matching families the caller may not see."""
    CaregiverFactory(
        family=cast.family_a3,
        first_name="Testa",
        last_name="Example",
        birth_date=TODAY - timedelta(days=9000),
    )
    body = {
        "source": "self",
        "caregivers": [
            {
                "first_name": "Testa",
                "last_name": "Example",
                "birth_date": TODAY - timedelta(days=9000),
            }
        ],
    }
    response = api(cast.sup_a).post("/api/v1/referrals/", body)
    assert response.status_code == 409
    answer = response.json()
    assert answer["families"] == [] and answer["hidden"] == 1 and answer["ask"]
    assert str(cast.family_a3.pk) not in json.dumps(answer["families"])
    assert cast.family_a3.display_name not in response.content.decode()
    assert trail(new_events) == [("referral.create", "denied")]
    admin = api(cast.admin_a).post("/api/v1/referrals/", body).json()
    assert admin["families"] == [{"id": cast.family_a3.pk, "name": cast.family_a3.display_name}]


def test_an_enrolled_referral_withholds_the_familys_data_out_of_scope(cast, api, new_events):
    """Finding: a referral showed a team-A2 family's caregivers to team A1's supervisor."""
    referral = ReferralFactory(
        agency=cast.agency_a,
        status=Referral.Status.ENROLLED,
        family=cast.family_a3,
        caregiver__first_name="Hiddenname",
        medicaid_id="MI-HIDDEN-2",
    )
    detail = api(cast.sup_a).get(f"/api/v1/referrals/{referral.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["family_data_withheld"] is True
    assert body["caregivers"] == [] and body["family"] is None and body["medicaid_id"] is None
    assert "Hiddenname" not in detail.content.decode()
    assert [e.details["family_data"] for e in new_events()] == ["withheld"]
    listed = api(cast.sup_a).get("/api/v1/referrals/").json()["results"]
    row = next(r for r in listed if r["id"] == referral.pk)
    assert row["primary_caregiver"] is None and row["family_data_withheld"] is True
    whole = api(cast.admin_a).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert (
        whole["caregivers"][0]["first_name"] == "Hiddenname"
        and whole["family"] == cast.family_a3.pk
    )


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/families/{HUGE}/",
        f"/api/v1/families/{HUGE}/assign/",
        f"/api/v1/referrals/{HUGE}/",
        f"/api/v1/referrals/{HUGE}/enroll/",
    ],
)
def test_a_20_digit_id_is_404_not_500(cast, api, new_events, url):
    client = api(cast.admin_a)
    response = client.post(url, {}) if url.endswith(("assign/", "enroll/")) else client.get(url)
    assert response.status_code == 404
    assert [e.outcome for e in new_events()] == ["denied"]


@pytest.mark.parametrize("params", [{"page": HUGE}, {"page": "abc"}, {"status": "bogus"}])
def test_bad_list_parameters_are_400(cast, api, params):
    assert api(cast.admin_a).get("/api/v1/families/", params).status_code == 400
    assert api(cast.admin_a).get("/api/v1/referrals/", params).status_code == 400


def test_a_page_past_the_end_is_404(cast, api):
    assert api(cast.admin_a).get("/api/v1/families/", {"page": 5}).status_code == 404


def test_the_family_list_agrees_with_the_page(cast, api, login):
    from django.urls import reverse

    api_ids = [f["id"] for f in api(cast.sup_a).get("/api/v1/families/").json()["results"]]
    page_ids = [
        r.family.pk for r in login(cast.sup_a).get(reverse("families:list")).context["rows"]
    ]
    assert api_ids == page_ids and api_ids


def test_the_schema_documents_the_new_endpoints(cast, login):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for route, method in [
        ("/api/v1/families/{id}/reenroll/", "post"),
        ("/api/v1/families/{id}/caregivers/{caregiver_id}/", "patch"),
        ("/api/v1/families/{id}/children/", "post"),
        ("/api/v1/families/{id}/children/{child_id}/birth/", "post"),
        ("/api/v1/families/{id}/consents/", "post"),
        ("/api/v1/families/{id}/consents/{consent_id}/revoke/", "post"),
        ("/api/v1/referrals/{id}/enroll/", "post"),
        ("/api/v1/referrals/{id}/close/", "post"),
    ]:
        assert method in paths[route], route
        assert "409" in paths[route][method]["responses"] or route.endswith("close/")
