"""The referral page and list: intake is agency-wide, an enrolled referral's family data
follows the family's scope.

Finding (issue 7): once enrolled, a referral showed a team-A2 family's caregivers to the
supervisor of team A1.
"""

import pytest
from django.urls import reverse

from imhhv.families.models import Referral
from imhhv.families.tests.factories import ReferralFactory


@pytest.fixture
def enrolled_elsewhere(cast):
    """A referral enrolled into family_a3, on the caseload of a home visitor of team A2."""
    return ReferralFactory(
        agency=cast.agency_a,
        status=Referral.Status.ENROLLED,
        family=cast.family_a3,
        caregiver__first_name="Hiddenname",
        medicaid_id="MI-HIDDEN-1",
    )


def detail(referral):
    return reverse("families:referral", args=[referral.pk])


def test_a_supervisor_of_another_team_sees_no_family_data_on_an_enrolled_referral(
    cast, login, enrolled_elsewhere, new_events
):
    page = login(cast.sup_a).get(detail(enrolled_elsewhere))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Hiddenname" not in body and "MI-HIDDEN-1" not in body
    assert reverse("families:detail", args=[cast.family_a3.pk]) not in body
    assert "outside your caseloads" in body
    (event,) = new_events()
    assert (event.action, event.details["family_data"]) == ("referral.read", "withheld")


def test_the_agency_administrator_sees_the_enrolled_referral_whole(
    cast, login, enrolled_elsewhere, new_events
):
    body = login(cast.admin_a).get(detail(enrolled_elsewhere)).content.decode()
    assert "Hiddenname" in body and "MI-HIDDEN-1" in body
    assert reverse("families:detail", args=[cast.family_a3.pk]) in body
    assert [e.details["family_data"] for e in new_events()] == ["shown"]


def test_a_referral_enrolled_into_the_own_team_is_shown(cast, login):
    referral = ReferralFactory(
        agency=cast.agency_a,
        status=Referral.Status.ENROLLED,
        family=cast.family_a,
        caregiver__first_name="Teamname",
    )
    assert b"Teamname" in login(cast.sup_a).get(detail(referral)).content


def test_a_referral_not_enrolled_yet_is_intakes_whole(cast, login):
    referral = ReferralFactory(agency=cast.agency_a, caregiver__first_name="Waitingname")
    assert b"Waitingname" in login(cast.sup_a).get(detail(referral)).content


def test_the_list_leaves_out_the_name_of_a_family_out_of_scope(
    cast, login, enrolled_elsewhere, new_events
):
    url = reverse("families:referrals")
    sup_page = login(cast.sup_a).get(url).content.decode()
    assert "Hiddenname" not in sup_page and "Enrolled family outside your caseloads" in sup_page
    (event,) = new_events()
    assert event.details["withheld"] == [enrolled_elsewhere.pk]
    assert b"Hiddenname" in login(cast.admin_a).get(url).content


def test_a_bad_status_filter_is_a_message_not_a_500(cast, login, enrolled_elsewhere):
    """Issue 9: bad filter input is a message on the page (400), and nothing is listed."""
    response = login(cast.admin_a).get(reverse("families:referrals"), {"status": "bogus"})
    assert response.status_code == 400 and b"Check the filters" in response.content
    assert b"Hiddenname" not in response.content


@pytest.mark.parametrize("bad", ["99999999999999999999", "0"])
def test_an_id_out_of_range_is_404_and_audited(cast, login, new_events, bad):
    response = login(cast.admin_a).get(f"/families/referrals/{bad}/")
    assert response.status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("referral.read", "denied")]


def test_the_referral_list_queries_do_not_grow_with_the_rows(cast, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.sup_a)
    counts = []
    for n in (2, 8):
        for _ in range(n):
            ReferralFactory(
                agency=cast.agency_a, status=Referral.Status.ENROLLED, family=cast.family_a3
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("families:referrals")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
