"""Find a family (issue 9): search by part of a caregiver's or child's name, accents and
case aside, within the reader's scope only; by Medicaid id for intake staff; filters and
sorts on the families list; a pager that keeps them without putting names in links; one
read event naming the families shown, never the text searched; queries constant.
"""

import json
import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import add_families
from imhhv.families import services
from imhhv.families.access import families_visible_to
from imhhv.families.filters import FamilyFilters
from imhhv.families.models import Caregiver, Child, Enrollment, Family
from imhhv.families.queries import family_list
from imhhv.families.services.search import refresh_family_search
from imhhv.visits.models import Visit

LIST = reverse("families:list")
TODAY = timezone.localdate()


def named(family, *caregivers, children=(), medicaid_id=""):
    """Give `family` synthetic caregivers (first, last) and children, as enrollment does."""
    for number, (first, last) in enumerate(caregivers):
        Caregiver.objects.create(
            family=family,
            relationship="primary" if number == 0 else "secondary",
            first_name=first,
            last_name=last,
            medicaid_id=medicaid_id if number == 0 else "",
        )
    if caregivers:
        family.display_name = " ".join(caregivers[0])
        family.save(update_fields=["display_name"])
    for name in children:
        Child.objects.create(family=family, first_name=name, birth_date=TODAY - timedelta(60))
    refresh_family_search(family)
    return family


@pytest.fixture
def people(cast):
    """The same synthetic name in four places: hv_a's, hv_a2's (same team), hv_a3's
    (another team) and agency B's caseloads."""
    named(cast.family_a, ("José", "Testperson"), children=["Zoë"], medicaid_id="MI0012345")
    named(cast.family_a2, ("Josefina", "Testperson"))
    named(cast.family_a3, ("Joseph", "Otherteam"))
    named(cast.family_b, ("José", "Testperson"), medicaid_id="MI0099999")
    return cast


def found(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content[:500]
    return {row.family.pk for row in response.context["rows"]}


def test_part_of_a_name_finds_the_family_whatever_the_accents_and_case(people, login):
    client = login(people.hv_a)
    for query in ("jos", "JOSÉ", "josé testp", "Testperson", "zoe", "ZOË", "estper"):
        assert found(client, q=query) == {people.family_a.pk}, query
    assert found(client, q="josh") == set()


def test_a_search_never_leaves_the_readers_scope(people, login):
    a, a2, a3 = people.family_a.pk, people.family_a2.pk, people.family_a3.pk
    assert found(login(people.hv_a), q="jos") == {a}
    assert found(login(people.sup_a), q="jos") == {a, a2}
    assert found(login(people.admin_a), q="jos") == {a, a2, a3}
    assert found(login(people.hv_b), q="jos") == {people.family_b.pk}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(who=st.sampled_from(["hv_a", "hv_a2", "sup_a", "admin_a", "hv_b"]), data=st.data())
def test_whatever_is_typed_the_results_are_in_scope(people, who, data):
    user = getattr(people, who)
    names = ["José", "Josefina", "Joseph", "Testperson", "Otherteam", "Zoë"]
    name = data.draw(st.sampled_from(names))
    start = data.draw(st.integers(0, len(name) - 1))
    query = data.draw(st.sampled_from([name[start:], name.upper(), name[: start + 1]]))
    shown = {row.family.pk for row in family_list(user, q=query, status="all").rows}
    assert shown <= set(families_visible_to(user).values_list("pk", flat=True))


def test_medicaid_id_is_searchable_by_intake_staff_only(people, login):
    assert found(login(people.admin_a), q="MI0012345") == {people.family_a.pk}
    assert found(login(people.admin_a), q="mi-0012345") == {people.family_a.pk}
    assert found(login(people.sup_a), q="MI0012345") == {people.family_a.pk}  # intake too
    assert found(login(people.hv_a), q="MI0012345") == set()  # no manage_intake
    assert found(login(people.admin_a), q="MI0099999") == set()  # agency B's caregiver


def test_the_services_keep_the_search_text(people, login, cast):
    family = Family.objects.get(pk=cast.family_a.pk)
    caregiver = family.caregivers.get(relationship="primary")
    services.update_caregiver(
        family=family,
        caregiver=caregiver,
        by=cast.hv_a,
        changes={"first_name": "Renée"},
        expected_version=family.version,
    )
    family.refresh_from_db()
    services.add_child(
        family=family,
        by=cast.hv_a,
        data={"first_name": "Ángel", "birth_date": TODAY - timedelta(days=10)},
        expected_version=family.version,
    )
    client = login(cast.hv_a)
    assert found(client, q="renee") == {family.pk}
    assert found(client, q="angel") == {family.pk}
    assert found(client, q="josé testperson") == set()


def test_a_search_that_finds_families_writes_one_read_event_without_the_text(
    people, login, new_events
):
    client = login(people.admin_a)
    client.get(LIST, {"q": "josefina", "status": "active"})
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("family.list", "success")]
    details = events[0].details
    assert details["ids"] == [people.family_a2.pk] and details["count"] == 1
    assert details["filters"]["search"] is True
    assert "josefina" not in json.dumps(details).casefold()


