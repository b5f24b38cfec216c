"""The supervisor's Monday team board (`reports.team_board.team_board`): who needs
supervision, training or a license renewal, in one call with one audit event."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.accounts.tests.factories import member
from imhhv.core.calendar import week_start
from imhhv.core.roles import Role
from imhhv.reports.team_board import team_board
from imhhv.workforce import services
from imhhv.workforce.tests.helpers import session


def last_week_day():
    return week_start(timezone.localdate()) - timedelta(days=5)  # last week's Wednesday


def test_one_row_per_home_visitor_of_the_team_and_one_event(cast, new_events):
    board = team_board(cast.sup_a)
    assert [r.staff for r in board.rows] == sorted(
        [cast.hv_a, cast.hv_a2], key=lambda u: (u.last_name, u.first_name)
    )
    assert board.team_name == "A1"
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("workforce.team_board.read", "success")]
    assert events[0].details["staff"] == sorted([cast.hv_a.pk, cast.hv_a2.pk])


def test_a_missed_week_is_the_first_need_and_a_session_clears_it(cast):
    session(cast.sup_a, [cast.hv_a], day=last_week_day())
    rows = {r.staff: r for r in team_board(cast.sup_a).rows}
    assert rows[cast.hv_a].record.last_week is True
    assert "No reflective supervision last week" not in rows[cast.hv_a].needs
    assert rows[cast.hv_a2].needs[0] == "No reflective supervision last week"
    assert [r.staff for r in team_board(cast.sup_a).missed_last_week] == [cast.hv_a2]


def test_a_week_on_leave_is_not_a_missed_week(cast):
    monday = week_start(timezone.localdate()) - timedelta(days=7)
    services.record_leave(
        by=cast.sup_a, staff_id=cast.hv_a2.pk, start=monday, end=monday + timedelta(days=4)
    )
    row = next(r for r in team_board(cast.sup_a).rows if r.staff == cast.hv_a2)
    assert row.record.last_week is None
    assert "No reflective supervision last week" not in row.needs


def test_qualification_gaps_and_a_license_renewal_show_as_needs(cast):
    today = timezone.localdate()
    services.add_license(
        by=cast.sup_a,
        staff_id=cast.hv_a.pk,
        type="LLMSW",
        issued_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=45),
    )
    row = next(r for r in team_board(cast.sup_a).rows if r.staff == cast.hv_a)
    assert any("license" in need.lower() for need in row.needs)
    assert any("self-assessment" in need.lower() for need in row.needs)
    assert row.load is not None and row.load.families == 1  # the cast's Test Family One


@pytest.mark.parametrize("reader", ["hv_a", "admin_a", "state_admin", "evaluator"])
def test_the_board_is_a_supervisors(cast, new_events, reader):
    with pytest.raises(PermissionDenied):
        team_board(getattr(cast, reader))
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("workforce.team_board.read", "denied")
    ]


def test_the_board_takes_the_same_queries_for_5_and_50_staff(cast):
    def count():
        supervisor = User.objects.get(pk=cast.sup_a.pk)
        with CaptureQueriesContext(connection) as run:
            team_board(supervisor)
        return len(run)

    visitors = [member(Role.HOME_VISITOR, team=cast.team_a) for _ in range(2)]
    session(cast.sup_a, [cast.hv_a, *visitors])  # with hv_a, hv_a2 and sup_a: 5 staff
    small = count()
    visitors += [member(Role.HOME_VISITOR, team=cast.team_a) for _ in range(45)]
    session(cast.sup_a, visitors, day=last_week_day())
    assert count() == small
