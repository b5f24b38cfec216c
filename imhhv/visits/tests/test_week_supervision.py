"""My week shows a missed week of reflective supervision (issue 10, part 3): "No
reflective supervision recorded last week" and "this week so far", never for a week on
leave; the same on the page and in GET /api/v1/visits/week/ (`my_week`)."""

from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.core.calendar import week_start
from imhhv.visits.queries import supervision_weeks
from imhhv.workforce.models import Leave, SupervisionParticipant, SupervisionSession

TODAY = timezone.localdate()
MONDAY = week_start(TODAY)
LAST_MONDAY = MONDAY - timedelta(weeks=1)

MISSED_LAST = "No reflective supervision recorded last week"
MISSED_NOW = "No reflective supervision recorded this week so far"


def session(supervisor, visitor, day):
    s = SupervisionSession.objects.create(
        agency_id=supervisor.membership.agency_id,
        day=day,
        started_at=time(10, 0),
        minutes=60,
        format="individual",
        supervisor=supervisor,
        recorded_by=supervisor,
    )
    SupervisionParticipant.objects.create(session=s, user=visitor)


def my_week_page(login, user, **params):
    page = login(user).get(reverse("visits:week"), params)
    assert page.status_code == 200
    return page, page.content.decode()


def test_no_session_last_week_nor_this_week_shows_on_my_week(cast, login):
    page, html = my_week_page(login, cast.hv_a)
    weeks = page.context["week"].supervision
    assert [(w.monday, w.when, w.missed, w.over) for w in weeks] == [
        (LAST_MONDAY, "last week", True, True),
        (MONDAY, "this week so far", True, False),
    ]
    assert MISSED_LAST in html and MISSED_NOW in html


def test_a_session_last_week_clears_the_message(cast, login):
    session(cast.sup_a, cast.hv_a, LAST_MONDAY + timedelta(days=2))
    session(cast.sup_a, cast.hv_a2, TODAY)  # someone else's session counts for them only
    page, html = my_week_page(login, cast.hv_a)
    last, now = page.context["week"].supervision
    assert last.session_days == (LAST_MONDAY + timedelta(days=2),) and not last.missed
    assert MISSED_LAST not in html
    assert "Last week: reflective supervision on" in html
    assert now.missed and MISSED_NOW in html


def test_a_session_today_counts_for_this_week(cast, login):
    session(cast.sup_a, cast.hv_a, TODAY)
    _, html = my_week_page(login, cast.hv_a)
    assert MISSED_NOW not in html and "This week so far: reflective supervision on" in html


def test_a_week_on_leave_is_not_a_missed_week(cast, login):
    Leave.objects.create(user=cast.hv_a, start=LAST_MONDAY, end=LAST_MONDAY + timedelta(days=4))
    page, html = my_week_page(login, cast.hv_a)
    last, _ = page.context["week"].supervision
    assert last.on_leave and not last.missed
    assert MISSED_LAST not in html and "Last week: on leave." in html


def test_leave_for_part_of_the_week_still_expects_a_session(cast, login):
    Leave.objects.create(user=cast.hv_a, start=LAST_MONDAY, end=LAST_MONDAY + timedelta(days=3))
    _, html = my_week_page(login, cast.hv_a)
    assert MISSED_LAST in html


def test_an_earlier_week_names_its_weeks(cast, login):
    shown = MONDAY - timedelta(weeks=3)
    session(cast.sup_a, cast.hv_a, shown + timedelta(days=1))
    page, html = my_week_page(login, cast.hv_a, week=shown.isoformat())
    before, week = page.context["week"].supervision
    assert before.monday == shown - timedelta(weeks=1) and before.missed and before.over
    assert not week.missed
    label = f"the week of {before.monday.day} {before.monday:%b %Y}"
    assert before.when == label and f"No reflective supervision recorded {label}" in html


def test_a_week_that_has_not_started_is_left_out(cast):
    assert [w.monday for w in supervision_weeks(cast.hv_a, MONDAY + timedelta(weeks=1), TODAY)] == [
        MONDAY
    ]
    assert supervision_weeks(cast.hv_a, MONDAY + timedelta(weeks=3), TODAY) == []


def test_the_api_carries_the_same_weeks(cast, client):
    Leave.objects.create(user=cast.hv_a, start=LAST_MONDAY, end=LAST_MONDAY + timedelta(days=4))
    key, _ = issue_token(user=cast.hv_a)
    response = client.get("/api/v1/visits/week/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["supervision"] == [
        {
            "monday": LAST_MONDAY.isoformat(),
            "when": "last week",
            "session_days": [],
            "on_leave": True,
            "over": True,
            "missed": False,
        },
        {
            "monday": MONDAY.isoformat(),
            "when": "this week so far",
            "session_days": [],
            "on_leave": False,
            "over": False,
            "missed": True,
        },
    ]
