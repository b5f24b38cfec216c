"""Program settings: the state publishes policy versions and extends the risk factor list."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.agencies.models import ProgramPolicy
from imhhv.agencies.policy import policy_on
from imhhv.families.models import RiskFactor

SETTINGS = reverse("agencies:settings")
TODAY = timezone.localdate()


def policy_post(**overrides):
    data = {
        "action": "policy",
        "effective_from": TODAY.isoformat(),
        "age_limit_months": "36",
        "caseload_cap_per_fte": "12",
        "transition_planning_months": "33",
        "waitlist_priority": "pregnant, risk_count, days_waiting",
    }
    data.update(overrides)
    return data


def test_defaults_apply_until_a_policy_is_published(db):
    policy = policy_on()
    assert (policy.age_limit_months, policy.caseload_cap_per_fte) == (36, 15)


def test_state_admin_publishes_a_policy_and_it_applies(cast, login, new_events):
    client = login(cast.state_admin)
    assert client.post(SETTINGS, policy_post()).status_code == 302
    assert policy_on().caseload_cap_per_fte == 12
    assert policy_on().waitlist_priority == "pregnant,risk_count,days_waiting"
    event = new_events(action="policy.publish")[0]
    assert event.details["changes"]["caseload_cap_per_fte"] == [15, 12]
    # The capacity the supervisor sees follows the policy.
    page = login(cast.sup_a).get(reverse("families:capacity"))
    assert {v.capacity for v in page.context["capacity"]} == {12}


def test_future_policy_waits_for_its_day(cast, login):
    login(cast.state_admin).post(
        SETTINGS, policy_post(effective_from=(TODAY + timedelta(days=30)).isoformat())
    )
    assert policy_on().caseload_cap_per_fte == 15
    assert policy_on(TODAY + timedelta(days=30)).caseload_cap_per_fte == 12


def test_bad_policy_input_gets_field_errors(cast, login):
    client = login(cast.state_admin)
    response = client.post(
        SETTINGS,
        policy_post(
            effective_from=(TODAY - timedelta(days=1)).isoformat(),
            waitlist_priority="pregnant, shoe_size",
            transition_planning_months="40",
        ),
    )
    page = response.content.decode()
    assert "cannot take effect in the past" in page
    assert "shoe_size" in page
    assert "must start before the age limit" in page
    assert not ProgramPolicy.objects.exists()


def test_risk_factors_can_be_added_and_retired(cast, login, new_events):
    client = login(cast.state_admin)
    client.post(
        SETTINGS,
        {
            "action": "risk_factor",
            "code": "housing_instability",
            "label": "Housing instability",
            "applies_to": "parent",
        },
    )
    factor = RiskFactor.objects.get(code="housing_instability")
    duplicate = client.post(
        SETTINGS,
        {
            "action": "risk_factor",
            "code": "housing_instability",
            "label": "Again",
            "applies_to": "parent",
        },
    )
    assert b"exists already" in duplicate.content
    client.post(SETTINGS, {"action": "toggle", "factor": factor.pk})
    factor.refresh_from_db()
    assert not factor.active
    assert [e.action for e in new_events()] == ["riskfactor.add", "riskfactor.active"]


def test_only_the_state_changes_policy(cast, login):
    for user in (cast.admin_a, cast.sup_a, cast.hv_a, cast.evaluator):
        assert login(user).post(SETTINGS, policy_post()).status_code == 403
    assert not ProgramPolicy.objects.exists()
