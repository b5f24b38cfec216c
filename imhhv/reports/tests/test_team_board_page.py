"""The supervisor's Monday team board page (/team/board/): one row per home visitor of
the team with qualifications, reflective supervision this week and over 12 weeks, CE
pace, caseload and fidelity; the team only; one audit event; no session notes; queries
constant in the team's size.

The clock stands at noon on the Wednesday of the current week, so "this week" holds a
Monday that is never in the future and the 12 full weeks before it are fixed.
"""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.tests.factories import member
from imhhv.core.calendar import week_start
from imhhv.core.roles import Role
from imhhv.workforce import services
from imhhv.workforce.tests.helpers import NOTE, session

BOARD = reverse("reports:team_board")
THEMES = "Synthetic theme: a parent's fatigue (test text)"


@pytest.fixture
def monday():
    """Monday of this week, the clock standing at noon on its Wednesday."""
    wednesday = week_start(timezone.localdate()) + timedelta(days=2)
    moment = timezone.make_aware(datetime.combine(wednesday, time(12, 0)))
    with time_machine.travel(moment, tick=False):
        yield week_start(wednesday)


def lines_of(response) -> dict:
    return {line["row"].staff.username: line for line in response.context["lines"]}


def test_one_row_per_home_visitor_with_supervision_this_week(monday, cast, login, new_events):
    session(cast.sup_a, [cast.hv_a], day=monday)
    response = login(cast.sup_a).get(BOARD)
    assert response.status_code == 200
    lines = lines_of(response)
    assert set(lines) == {"hv_a", "hv_a2"}
    assert lines["hv_a"]["row"].record.this_week is True
    assert lines["hv_a2"]["row"].record.this_week is False
    page = response.content.decode()
    assert "1 home visitor not yet supervised this week" in page
    assert f'href="{reverse("workforce:profile", args=[cast.hv_a.pk])}"' in page
    assert f'href="{reverse("workforce:session_new")}"' in page
    [event] = new_events()
    assert (event.action, event.outcome) == ("workforce.team_board.read", "success")


def test_twelve_week_share_leaves_weeks_on_leave_out(monday, cast, login):
    for n in range(1, 12):  # 11 of the last 12 full weeks, the 12th (oldest) missed
        session(cast.sup_a, [cast.hv_a], day=monday - timedelta(weeks=n))
    for n in (1, 2):  # hv_a2: two sessions; on leave for the whole of the third week back
        session(cast.sup_a, [cast.hv_a2], day=monday - timedelta(weeks=n))
    leave_monday = monday - timedelta(weeks=3)
    services.record_leave(
        by=cast.sup_a,
        staff_id=cast.hv_a2.pk,
        start=leave_monday,
        end=leave_monday + timedelta(days=4),
    )
    response = login(cast.sup_a).get(BOARD)
    lines = lines_of(response)
    assert lines["hv_a"]["weeks"] == (11, 12)
    assert lines["hv_a2"]["weeks"] == (2, 11)
    page = response.content.decode()
    assert "11 of 12 weeks" in page and "2 of 11 weeks" in page


def test_on_leave_this_week_is_neither_yes_nor_no(monday, cast, login):
    services.record_leave(
        by=cast.sup_a, staff_id=cast.hv_a2.pk, start=monday, end=monday + timedelta(days=4)
    )
    response = login(cast.sup_a).get(BOARD)
    assert lines_of(response)["hv_a2"]["row"].record.this_week is None
    assert "On leave" in response.content.decode()
    assert "2 home visitors not yet" not in response.content.decode()


def test_a_license_renewal_and_the_qualifications_in_words(monday, cast, login):
    today = timezone.localdate()
    services.add_license(
        by=cast.sup_a,
        staff_id=cast.hv_a.pk,
        type="LMSW",
        issued_on=today - timedelta(days=400),
        expires_on=today + timedelta(days=30),
    )
    response = login(cast.sup_a).get(BOARD)
    line = lines_of(response)["hv_a"]
    assert line["worst"] == "not_met"  # no degree, no endorsement recorded
    assert "No master's degree recorded." in line["missing"]
    assert any("expires on" in item and "in 30 days" in item for item in line["missing"])
    page = response.content.decode()
    assert "1 license renewal due" in page
    assert "No master&#x27;s degree recorded." in page
    assert "CE pace" in page and "continuing-education hours" in page


def test_caseload_against_the_cap_and_fidelity_headline(monday, cast, login):
    response = login(cast.sup_a).get(BOARD)
    line = lines_of(response)["hv_a"]
    assert (line["row"].load.families, line["row"].load.capacity) == (1, 15)
    assert "1 of 15" in response.content.decode()


def test_a_home_visitor_and_an_agency_administrator_are_refused(cast, login, new_events):
    for user in (cast.hv_a, cast.admin_a, cast.state_admin):
        assert login(user).get(BOARD).status_code == 403
        assert [(e.outcome) for e in new_events()] == ["denied"]


def test_other_teams_and_agencies_never_appear(monday, cast, login):
    page = login(cast.sup_a).get(BOARD).content.decode()
    for outsider in (cast.hv_b, cast.hv_a_other_team):
        assert outsider.display_name() not in page
        assert reverse("workforce:profile", args=[outsider.pk]) not in page


def test_session_notes_and_themes_never_appear(monday, cast, login):
    session(cast.sup_a, [cast.hv_a, cast.hv_a2], day=monday, themes=THEMES)
    page = login(cast.sup_a).get(BOARD).content.decode()
    assert NOTE not in page and "test text" not in page


def test_the_board_links_from_the_supervisor_home(cast, login):
    page = login(cast.sup_a).get(reverse("reports:home")).content.decode()
    assert f'href="{BOARD}"' in page


def _count(client) -> int:
    client.get(BOARD)  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(BOARD).status_code == 200
    return len(captured)


def test_queries_do_not_grow_from_5_to_50_home_visitors(monday, cast, login):
    client = login(cast.sup_a)
    for _ in range(3):  # with hv_a and hv_a2: 5
        member(Role.HOME_VISITOR, team=cast.team_a)
    small = _count(client)
    for _ in range(45):
        member(Role.HOME_VISITOR, team=cast.team_a)
    assert len(lines_of(client.get(BOARD))) == 50
    assert _count(client) == small
