"""families_visible_to / get_family_for_user: each role sees exactly its scope."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from imhhv.families.access import families_visible_to, get_family_for_user


def visible(user):
    return set(families_visible_to(user).values_list("display_name", flat=True))


def test_home_visitor_sees_own_caseload_only(cast):
    assert visible(cast.hv_a) == {"Test Family One"}
    assert visible(cast.hv_b) == {"Test Family Four"}


def test_supervisor_sees_the_team_not_the_other_team(cast):
    assert visible(cast.sup_a) == {"Test Family One", "Test Family Two"}


def test_agency_admin_sees_the_whole_agency_only(cast):
    assert visible(cast.admin_a) == {"Test Family One", "Test Family Two", "Test Family Three"}


def test_state_admin_evaluator_and_nobody_see_no_family_rows(cast):
    for user in (cast.state_admin, cast.evaluator, cast.nobody):
        assert visible(user) == set()


def test_anonymous_sees_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_deactivated_user_sees_nothing(cast):
    cast.hv_a.is_active = False
    cast.hv_a.save()
    cast.hv_a.__dict__.pop("membership", None)
    assert visible(cast.hv_a) == set()


def test_visitor_moving_team_moves_their_families_to_the_new_supervisor(cast):
    from imhhv.accounts.services import change_membership
    from imhhv.core.roles import Role

    change_membership(
        user=cast.hv_a2,
        role=Role.HOME_VISITOR,
        agency=cast.agency_a,
        team=cast.team_a_other,
        by=cast.admin_a,
    )
    cast.sup_a.__dict__.pop("membership", None)
    assert visible(cast.sup_a) == {"Test Family One"}
    assert cast.hv_a2.memberships.count() == 2  # history kept


def test_out_of_scope_is_404_like_missing_and_audited(cast, new_events):
    with pytest.raises(Http404):
        get_family_for_user(cast.hv_a, cast.family_b.pk)
    with pytest.raises(Http404):
        get_family_for_user(cast.hv_a, 999999)
    denials = new_events(action="family.read", outcome="denied")
    assert [e.object_id for e in denials] == [str(cast.family_b.pk), "999999"]


def test_write_needs_the_capability(cast, new_events):
    assert get_family_for_user(cast.hv_a, cast.family_a.pk, write=True) == cast.family_a
    with pytest.raises(PermissionDenied):
        get_family_for_user(cast.hv_a, cast.family_a.pk, write=True, capability="assign_caseload")
    assert len(new_events(action="family.write", outcome="denied")) == 1


def test_a_discharged_family_is_read_only(cast, new_events):
    from django.utils import timezone

    from imhhv.families.services import FamilyIsDischarged, discharge_family

    discharge_family(
        family=cast.family_a,
        by=cast.sup_a,
        discharged_on=timezone.localdate(),
        reason="goals_met",
        planned=True,
    )
    assert get_family_for_user(cast.hv_a, cast.family_a.pk) == cast.family_a
    with pytest.raises(FamilyIsDischarged):
        get_family_for_user(cast.hv_a, cast.family_a.pk, write=True)
    (denied,) = new_events(action="family.write", outcome="denied")
    assert denied.details["reason"] == "discharged"
