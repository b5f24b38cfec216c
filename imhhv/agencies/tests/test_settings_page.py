"""Program settings: the state publishes policy versions and extends the risk factor list."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.agencies.tests.factories import StateHolidayFactory
from imhhv.reference.holidays import holidays_between
from imhhv.reference.models import ProgramPolicy, RiskFactor, StateHoliday
from imhhv.reference.policy import policy_on

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


# --- holidays -----------------------------------------------------------------------------


def next_weekday(start, weekday):
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def test_state_admin_adds_and_removes_a_state_holiday(cast, login, new_events):
    # A weekday that is never a federal holiday: the first Tuesday of next March.
    day = next_weekday(date(TODAY.year + 1, 3, 1), 1)
    client = login(cast.state_admin)
    response = client.post(
        SETTINGS, {"action": "holiday", "day": day.isoformat(), "name": "State closure"}
    )
    assert response.status_code == 302
    assert day in holidays_between(day, day)
    page = client.get(SETTINGS).content.decode()
    assert "State closure" in page and "Thanksgiving Day" in page
    holiday = StateHoliday.objects.get(day=day)
    client.post(SETTINGS, {"action": "remove_holiday", "holiday": holiday.pk})
    assert day not in holidays_between(day, day)
    events = new_events()
    # Notes around the day are recounted by one queued facts rebuild (not one per change).
    assert [e.action for e in events] == ["holiday.add", "job.enqueue", "holiday.remove"]
    from imhhv.jobs.models import Job

    since = (day - timedelta(days=14)).isoformat()
    assert list(Job.objects.values_list("name", "kwargs")) == [("facts.rebuild", {"since": since})]
    assert events[0].details["day"] == day.isoformat()


def test_a_weekend_or_federal_day_is_refused_with_a_reason(cast, login):
    client = login(cast.state_admin)
    saturday = next_weekday(TODAY, 5)
    page = client.post(
        SETTINGS, {"action": "holiday", "day": saturday.isoformat(), "name": "Saturday"}
    ).content.decode()
    assert "Saturday is never a business day" in page
    christmas = date(TODAY.year, 12, 25)
    while christmas.weekday() >= 5:
        christmas = christmas.replace(year=christmas.year + 1)
    page = client.post(
        SETTINGS, {"action": "holiday", "day": christmas.isoformat(), "name": "Christmas"}
    ).content.decode()
    assert "federal holiday already" in page
    assert not StateHoliday.objects.exists()


def test_only_the_state_changes_holidays(cast, login):
    holiday = StateHolidayFactory()
    for user in (cast.admin_a, cast.sup_a, cast.evaluator):
        client = login(user)
        day = {"action": "holiday", "day": "2030-03-05", "name": "x"}
        assert client.post(SETTINGS, day).status_code == 403
        remove = {"action": "remove_holiday", "holiday": holiday.pk}
        assert client.post(SETTINGS, remove).status_code == 403
    assert list(StateHoliday.objects.all()) == [holiday]


def test_a_bad_row_id_is_a_404_not_a_500(cast, login):
    client = login(cast.state_admin)
    for bad in ("abc", "99999999999999999999", ""):
        assert (
            client.post(SETTINGS, {"action": "remove_holiday", "holiday": bad}).status_code == 404
        )
        assert client.post(SETTINGS, {"action": "toggle", "factor": bad}).status_code == 404
