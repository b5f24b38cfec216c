"""Assigning and transferring a family (service and page): who may take it, from when.

Finding (issue 7): a backdated assignment could go to someone who was not a home visitor
of the agency on every day since the start date, and silently moved the end of the
current home visitor's assignment back.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.models import Membership
from imhhv.accounts.tests.factories import qualify
from imhhv.core.roles import Role
from imhhv.families.services import assign_home_visitor
from imhhv.families.tests.factories import MembershipFactory, UserFactory

TODAY = timezone.localdate()


def days(n):
    return TODAY - timedelta(days=n)


def previous(family):
    return family.assignments.order_by("start_date", "pk").first()


def test_someone_who_left_the_agency_cannot_be_assigned_from_a_date_they_were_there(
    cast, new_events
):
    """Member at A on the start date, but moved to agency B since: refused."""
    Membership.objects.filter(user=cast.hv_a2).update(end_date=days(5))
    MembershipFactory(user=cast.hv_a2, team=cast.team_b, start_date=days(4))
    with pytest.raises(ValidationError) as refused:
        assign_home_visitor(
            family=cast.family_a,
            home_visitor=cast.hv_a2,
            by=cast.sup_a,
            start_date=days(30),
            reason="Was covering then",
        )
    assert "of this family's agency" in str(refused.value)
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a and cast.family_a.assignments.count() == 1
    assert previous(cast.family_a).end_date is None
    assert not new_events(action="family.assign")


def test_a_start_date_before_the_visitor_joined_is_refused(cast):
    newcomer = MembershipFactory(team=cast.team_a, start_date=days(10)).user
    with pytest.raises(ValidationError) as refused:
        assign_home_visitor(
            family=cast.family_a,
            home_visitor=newcomer,
            by=cast.sup_a,
            start_date=days(30),
            reason="Backfilling the record",
        )
    assert "start_date" in refused.value.message_dict
    assert cast.family_a.assignments.count() == 1


def test_a_gap_in_membership_since_the_start_date_is_refused(cast):
    """Left the agency for a month and came back: not a home visitor every day since."""
    returner = UserFactory(username="returner")
    MembershipFactory(user=returner, team=cast.team_a, start_date=days(300), end_date=days(60))
    MembershipFactory(user=returner, team=cast.team_a, start_date=days(30))
    with pytest.raises(ValidationError) as refused:
        assign_home_visitor(
            family=cast.family_a,
            home_visitor=returner,
            by=cast.sup_a,
            start_date=days(90),
            reason="Backfilling the record",
        )
    assert "start_date" in refused.value.message_dict


def test_a_team_move_in_between_still_counts_as_membership(cast):
    mover = UserFactory(username="mover")
    MembershipFactory(user=mover, team=cast.team_a_other, start_date=days(300), end_date=days(21))
    MembershipFactory(user=mover, team=cast.team_a, start_date=days(20))
    qualify(mover)
    assignment = assign_home_visitor(
        family=cast.family_a,
        home_visitor=mover,
        by=cast.sup_a,
        start_date=days(40),
        reason="Took over during leave",
    )
    assert assignment.start_date == days(40)


def test_a_supervisor_of_the_agency_can_take_a_family(cast):
    assignment = assign_home_visitor(
        family=cast.family_a, home_visitor=cast.sup_a, by=cast.admin_a, start_date=TODAY
    )
    assert assignment.home_visitor == cast.sup_a


def test_an_agency_administrator_is_not_a_home_visitor(cast):
    with pytest.raises(ValidationError):
        assign_home_visitor(family=cast.family_a, home_visitor=cast.admin_a, by=cast.admin_a)


def test_backdating_a_transfer_needs_a_reason_and_the_audit_keeps_the_previous_end(
    cast, qualified_visitors, new_events
):
    with pytest.raises(ValidationError) as refused:
        assign_home_visitor(
            family=cast.family_a, home_visitor=cast.hv_a2, by=cast.sup_a, start_date=days(14)
        )
    assert "reason" in refused.value.message_dict
    assert previous(cast.family_a).end_date is None  # nothing rewritten

    assign_home_visitor(
        family=cast.family_a,
        home_visitor=cast.hv_a2,
        by=cast.sup_a,
        start_date=days(14),
        reason="Transfer agreed two weeks ago, entered late",
    )
    old = previous(cast.family_a)
    assert old.home_visitor == cast.hv_a and old.end_date == days(15)
    (event,) = new_events(action="family.assign")
    assert event.details["reason"] == "Transfer agreed two weeks ago, entered late"
    assert event.details["backdated"] is True
    assert event.details["previous_assignment_id"] == old.pk
    assert event.details["changes"]["previous_assignment_end"] == [None, days(15).isoformat()]


def test_a_transfer_from_today_needs_no_reason(cast, qualified_visitors, new_events):
    assign_home_visitor(family=cast.family_a, home_visitor=cast.hv_a2, by=cast.sup_a)
    (event,) = new_events(action="family.assign")
    assert event.details["backdated"] is False
    assert event.details["changes"]["previous_assignment_end"] == [None, days(1).isoformat()]


def test_a_first_assignment_backdated_to_enrollment_rewrites_nothing_and_needs_no_reason(
    cast, qualified_visitors
):
    cast.family_a.assignments.all().delete()
    cast.family_a.home_visitor = None
    cast.family_a.save()
    assignment = assign_home_visitor(
        family=cast.family_a, home_visitor=cast.hv_a2, by=cast.sup_a, start_date=days(100)
    )
    assert assignment.start_date == days(100)


def test_a_start_before_the_current_assignment_is_refused(cast):
    cast.family_a.assignments.update(start_date=days(3))
    with pytest.raises(ValidationError) as refused:
        assign_home_visitor(
            family=cast.family_a,
            home_visitor=cast.hv_a2,
            by=cast.sup_a,
            start_date=days(10),
            reason="Earlier than the current one",
        )
    assert "start on or after it" in str(refused.value)


def test_the_assign_page_asks_for_the_reason_when_backdating(cast, qualified_visitors, login):
    url = reverse("families:assign", args=[cast.family_a.pk])
    post = {
        "home_visitor": cast.hv_a2.pk,
        "start_date": days(7).isoformat(),
        "reason": "",
        "version": cast.family_a.version,
    }
    page = login(cast.sup_a).post(url, post)
    assert page.status_code == 200 and b"write the reason" in page.content
    post["reason"] = "Entered a week late"
    assert login(cast.sup_a).post(url, post).status_code == 302
    assert previous(cast.family_a).end_date == days(8)


def test_role_check_uses_the_role_held_then(cast):
    """An agency administrator who used to be a home visitor there is not one on dates
    after the role changed."""
    former = UserFactory(username="former_hv")
    MembershipFactory(user=former, team=cast.team_a, start_date=days(300), end_date=days(50))
    Membership.objects.create(
        user=former, role=Role.AGENCY_ADMIN, agency=cast.agency_a, start_date=days(49)
    )
    with pytest.raises(ValidationError):
        assign_home_visitor(
            family=cast.family_a,
            home_visitor=former,
            by=cast.admin_a,
            start_date=days(60),
            reason="Was their visitor",
        )


def test_enrolling_from_a_date_before_the_visitor_joined_names_the_visitor_field(cast):
    from imhhv.families.models import Referral
    from imhhv.families.services import enroll_family
    from imhhv.families.tests.factories import ReferralFactory

    newcomer = MembershipFactory(team=cast.team_a, start_date=days(5)).user
    referral = ReferralFactory(
        agency=cast.agency_a, status=Referral.Status.ELIGIBLE, referral_date=days(40)
    )
    with pytest.raises(ValidationError) as refused:
        enroll_family(
            referral=referral,
            by=cast.sup_a,
            enrolled_on=days(30),
            caregivers=[{"relationship": "primary", "first_name": "A", "last_name": "B"}],
            children=[{"birth_date": days(100)}],
            consents=["services"],
            home_visitor=newcomer,
        )
    assert "since the enrollment date" in refused.value.message_dict["home_visitor"][0]
    assert not Referral.objects.get(pk=referral.pk).family_id
