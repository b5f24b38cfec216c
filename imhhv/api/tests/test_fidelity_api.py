"""GET /api/v1/fidelity/: the page metrics per unit, by level and role."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.core.calendar import week_start
from imhhv.visits.services import document_visit

URL = "/api/v1/fidelity/"
TODAY = timezone.localdate()
LAST_WEDNESDAY = week_start(TODAY) - timedelta(days=5)


def get(client, user, **params):
    key, _ = issue_token(user=user)
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def one_visit(cast, catalogue):
    # Last week's Wednesday: inside the reports' weeks that are over, whatever today is.
    start = timezone.make_aware(datetime.combine(LAST_WEDNESDAY, time(10)))
    return document_visit(
        family=cast.family_a,
        visitor=cast.hv_a,
        by=cast.hv_a,
        data={
            "scheduled_at": start,
            "outcome": "completed",
            "started_at": start,
            "ended_at": start + timedelta(minutes=95),
            "place": "home",
        },
        components=["alliance"],
    )


def test_supervisor_gets_each_visitor_of_the_team(cast, client, one_visit, new_events):
    response = get(client, cast.sup_a, level="visitor")
    assert response.status_code == 200
    results = {r["unit"]["id"]: r["metrics"] for r in response.json()["results"]}
    assert set(results) == {cast.hv_a.pk, cast.hv_a2.pk}
    assert results[cast.hv_a.pk]["completed_home_visits"] == 1
    assert results[cast.hv_a.pk]["durations"]["within_share"] == 1.0
    assert [e.action for e in new_events(action="fidelity.read")] == ["fidelity.read"]


def test_levels_by_role(cast, client, one_visit):
    assert [
        r["unit"]["name"] for r in get(client, cast.admin_a, level="team").json()["results"]
    ] == ["A1", "A2"]
    agency = get(client, cast.admin_a, level="agency").json()["results"]
    assert agency[0]["metrics"]["completed_home_visits"] == 1
    state = get(client, cast.state_admin, level="agency").json()
    by_name = {r["unit"]["name"]: r["metrics"] for r in state["results"]}
    # Outside the agency, small cells are hidden: one visit, four families.
    assert (
        by_name["Alpha CMH"]["completed_home_visits"] is None
        and "disengaged" not in by_name["Alpha CMH"]
    )
    statewide = get(client, cast.state_admin, level="state").json()
    assert statewide["results"][0]["metrics"]["families"] is None
    assert {p["unit"]["name"] for p in statewide["parts"]} == {"Alpha CMH", "Beta CMH"}
    mine = get(client, cast.hv_a, level="visitor").json()["results"]
    assert [r["unit"]["id"] for r in mine] == [cast.hv_a.pk]


@pytest.mark.parametrize(
    ("who", "level"),
    [
        ("hv_a", "team"),
        ("hv_a", "agency"),
        ("sup_a", "state"),
        ("admin_a", "state"),
        ("evaluator", "visitor"),
        ("nobody", "visitor"),
    ],
)
def test_levels_a_role_cannot_see_are_403_and_audited(
    cast, client, catalogue, new_events, who, level
):
    assert get(client, getattr(cast, who), level=level).status_code == 403
    assert [e.outcome for e in new_events(action="fidelity.read")] == ["denied"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"level": "galaxy"},
        {"level": "team", "start": "2026-02-30"},
        {"level": "team", "start": "2026-03-01", "end": "2026-02-01"},
    ],
)
def test_bad_parameters_are_400(cast, client, catalogue, params):
    response = get(client, cast.sup_a, **params)
    assert response.status_code == 400 and response.json()
