"""The API searches and filters like the pages (issue 9): `?q=` and the list filters on
families, referrals and staff, on the same query functions. Access trio: another
agency's record is never found, a role without the capability is 403, one audit event;
bad filters are a 400 with field errors; queries constant in the number of families."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import add_families
from imhhv.api.services import issue_token
from imhhv.families.models import Caregiver, Referral
from imhhv.families.services.search import refresh_family_search, refresh_referral_search
from imhhv.families.tests.factories import ReferralFactory

TODAY = timezone.localdate()


@pytest.fixture
def api(client, new_events):
    def _as(user):
        key = issue_token(user=user)[0]
        new_events.reset()
        headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
        return lambda url, params=None: client.get(url, params or {}, **headers)

    return _as


def named(family, first, last, medicaid_id=""):
    Caregiver.objects.create(
        family=family,
        relationship="primary",
        first_name=first,
        last_name=last,
        medicaid_id=medicaid_id,
    )
    refresh_family_search(family)


@pytest.fixture
def people(cast):
    named(cast.family_a, "Zoë", "Apisearch", medicaid_id="MI7654321")
    named(cast.family_a2, "Zoe", "Apisearch")
    named(cast.family_b, "Zoë", "Apisearch")
    return cast


def ids(response):
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_families_q_finds_by_part_of_a_name_in_scope_only(people, api, new_events):
    assert ids(api(people.hv_a)("/api/v1/families/", {"q": "ZOE api"})) == {people.family_a.pk}
    assert [(e.action, e.outcome) for e in new_events()] == [("family.list", "success")]
    event = new_events()[0]
    assert event.details["ids"] == [people.family_a.pk] and event.details["via"] == "api"
    assert "zoe" not in str(event.details).casefold()
    assert ids(api(people.sup_a)("/api/v1/families/", {"q": "zoe"})) == {
        people.family_a.pk,
        people.family_a2.pk,
    }
    assert people.family_b.pk not in ids(api(people.admin_a)("/api/v1/families/", {"q": "zoe"}))


def test_families_medicaid_id_for_intake_staff_only(people, api):
    assert ids(api(people.admin_a)("/api/v1/families/", {"q": "MI7654321"})) == {people.family_a.pk}
    assert ids(api(people.hv_a)("/api/v1/families/", {"q": "MI7654321"})) == set()


def test_families_filters_and_fields(people, api):
    body = api(people.admin_a)(
        "/api/v1/families/", {"home_visitor": people.hv_a2.pk, "sort": "-enrolled"}
    ).json()
    assert [r["id"] for r in body["results"]] == [people.family_a2.pk]
    assert body["results"][0]["enrolled_on"] and body["results"][0]["last_home_visit"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "everything"}, "status"),
        ({"sort": "shoe size"}, "sort"),
        ({"enrolled_from": "soon"}, "enrolled_from"),
        ({"q": "x" * 101}, "q"),
        ({"page": "0"}, "page"),
    ],
)
def test_families_bad_filters_are_400_with_field_errors(people, api, params, field):
    response = api(people.admin_a)("/api/v1/families/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_home_visitor_of_another_agency_is_a_400_not_their_families(people, api, new_events):
    response = api(people.admin_a)("/api/v1/families/", {"home_visitor": people.hv_b.pk})
    assert response.status_code == 400 and "home_visitor" in response.json()
    assert "Apisearch" not in response.content.decode()


def test_families_search_without_the_capability_is_403_and_audited(people, api, new_events):
    assert api(people.state_admin)("/api/v1/families/", {"q": "zoe"}).status_code == 403
    assert [(e.action, e.outcome) for e in new_events()] == [("access.capability", "denied")]


def _count(get, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert get("/api/v1/families/", params).status_code == 200
    return len(captured)


def test_families_search_queries_are_the_same_for_15_and_150_families(cast, api):
    get = api(cast.admin_a)
    for family in add_families(cast.agency_a, cast.hv_a, 15):
        refresh_family_search(family)
    small = _count(get, {"q": "bulk", "sort": "last_visit"})
    for family in add_families(cast.agency_a, cast.hv_a2, 135):
        refresh_family_search(family)
    assert _count(get, {"q": "bulk", "sort": "last_visit"}) == small


# --- referrals ------------------------------------------------------------------------------


def referral(agency, first, last, **fields):
    made = ReferralFactory(agency=agency, **fields)
    made.caregivers.all().delete()
    made.caregivers.create(first_name=first, last_name=last, normalized_name="x")
    refresh_referral_search(made)
    return made


def test_referrals_q_and_filters(cast, api, new_events):
    mine = referral(cast.agency_a, "Amélie", "Refsearch", medicaid_id="MI1112223")
    other = referral(cast.agency_b, "Amélie", "Refsearch")
    get = api(cast.admin_a)
    assert ids(get("/api/v1/referrals/", {"q": "amel"})) == {mine.pk}
    assert ids(get("/api/v1/referrals/", {"q": "MI1112223"})) == {mine.pk}
    assert other.pk not in ids(get("/api/v1/referrals/", {"q": "amel"}))
    day = mine.referral_date
    assert ids(get("/api/v1/referrals/", {"referred_from": day + timedelta(days=1)})) == set()
    assert ids(get("/api/v1/referrals/", {"source": mine.source})) >= {mine.pk}
    bad = get("/api/v1/referrals/", {"referred_from": day, "referred_to": day - timedelta(1)})
    assert bad.status_code == 400 and "referred_to" in bad.json()
    assert api(cast.hv_a)("/api/v1/referrals/", {"q": "amel"}).status_code == 403


def test_a_search_never_finds_a_referral_enrolled_into_a_family_out_of_scope(cast, api):
    enrolled = referral(cast.agency_a, "Hidden", "Elsewhere")
    Referral.objects.filter(pk=enrolled.pk).update(status="enrolled", family=cast.family_a3)
    get = api(cast.sup_a)  # team A1: family_a3 is with team A2
    assert enrolled.pk in ids(get("/api/v1/referrals/"))  # listed, without the name
    assert ids(get("/api/v1/referrals/", {"q": "hidden"})) == set()
    assert enrolled.pk in ids(api(cast.admin_a)("/api/v1/referrals/", {"q": "hidden"}))


# --- staff ----------------------------------------------------------------------------------


def test_staff_q_and_filters(cast, api, new_events):
    get = api(cast.admin_a)
    assert ids(get("/api/v1/staff/", {"q": "hv_a2"})) == {cast.hv_a2.pk}
    assert [(e.action, e.outcome) for e in new_events()] == [("staff.list", "success")]
    assert ids(get("/api/v1/staff/", {"q": "hv_b"})) == set()  # another agency's
    by_role = ids(get("/api/v1/staff/", {"role": "supervisor"}))
    assert by_role == {cast.sup_a.pk}
    by_team = ids(get("/api/v1/staff/", {"team": cast.team_a_other.pk}))
    assert by_team == {cast.hv_a_other_team.pk}
    inactive = ids(get("/api/v1/staff/", {"status": "inactive"}))
    assert cast.nobody.pk in inactive and cast.hv_a.pk not in inactive
    foreign_team = get("/api/v1/staff/", {"team": cast.team_b.pk})
    assert foreign_team.status_code == 400 and "team" in foreign_team.json()
    assert api(cast.hv_a)("/api/v1/staff/").status_code == 403
    assert cast.hv_b.pk in ids(api(cast.state_admin)("/api/v1/staff/", {"q": "hv_b"}))


def test_waitlist_filters_and_bad_input(cast, api, new_events):
    get = api(cast.admin_a)
    assert get("/api/v1/waitlist/", {"pregnant": "yes", "min_days_waiting": 0}).status_code == 200
    assert new_events()[-1].details["filters"] == {"pregnant": "yes", "min_days_waiting": "0"}
    bad = get("/api/v1/waitlist/", {"pregnant": "maybe", "youngest_under_months": 0})
    assert bad.status_code == 400 and {"pregnant", "youngest_under_months"} <= set(bad.json())
