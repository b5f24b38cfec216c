"""Assigning a family to a home visitor who may not carry families yet (issue 10).

The workforce rules (`imhhv.core.workforce.may_carry_families`) hold up an assignment
while the home visitor's self-assessment is not discussed, or while they are neither
endorsed (Infant Family Specialist) nor waived for the fiscal year. Like the caseload
cap, it is a conflict the caller can lift: a supervisor overrides with a reason. The
page shows the reasons with an "Override as supervisor" tick box; the API answers 409
`not_qualified` with the reasons. Every request writes exactly one audit event, and the
assignment's event keeps the reasons and the override.

The cast's home visitors start with no workforce records, so hv_a2 is not qualified
until `qualify` gives them a discussed self-assessment and an endorsement.
"""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.tests.factories import qualify
from imhhv.api.services import issue_token
from imhhv.core import workforce as rules
from imhhv.families.models import Family, Referral
from imhhv.families.tests.factories import ReferralFactory
from imhhv.workforce.models import SelfAssessment, Waiver

TODAY = timezone.localdate()
NOT_DISCUSSED = "The self-assessment has not been discussed with the supervisor."
NOT_ENDORSED = "Not endorsed as Infant Family Specialist and no approved waiver"
REASON = "Covering while the team hires (synthetic)"


def trail(new_events):
    return [(e.action, e.outcome, e.details.get("reason")) for e in new_events()]


def without_drafts(new_events):
    return [t for t in trail(new_events) if not t[0].startswith("draft.")]


def assign_url(family):
    return reverse("families:assign", args=[family.pk])


def assign_post(cast, **overrides):
    return {
        "home_visitor": cast.hv_a2.pk,
        "start_date": TODAY.isoformat(),
        "reason": "",
        "version": cast.family_a.version,
        **overrides,
    }


class Api:
    def __init__(self, client, key):
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Token {key}"}

    def post(self, url, body):
        return self.client.post(
            url, json.dumps(body, default=str), content_type="application/json", **self.headers
        )


@pytest.fixture
def api(client, new_events):
    def _as(user):
        key = issue_token(user=user)[0]
        new_events.reset()
        return Api(client, key)

    return _as


def api_assign_url(family):
    return f"/api/v1/families/{family.pk}/assign/"


def still_with_hv_a(cast):
    cast.family_a.refresh_from_db()
    return cast.family_a.home_visitor == cast.hv_a and cast.family_a.assignments.count() == 1


# --- the page ---------------------------------------------------------------------------


def test_the_page_warns_with_the_reasons_and_a_supervisor_overrides(cast, login, new_events):
    client = login(cast.sup_a)
    form = client.get(assign_url(cast.family_a)).content.decode()
    assert "Override as supervisor" in form
    new_events.reset()

    warned = client.post(assign_url(cast.family_a), assign_post(cast))
    assert warned.status_code == 409
    page = warned.content.decode()
    assert NOT_DISCUSSED in page and NOT_ENDORSED in page
    assert "A supervisor can override with a reason." in page
    assert 'name="qualification_override"' in page
    assert still_with_hv_a(cast)
    assert trail(new_events) == [("family.assign", "denied", "not_qualified")]

    new_events.reset()
    done = client.post(
        assign_url(cast.family_a),
        assign_post(cast, qualification_override="on", reason=REASON),
    )
    assert done.status_code == 302
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a2
    assignment = cast.family_a.assignments.get(end_date__isnull=True)
    assert assignment.qualification_override and assignment.reason == REASON
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("family.assign", "success")]
    assert events[0].details["qualification_override"] is True
    assert events[0].details["not_qualified"] == [
        NOT_DISCUSSED,
        f"{NOT_ENDORSED} for FY{rules.fiscal_year(TODAY)}.",
    ]


def test_the_page_asks_the_supervisor_for_the_reason_of_an_override(cast, login, new_events):
    client = login(cast.sup_a)
    response = client.post(
        assign_url(cast.family_a), assign_post(cast, qualification_override="on")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Assigning a home visitor who is not yet qualified needs a reason."
    ]
    assert still_with_hv_a(cast)
    # Bad input re-renders the page: its read is the request's one event.
    assert trail(new_events) == [("family.read", "success", None)]


def test_an_administrator_sees_the_reasons_but_no_override(cast, login, new_events):
    """Assigning is theirs; overriding the qualification gate is a supervisor's call."""
    client = login(cast.admin_a)
    assert "Override as supervisor" not in client.get(assign_url(cast.family_a)).content.decode()
    new_events.reset()
    # A tick sent anyway is not a field of their form: the gate still holds.
    refused = client.post(
        assign_url(cast.family_a),
        assign_post(cast, qualification_override="on", reason=REASON),
    )
    assert refused.status_code == 409 and NOT_DISCUSSED in refused.content.decode()
    assert still_with_hv_a(cast)
    assert trail(new_events) == [("family.assign", "denied", "not_qualified")]


