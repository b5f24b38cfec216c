"""Whose staff records a user reaches: the trio (other agency 404, missing capability 403,
one audit event each way) for reads and writes."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from imhhv.workforce import queries, services
from imhhv.workforce.models import TrainingEntry
from imhhv.workforce.tests.helpers import yesterday


def add_hours(by, staff):
    return services.add_training(
        by=by,
        staff_id=staff.pk,
        day=yesterday(),
        title="Synthetic course",
        hours=Decimal("2"),
        category="children_mental_health",
    )


@pytest.mark.parametrize(
    ("reader", "staff"),
    [("admin_a", "hv_b"), ("sup_a", "hv_b"), ("sup_a", "hv_a_other_team")],
)
def test_staff_out_of_reach_is_a_404_with_one_denial(cast, new_events, reader, staff):
    with pytest.raises(Http404):
        queries.staff_profile(getattr(cast, reader), getattr(cast, staff).pk)
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("workforce.read", "denied")]


@pytest.mark.parametrize("staff_id", [0, -1, 2**63, "12", None, 999_999])
def test_odd_or_missing_ids_are_a_404(cast, new_events, staff_id):
    with pytest.raises(Http404):
        queries.staff_profile(cast.admin_a, staff_id)
    assert len(new_events(outcome="denied")) == 1


@pytest.mark.parametrize("reader", ["hv_a", "evaluator"])
def test_another_person_without_a_staff_capability_is_a_403(cast, new_events, reader):
    with pytest.raises(PermissionDenied):
        queries.staff_profile(getattr(cast, reader), cast.hv_a2.pk)
    assert [(e.action, e.outcome) for e in new_events()] == [("workforce.read", "denied")]


@pytest.mark.parametrize(
    ("reader", "staff"),
    [
        ("hv_a", "hv_a"),  # oneself, always
        ("sup_a", "hv_a"),  # a home visitor of the own team
        ("admin_a", "hv_a_other_team"),  # anyone of the own agency
        ("state_admin", "hv_b"),  # statewide staff reach
    ],
)
def test_a_profile_in_reach_is_one_read_event(cast, new_events, reader, staff):
    profile = queries.staff_profile(getattr(cast, reader), getattr(cast, staff).pk)
    assert profile.staff == getattr(cast, staff)
    assert [(e.action, e.outcome) for e in new_events()] == [("workforce.profile.read", "success")]


@pytest.mark.parametrize(
    ("writer", "staff"), [("hv_a", "hv_a"), ("sup_a", "hv_a"), ("admin_a", "hv_a")]
)
def test_writes_in_reach_are_saved_with_one_event(cast, new_events, writer, staff):
    add_hours(getattr(cast, writer), getattr(cast, staff))
    assert TrainingEntry.objects.filter(user=getattr(cast, staff)).count() == 1
    assert [(e.action, e.outcome) for e in new_events()] == [("workforce.training.add", "success")]


def test_a_colleague_cannot_write_and_nothing_is_saved(cast, new_events):
    with pytest.raises(PermissionDenied):
        add_hours(cast.hv_a2, cast.hv_a)
    assert TrainingEntry.objects.count() == 0
    assert [(e.action, e.outcome) for e in new_events()] == [("workforce.write", "denied")]


def test_another_agencys_admin_cannot_write(cast, new_events):
    with pytest.raises(Http404):
        add_hours(cast.admin_a, cast.hv_b)
    assert TrainingEntry.objects.count() == 0
    assert [(e.action, e.outcome) for e in new_events()] == [("workforce.write", "denied")]


def test_a_supervisor_cannot_write_for_a_home_visitor_of_another_team(cast, new_events):
    with pytest.raises(Http404):
        add_hours(cast.sup_a, cast.hv_a_other_team)
    assert TrainingEntry.objects.count() == 0


def test_only_a_supervisor_records_a_session(cast, new_events):
    from imhhv.workforce.tests.helpers import session

    with pytest.raises(PermissionDenied):
        session(cast.hv_a, [cast.hv_a2])
    with pytest.raises(PermissionDenied):  # the supervisor named is someone else
        session(cast.sup_a, [cast.hv_a], supervisor_id=cast.admin_a.pk)
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("workforce.session.record", "denied"),
        ("workforce.session.record", "denied"),
    ]
