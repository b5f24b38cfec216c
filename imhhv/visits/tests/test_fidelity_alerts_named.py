"""Disengagement alerts on the fidelity pages name the family, never "family 23".

Inside an agency (home visitor, supervisor, agency administrator) an alert shows the
family's name linked to its chart, named by the report from `families_visible_to`; a
family the viewer cannot open is listed without any identifier. The state sees counts
only: no name, no id. The cast's families have had no visit this year: every one of them
is disengaged.
"""

import re
from datetime import date

from django.urls import reverse

from imhhv.api.services import issue_token
from imhhv.core.fidelity import Disengagement
from imhhv.visits.fidelity import NamedAlert, _alerts_of


def alerts_html(html: str) -> str:
    found = re.search(r'<section aria-labelledby="h-alerts".*?</section>', html, re.S)
    return found.group(0) if found else ""


def assert_named(html: str, *families) -> None:
    section = alerts_html(html)
    for family in families:
        link = f'<a href="{reverse("families:detail", args=[family.pk])}">{family.display_name}</a>'
        assert link in section
    assert not re.search(r"family \d+", section, re.I)


def test_the_supervisor_and_the_home_visitor_see_names_linked_to_the_chart(cast, login, catalogue):
    team = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]))
    assert_named(team.content.decode(), cast.family_a, cast.family_a2)
    assert {a.name for a in team.context["alerts"]} == {"Test Family One", "Test Family Two"}
    own = login(cast.hv_a).get(reverse("visits:fidelity_visitor", args=[cast.hv_a.pk]))
    assert_named(own.content.decode(), cast.family_a)
    assert cast.family_a2.display_name not in alerts_html(own.content.decode())


def test_the_agency_administrator_sees_the_agencys_alerts_by_name(cast, login, catalogue):
    page = login(cast.admin_a).get(reverse("visits:fidelity_agency"))
    assert_named(page.content.decode(), cast.family_a, cast.family_a2, cast.family_a3)
    assert cast.family_b.display_name not in page.content.decode()


def test_the_state_sees_no_name_and_no_id(cast, login, catalogue):
    page = login(cast.state_admin).get(reverse("visits:fidelity_state"))
    html = page.content.decode()
    assert page.context["alerts"] == ()
    assert alerts_html(html) == "" and "Test Family" not in html
    for family in (cast.family_a, cast.family_b):
        assert reverse("families:detail", args=[family.pk]) not in html


def test_the_api_names_the_family_for_those_who_may_open_it(cast, client, catalogue):
    key, _ = issue_token(user=cast.sup_a)
    data = client.get(
        "/api/v1/fidelity/",
        {"level": "team", "unit": cast.team_a.pk},
        HTTP_AUTHORIZATION=f"Token {key}",
    ).json()
    alerts = data["results"][0]["metrics"]["disengaged"]
    assert {(a["family_id"], a["family_name"]) for a in alerts} == {
        (cast.family_a.pk, "Test Family One"),
        (cast.family_a2.pk, "Test Family Two"),
    }


def test_a_family_the_viewer_cannot_open_has_no_identifier():
    class Summary:
        disengaged = (Disengagement(23, 4, date(2026, 1, 5)), Disengagement(24, 3, None))

    assert _alerts_of(Summary(), {24: "Test Family Named"}) == (
        NamedAlert(None, None, 4, date(2026, 1, 5)),
        NamedAlert(24, "Test Family Named", 3, None),
    )
