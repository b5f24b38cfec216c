"""The access trio on every page that takes a family or referral id.

For each page: a user in scope gets it; a user of another agency gets 404 (audited as a
denial); a user in scope without the capability gets 403 (audited as a denial).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.families.models import Caregiver, Child, Referral

# (url name, extra args builder, who works, capability-less user in scope)
FAMILY_PAGES = [
    ("families:detail", lambda c, f: [], "hv_a", None),
    ("families:caregiver_edit", lambda c, f: [c["caregiver"].pk], "hv_a", None),
    ("families:child_add", lambda c, f: [], "hv_a", None),
    ("families:birth", lambda c, f: [c["expected"].pk], "hv_a", None),
    ("families:consents", lambda c, f: [], "hv_a", None),
    ("families:assign", lambda c, f: [], "sup_a", "hv_a"),
    ("families:discharge", lambda c, f: [], "admin_a", "hv_a"),
]


@pytest.fixture
def extras(cast):
    return {
        "caregiver": Caregiver.objects.create(
            family=cast.family_a,
            relationship="primary",
            first_name="T",
            last_name="E",
            normalized_name="t e",
        ),
        "expected": Child.objects.create(
            family=cast.family_a, due_date=timezone.localdate() + timedelta(days=20)
        ),
    }


def other_agency_peer(cast, user):
    """A user at agency B in the same role as `user`."""
    from imhhv.accounts.models import Membership, User

    if user.role == "home_visitor":
        return cast.hv_b
    peer = User.objects.create(username=f"peer_{user.username}")
    Membership.objects.create(
        user=peer,
        role=user.role,
        agency=cast.agency_b,
        team=cast.team_b if user.role == "supervisor" else None,
        start_date=timezone.localdate() - timedelta(days=30),
    )
    return peer


@pytest.mark.parametrize(
    ("name", "args", "who", "without"), FAMILY_PAGES, ids=[p[0] for p in FAMILY_PAGES]
)
def test_family_page_trio(cast, login, new_events, extras, name, args, who, without):
    url = reverse(name, args=[cast.family_a.pk, *args(extras, cast.family_a)])
    assert login(getattr(cast, who)).get(url).status_code == 200
    assert [e.action for e in new_events()] == ["family.read"]  # every page, one read

    # Someone at another agency who holds the same capability: the family does not exist.
    response = login(other_agency_peer(cast, getattr(cast, who))).get(url)
    assert response.status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("family.read", "denied")]

    if without:
        assert login(getattr(cast, without)).get(url).status_code == 403
        assert [e.outcome for e in new_events()] == ["denied"]
    assert login(cast.state_admin).get(url).status_code == 403


REFERRAL_PAGES = ["families:referral", "families:enroll"]


@pytest.mark.parametrize("name", REFERRAL_PAGES)
def test_referral_page_trio(cast, login, new_events, name):
    referral = Referral.objects.create(
        agency=cast.agency_a, referral_date=timezone.localdate(), source="self", status="eligible"
    )
    url = reverse(name, args=[referral.pk])
    assert login(cast.sup_a).get(url).status_code == 200
    assert [e.action for e in new_events()] == ["referral.read"]
    referral.agency = cast.agency_b
    referral.save()
    assert login(cast.admin_a).get(url).status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("referral.read", "denied")]
    assert login(cast.hv_b).get(url).status_code == 403
    assert [(e.action, e.outcome) for e in new_events()] == [("access.capability", "denied")]


def test_reenroll_page_trio(cast, login, new_events):
    from imhhv.families.models import Enrollment

    for family in (cast.family_a, cast.family_b):
        Enrollment.objects.filter(family=family).update(discharged_on=timezone.localdate())
    url = reverse("families:reenroll", args=[cast.family_a.pk])
    assert login(cast.admin_a).get(url).status_code == 200
    assert [e.action for e in new_events()] == ["family.read"]
    response = login(other_agency_peer(cast, cast.admin_a)).get(url)
    assert response.status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("family.read", "denied")]
    assert login(cast.hv_a).get(url).status_code == 403
    assert [e.outcome for e in new_events()] == ["denied"]


@pytest.mark.parametrize(
    "name", ["families:referrals", "families:waitlist", "families:list", "families:capacity"]
)
def test_intake_lists_are_audited_once(cast, login, new_events, name):
    assert login(cast.admin_a).get(reverse(name)).status_code == 200
    assert len(new_events()) == 1