def test_a_qualified_visitor_is_assigned_without_an_override(cast, login, new_events):
    qualify(cast.hv_a2)
    response = login(cast.sup_a).post(assign_url(cast.family_a), assign_post(cast))
    assert response.status_code == 302
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a2
    assert not cast.family_a.assignments.get(end_date__isnull=True).qualification_override
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("family.assign", "success")]
    assert events[0].details["not_qualified"] == []
    assert events[0].details["qualification_override"] is False


# --- the API ----------------------------------------------------------------------------


def test_the_api_answers_409_with_the_reasons_then_takes_the_override(cast, api, new_events):
    client = api(cast.sup_a)
    refused = client.post(api_assign_url(cast.family_a), {"home_visitor": cast.hv_a2.pk})
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "not_qualified"
    assert body["reasons"][0] == NOT_DISCUSSED and body["reasons"][1].startswith(NOT_ENDORSED)
    assert NOT_DISCUSSED in body["detail"]
    assert still_with_hv_a(cast)
    assert trail(new_events) == [("family.assign", "denied", "not_qualified")]

    new_events.reset()
    done = client.post(
        api_assign_url(cast.family_a),
        {"home_visitor": cast.hv_a2.pk, "qualification_override": True, "reason": REASON},
    )
    assert done.status_code == 201
    assert done.json()["assignment"]["qualification_override"] is True
    assert done.json()["assignment"]["over_cap_confirmed"] is False
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("family.assign", "success")]
    assert events[0].details["qualification_override"] is True
    assert len(events[0].details["not_qualified"]) == 2


def test_only_a_supervisor_may_override(cast, api, new_events):
    response = api(cast.admin_a).post(
        api_assign_url(cast.family_a),
        {"home_visitor": cast.hv_a2.pk, "qualification_override": True, "reason": REASON},
    )
    assert response.status_code == 400
    assert response.json()["qualification_override"] == [
        "Only a supervisor can assign a home visitor who is not yet qualified."
    ]
    assert still_with_hv_a(cast)
    # Bad input through the API: nothing read, nothing written, no event (as for every
    # other 400 of the assign endpoint); the page re-renders and reads (one event).
    assert new_events() == []


def test_an_override_needs_a_reason(cast, api, new_events):
    response = api(cast.sup_a).post(
        api_assign_url(cast.family_a),
        {"home_visitor": cast.hv_a2.pk, "qualification_override": True, "reason": "ok"},
    )
    assert response.status_code == 400
    assert "needs a reason" in " ".join(response.json()["reason"])
    assert still_with_hv_a(cast)
    assert new_events() == []


def test_a_qualified_visitor_needs_no_override_through_the_api(cast, api, new_events):
    qualify(cast.hv_a2)
    response = api(cast.admin_a).post(
        api_assign_url(cast.family_a), {"home_visitor": cast.hv_a2.pk}
    )
    assert response.status_code == 201
    assert response.json()["assignment"]["qualification_override"] is False
    assert [(e.action, e.outcome) for e in new_events()] == [("family.assign", "success")]


def test_a_waiver_stands_in_for_the_endorsement_once_the_assessment_is_discussed(
    cast, api, new_events
):
    SelfAssessment.objects.create(
        user=cast.hv_a2,
        completed_on=TODAY - timedelta(days=30),
        discussed_on=TODAY - timedelta(days=20),
    )
    client = api(cast.sup_a)
    refused = client.post(api_assign_url(cast.family_a), {"home_visitor": cast.hv_a2.pk})
    assert refused.status_code == 409 and len(refused.json()["reasons"]) == 1
    assert refused.json()["reasons"][0].startswith(NOT_ENDORSED)
    Waiver.objects.create(
        user=cast.hv_a2,
        fiscal_year=rules.fiscal_year(TODAY),
        requested_on=TODAY - timedelta(days=10),
        approved_on=TODAY - timedelta(days=5),
    )
    new_events.reset()
    done = client.post(api_assign_url(cast.family_a), {"home_visitor": cast.hv_a2.pk})
    assert done.status_code == 201
    assert [(e.action, e.outcome) for e in new_events()] == [("family.assign", "success")]


def test_a_supervisor_carrying_families_is_not_held_up(cast, api, new_events):
    """The gate judges home visitors; a supervisor has other requirements."""
    response = api(cast.admin_a).post(
        api_assign_url(cast.family_a), {"home_visitor": cast.sup_a.pk}
    )
    assert response.status_code == 201
    assert [(e.action, e.outcome) for e in new_events()] == [("family.assign", "success")]