def test_the_pager_keeps_the_filters_and_no_link_carries_the_search(cast, login):
    bulk = add_families(cast.agency_a, cast.hv_a, 60, prefix="Testsearch")
    for family in bulk:
        refresh_family_search(family)
    client = login(cast.hv_a)
    page = client.get(LIST, {"q": "testsearch", "sort": "-enrolled"}).content.decode()
    # No generated link carries the search text: the pager is a form. (The session
    # dialog's "sign in again" link, data-session-signin, returns to this very address.)
    hrefs = re.findall(r'<a [^>]*href="([^"]*)"(?![^>]*data-session-signin)', page)
    assert hrefs and not [h for h in hrefs if "testsearch" in h.casefold()]
    assert '<input type="hidden" name="q" value="testsearch">' in page
    assert '<input type="hidden" name="sort" value="-enrolled">' in page
    assert 'name="page" value="2"' in page
    second = client.get(LIST, {"q": "testsearch", "sort": "-enrolled", "page": 2})
    assert second.context["page"].number == 2 and len(second.context["rows"]) == 10


def test_filters_by_home_visitor_team_status_and_dates(people, login):
    client = login(people.admin_a)
    a, a2, a3 = people.family_a.pk, people.family_a2.pk, people.family_a3.pk
    assert found(client, home_visitor=people.hv_a2.pk) == {a2}
    assert found(client, team=people.team_a_other.pk) == {a3}
    Enrollment.objects.filter(family_id=a2).update(discharged_on=TODAY, discharge_reason="moved")
    assert found(client) == {a, a3}
    assert found(client, status="discharged") == {a2}
    assert found(client, status="all") == {a, a2, a3}
    Enrollment.objects.filter(family_id=a3).update(enrolled_on=TODAY - timedelta(days=5))
    assert found(client, enrolled_from=(TODAY - timedelta(days=30)).isoformat()) == {a3}
    assert found(client, enrolled_to=(TODAY - timedelta(days=30)).isoformat()) == {a}


def _home_visit(family, visitor, day):
    start = timezone.make_aware(datetime.combine(day, time(10)))
    return Visit.objects.create(
        family=family,
        visitor=visitor,
        scheduled_at=start,
        started_at=start,
        ended_at=start + timedelta(minutes=90),
        outcome="completed",
        place="home",
    )


