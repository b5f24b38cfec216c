"""My week and Team week list the planned visits from the visit plans (the same query as
the home pages), and read any ?week= without failing."""

from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.core.calendar import week_start
from imhhv.visits.tests.factories import VisitFactory, VisitPlanFactory

WEEK = reverse("visits:week")
TEAM = reverse("visits:team_week")


def test_my_week_lists_planned_visits_with_a_document_link(cast, login):
    today = timezone.localdate()
    VisitPlanFactory(family=cast.family_a, preferred_day=today.weekday(), preferred_time=time(14))
    VisitPlanFactory(family=cast.family_b, preferred_day=today.weekday())
    response = login(cast.hv_a).get(WEEK)
    [planned] = response.context["week"].planned
    assert (planned.family, planned.day, planned.at) == (cast.family_a, today, time(14))
    page = response.content.decode()
    link = reverse("visits:new", args=[cast.family_a.pk]) + f"?on={today.isoformat()}&amp;at=14:00"
    assert f'href="{link}"' in page and "Test Family Four" not in page


def test_next_weeks_plan_is_shown_on_next_week(cast, login, catalogue):
    VisitPlanFactory(family=cast.family_a, preferred_day=2)
    monday = week_start(timezone.localdate())
    VisitFactory(family=cast.family_a, day=monday)  # this week's visit is recorded
    client = login(cast.hv_a)
    assert client.get(WEEK).context["week"].planned == []
    following = client.get(WEEK, {"week": (monday + timedelta(weeks=1)).isoformat()})
    assert [p.day for p in following.context["week"].planned] == [
        monday + timedelta(weeks=1, days=2)
    ]


def test_team_week_counts_planned_and_done(cast, login, catalogue):
    monday = week_start(timezone.localdate())
    VisitPlanFactory(family=cast.family_a, frequency="twice_weekly", preferred_day=0)
    VisitFactory(family=cast.family_a, day=monday)
    response = login(cast.sup_a).get(TEAM)
    lines = {
        p.username: (n, done, len(o)) for p, _, _, n, done, o in response.context["week"].lines()
    }
    assert lines == {"hv_a": (2, 1, 1), "hv_a2": (1, 0, 1)}
    assert "Test Family Three" not in response.content.decode()  # another team


def test_a_week_far_out_of_range_means_this_week(cast, login):
    client = login(cast.hv_a)
    for value in ("9999-12-31", "0001-01-01", "not-a-date"):
        response = client.get(WEEK, {"week": value})
        assert response.status_code == 200
        assert response.context["week"].monday == week_start(timezone.localdate())
    assert login(cast.sup_a).get(TEAM, {"week": "9999-12-31"}).status_code == 200


def test_the_api_answers_a_week_out_of_range_with_400(cast, client):
    from imhhv.api.services import issue_token

    headers = {"HTTP_AUTHORIZATION": f"Token {issue_token(user=cast.hv_a)[0]}"}
    response = client.get("/api/v1/visits/week/", {"week": "9999-12-31"}, **headers)
    assert response.status_code == 400 and "week" in response.json()


def test_the_api_lists_the_same_planned_visits_as_the_page(cast, client, login):
    from imhhv.api.services import issue_token

    today = timezone.localdate()
    VisitPlanFactory(family=cast.family_a, preferred_day=today.weekday(), preferred_time=time(14))
    VisitPlanFactory(family=cast.family_b, preferred_day=today.weekday())
    headers = {"HTTP_AUTHORIZATION": f"Token {issue_token(user=cast.hv_a)[0]}"}
    data = client.get("/api/v1/visits/week/", **headers).json()
    assert data["planned"] == [
        {
            "family": cast.family_a.pk,
            "family_name": "Test Family One",
            "day": today.isoformat(),
            "at": "14:00",
        }
    ]
    page = login(cast.hv_a).get(WEEK).context["week"].planned
    assert [(p.family.pk, p.day) for p in page] == [(cast.family_a.pk, today)]
