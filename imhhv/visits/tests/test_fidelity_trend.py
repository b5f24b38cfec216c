"""The weekly chart on the fidelity pages: axes, labels and values, the table behind it,
and this week (not over) marked "so far" and never counted in a figure.

The test runs on the Wednesday of the current week at noon (time_machine), so "this week"
has passed days whatever day the suite runs on.
"""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.core.calendar import week_start
from imhhv.visits.tests.factories import VisitFactory

MONDAY = week_start(timezone.localdate())
WEDNESDAY = MONDAY + timedelta(days=2)


@pytest.fixture
def on_wednesday():
    noon = timezone.make_aware(datetime.combine(WEDNESDAY, time(12)))
    with time_machine.travel(noon, tick=False):
        yield


@pytest.fixture
def seen(cast, catalogue, on_wednesday):
    """family_a seen last week and this Wednesday morning."""
    VisitFactory(family=cast.family_a, visitor=cast.hv_a, day=MONDAY - timedelta(days=5))
    VisitFactory(family=cast.family_a, visitor=cast.hv_a, day=WEDNESDAY)
    return cast


def test_this_week_is_shown_apart_marked_so_far_and_not_counted(seen, login):
    cast = seen
    page = login(cast.hv_a).get(reverse("visits:fidelity_visitor", args=[cast.hv_a.pk]))
    trend, this_week = page.context["trend"], page.context["this_week"]
    total = page.context["total"]
    assert len(trend) == 12 and trend[-1].week == MONDAY - timedelta(weeks=1)
    assert this_week.week == MONDAY and (this_week.covered, this_week.expected) == (1, 1)
    # The period's figures stop at last Sunday: this morning's visit is not in them.
    assert total.completed_home_visits == 1 and total.end == MONDAY - timedelta(days=1)
    html = page.content.decode()
    chart = html[html.index('<figure class="chart"') : html.index("</figure>")]
    # Axes and labels: the scale from 0% to 100%, a label per week, a value per bar.
    for tick in ("0%", "50%", "100%"):
        assert f">{tick}</text>" in chart
    assert chart.count('<li class="chart-row">') == 12
    assert f"{trend[-1].week:%-d %b}" in chart and "100%" in chart and "1/1" in chart
    # This week: its own row, hatched, labelled, in the key too.
    assert '<li class="chart-row chart-row-partial">' in chart
    assert 'fill="url(#hatch-this-week)"' in chart and "100% so far" in chart
    assert "This week, so far: not over, not counted in the figures" in chart
    # The table behind the chart: the same numbers, this week flagged.
    assert "Table of the weekly figures" in html
    assert f"{MONDAY:%-d %b %Y}: this week, so far (not over, not counted)" in html
    # CSP: no inline style anywhere.
    assert "style=" not in html


def test_a_period_that_ended_before_last_week_has_no_partial_week(seen, login):
    cast = seen
    end = MONDAY - timedelta(weeks=3, days=1)
    page = login(cast.hv_a).get(
        reverse("visits:fidelity_visitor", args=[cast.hv_a.pk]), {"end": end.isoformat()}
    )
    assert page.context["this_week"] is None
    assert "chart-row-partial" not in page.content.decode()


def test_the_api_flags_this_week_as_partial(seen, client):
    cast = seen
    key, _ = issue_token(user=cast.hv_a)
    data = client.get(
        "/api/v1/fidelity/",
        {"level": "visitor", "unit": cast.hv_a.pk},
        HTTP_AUTHORIZATION=f"Token {key}",
    ).json()
    assert data["this_week"]["partial"] is True
    assert data["this_week"]["week"] == MONDAY.isoformat() and data["this_week"]["covered"] == 1
    assert len(data["trend"]) == 12 and not any(w["partial"] for w in data["trend"])
    assert data["results"][0]["metrics"]["completed_home_visits"] == 1


def test_the_state_sees_this_week_with_small_counts_hidden(seen, login):
    page = login(seen.state_admin).get(reverse("visits:fidelity_state"))
    this_week = page.context["this_week"]
    assert this_week["week"] == MONDAY and this_week["covered"] is None  # 1: hidden
    assert "chart-row-partial" in page.content.decode()