def test_last_home_visit_is_shown_filtered_and_sorted(people, login):
    _home_visit(people.family_a, people.hv_a, TODAY - timedelta(days=3))
    _home_visit(people.family_a3, people.hv_a_other_team, TODAY - timedelta(days=40))
    client = login(people.admin_a)
    week_ago = (TODAY - timedelta(days=7)).isoformat()
    assert found(client, seen_since=week_ago) == {people.family_a.pk}
    assert found(client, not_seen_since=week_ago) == {people.family_a2.pk, people.family_a3.pk}
    rows = client.get(LIST, {"sort": "last_visit"}).context["rows"]
    assert [r.family.pk for r in rows] == [
        people.family_a2.pk,  # never visited: longest ago first
        people.family_a3.pk,
        people.family_a.pk,
    ]
    page = client.get(LIST, {"sort": "-last_visit"})
    assert page.context["rows"][0].family.pk == people.family_a.pk
    assert f"{TODAY - timedelta(days=3):%-d %b %Y}" in page.content.decode()


def test_a_filter_outside_scope_is_a_message_not_someone_elses_families(people, login, new_events):
    client = login(people.hv_a)
    response = client.get(LIST, {"home_visitor": people.hv_b.pk})
    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "Home visitor:" in response.content.decode()
    assert b"Testperson" not in response.content
    assert new_events() == []  # nothing was read


@pytest.mark.parametrize(
    "params",
    [
        {"status": "everything"},
        {"sort": "age"},
        {"enrolled_from": "yesterday"},
        {"enrolled_from": TODAY.isoformat(), "enrolled_to": "2000-01-01"},
        {"q": "x" * 101},
        {"team": "not-a-number"},
    ],
)
def test_bad_filter_input_is_a_message_on_the_page(people, login, params):
    response = login(people.admin_a).get(LIST, params)
    assert response.status_code == 400
    assert b"Check the filters" in response.content


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "bulk"},
        {"q": "bulk", "sort": "last_visit", "status": "all"},
        {"q": "MI123", "not_seen_since": TODAY.isoformat()},
    ],
)
def test_search_queries_are_the_same_for_15_and_150_families(cast, login, params):
    client = login(cast.admin_a)
    first = add_families(cast.agency_a, cast.hv_a, 15)
    for family in first:
        refresh_family_search(family)
    small = _queries(client, params)
    more = add_families(cast.agency_a, cast.hv_a2, 135)
    for family in more:
        refresh_family_search(family)
        _home_visit(family, cast.hv_a2, TODAY - timedelta(days=2))
    assert _queries(client, params) == small


def test_the_search_is_one_function_the_benchmark_can_call(people):
    """The coordinator's benchmark times `family_list(user, filters=FamilyFilters(q=…))`."""
    result = family_list(people.admin_a, filters=FamilyFilters(q="jos", status="all"))
    assert {row.family.pk for row in result.rows} == {
        people.family_a.pk,
        people.family_a2.pk,
        people.family_a3.pk,
    }
    assert result.searched


def test_the_migration_fills_the_search_text_of_existing_families(people):
    """The backfill of 0005 on rows written before the field existed."""
    import importlib

    from django.apps import apps

    Family.objects.update(search_text="")
    migration = importlib.import_module("imhhv.families.migrations.0005_search_text")
    migration.forwards(apps, None)
    family = Family.objects.get(pk=people.family_a.pk)
    assert family.search_text == " jose testperson test child zoe "  # the cast's child too


def test_an_enrolled_family_is_found_by_every_name_it_was_enrolled_with(
    cast, qualified_visitors, login
):
    from imhhv.families.tests.factories import ReferralFactory

    referral = ReferralFactory(agency=cast.agency_a, status="eligible")
    family = services.enroll_family(
        referral=referral,
        by=cast.sup_a,
        enrolled_on=TODAY - timedelta(days=3),
        caregivers=[
            {"relationship": "primary", "first_name": "Øyvind", "last_name": "Enrolltest"},
            {"relationship": "secondary", "first_name": "Siân", "last_name": "Enrolltest"},
        ],
        children=[{"first_name": "Chloé", "birth_date": TODAY - timedelta(days=40)}],
        consents=["services"],
        home_visitor=cast.hv_a,
    )
    client = login(cast.hv_a)
    for query in ("oyvind", "sian enroll", "chloe", "ENROLLTEST"):
        assert found(client, q=query) == {family.pk}, query
    assert found(login(cast.hv_a2), q="enrolltest") == set()