# --- enrollment with a home visitor -----------------------------------------------------


@pytest.fixture
def eligible(cast):
    return ReferralFactory(
        agency=cast.agency_a, status=Referral.Status.ELIGIBLE, child_born=TODAY - timedelta(60)
    )


def enroll_post(visitor, **overrides):
    return {
        "enrolled_on": TODAY.isoformat(),
        "consents": ["services"],
        "home_visitor": str(visitor.pk),
        "caregiver-TOTAL_FORMS": "1",
        "caregiver-INITIAL_FORMS": "0",
        "caregiver-MIN_NUM_FORMS": "1",
        "caregiver-MAX_NUM_FORMS": "6",
        "caregiver-0-relationship": "primary",
        "caregiver-0-first_name": "Enna",
        "caregiver-0-last_name": "Rolled",
        "caregiver-0-preferred_language": "en",
        "caregiver-0-hispanic": "no",
        "caregiver-0-education": "hs",
        "caregiver-0-employment": "part_time",
        "caregiver-0-insurance": "medicaid",
        "child-TOTAL_FORMS": "1",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1",
        "child-MAX_NUM_FORMS": "6",
        "child-0-first_name": "Kid",
        "child-0-birth_date": (TODAY - timedelta(days=60)).isoformat(),
        **overrides,
    }


def test_enrolling_with_an_unqualified_visitor_warns_then_a_supervisor_overrides(
    cast, login, eligible, new_events
):
    client = login(cast.sup_a)
    url = reverse("families:enroll", args=[eligible.pk])
    warned = client.post(url, enroll_post(cast.hv_a2))
    assert warned.status_code == 409
    page = warned.content.decode()
    assert NOT_DISCUSSED in page and "Override as supervisor" in page
    assert 'value="Enna"' in page  # what was typed stays
    assert not Family.objects.filter(referrals=eligible).exists()
    # The enrollment form also keeps what was typed as a draft (its own event, as after
    # any refused enrollment): the request's one event about the family is the refusal.
    assert without_drafts(new_events) == [("family.enroll", "denied", "not_qualified")]

    new_events.reset()
    no_reason = client.post(url, enroll_post(cast.hv_a2, qualification_override="on"))
    assert no_reason.context["form"].errors["assign_reason"] == [
        "Assigning a home visitor who is not yet qualified needs a reason."
    ]
    assert not Family.objects.filter(referrals=eligible).exists()
    assert without_drafts(new_events) == [("referral.read", "success", None)]

    new_events.reset()
    done = client.post(
        url, enroll_post(cast.hv_a2, qualification_override="on", assign_reason=REASON)
    )
    assert done.status_code == 302
    family = Family.objects.get(referrals=eligible)
    assignment = family.assignments.get()
    assert family.home_visitor == cast.hv_a2 and assignment.qualification_override
    assert assignment.reason == REASON
    events = [e for e in new_events() if not e.action.startswith("draft.")]
    assert [(e.action, e.outcome) for e in events] == [
        ("family.enroll", "success"),
        ("family.assign", "success"),
    ]
    assert events[1].details["qualification_override"] is True


def test_enrolling_through_the_api_is_409_with_the_reasons_until_overridden(
    cast, api, eligible, new_events
):
    url = f"/api/v1/referrals/{eligible.pk}/enroll/"
    body = {
        "enrolled_on": TODAY.isoformat(),
        "consents": ["services"],
        "home_visitor": cast.hv_a2.pk,
        "caregivers": [{"relationship": "primary", "first_name": "Enna", "last_name": "Rolled"}],
        "children": [{"first_name": "Kid", "birth_date": (TODAY - timedelta(days=60)).isoformat()}],
    }
    client = api(cast.sup_a)
    refused = client.post(url, body)
    assert refused.status_code == 409 and refused.json()["code"] == "not_qualified"
    assert refused.json()["reasons"][0] == NOT_DISCUSSED
    assert not Family.objects.filter(referrals=eligible).exists()
    assert trail(new_events) == [("family.enroll", "denied", "not_qualified")]

    no_reason = client.post(url, {**body, "qualification_override": True})
    assert no_reason.status_code == 400 and "assign_reason" in no_reason.json()

    new_events.reset()
    done = client.post(url, {**body, "qualification_override": True, "assign_reason": REASON})
    assert done.status_code == 201
    family = Family.objects.get(pk=done.json()["id"])
    assert family.assignments.get().qualification_override
    assert [(e.action, e.outcome) for e in new_events()] == [
        ("family.enroll", "success"),
        ("family.assign", "success"),
    ]
