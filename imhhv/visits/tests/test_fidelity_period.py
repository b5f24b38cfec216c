"""The fidelity period: From after To, or longer than the limit, is never a silent reset.

The page keeps what was typed, shows each message on its field (From or To, linked from
a summary at the top), and shows the default period's figures, saying so. The API answers
the same period with a 400 and the same field errors.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.core.calendar import week_start
from imhhv.visits.fidelity import MAX_PERIOD_DAYS, default_period

TODAY = timezone.localdate()
LAST_SUNDAY = week_start(TODAY) - timedelta(days=1)
BACKWARDS = {
    "start": (LAST_SUNDAY - timedelta(days=20)).isoformat(),
    "end": (LAST_SUNDAY - timedelta(days=60)).isoformat(),
}
TOO_LONG = {
    "start": (LAST_SUNDAY - timedelta(days=MAX_PERIOD_DAYS + 7)).isoformat(),
    "end": LAST_SUNDAY.isoformat(),
}


def api(client, user, **params):
    key, _ = issue_token(user=user)
    return client.get("/api/v1/fidelity/", params, HTTP_AUTHORIZATION=f"Token {key}")


def field(html: str, name: str) -> str:
    """The <input> of the period form named `name`."""
    return re.search(rf'<input type="date" id="p-{name}"[^>]*>', html).group(0)


@pytest.mark.parametrize(
    ("params", "at_fault", "message"),
    [
        (BACKWARDS, "end", "The end must be on or after the start."),
        (TOO_LONG, "start", "A period is at most two years."),
        ({"start": "2026-02-30"}, "start", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_the_page_keeps_the_typed_period_and_shows_the_error_on_its_field(
    cast, login, catalogue, params, at_fault, message
):
    url = reverse("visits:fidelity_team", args=[cast.team_a.pk])
    page = login(cast.sup_a).get(url, params)
    assert page.status_code == 200
    html = page.content.decode()
    # The message, on the field at fault, and in the summary linking to it.
    assert page.context["period_errors"] == {at_fault: [message]}
    assert f'<p class="error-message" id="p-{at_fault}-error">{message}</p>' in html
    bad = field(html, at_fault)
    assert 'aria-invalid="true"' in bad and f'aria-describedby="p-{at_fault}-error"' in bad
    label = "From" if at_fault == "start" else "To"
    assert f'<a href="#p-{at_fault}">{label}: {message}</a>' in html
    # What was typed is still in the form.
    for name, value in params.items():
        assert f'value="{value}"' in field(html, name)
    # The figures are the default period's, and the page says so.
    default = default_period(TODAY)
    assert (page.context["start"], page.context["end"]) == (default.start, default.end)
    assert (
        f"Showing the last 12 weeks that are over instead: {default.start:%-d %b %Y} to "
        f"{default.end:%-d %b %Y}." in html
    )


def test_a_good_period_shows_no_error_and_fills_the_form(cast, login, catalogue):
    params = {"start": (LAST_SUNDAY - timedelta(days=27)).isoformat(), "end": BACKWARDS["start"]}
    page = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]), params)
    html = page.content.decode()
    assert page.context["period_errors"] == {} and 'role="alert"' not in html
    assert f'value="{week_start(LAST_SUNDAY - timedelta(days=27)).isoformat()}"' in field(
        html, "start"
    )
    assert "aria-invalid" not in field(html, "end")


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (BACKWARDS, {"end": ["The end must be on or after the start."]}),
        (TOO_LONG, {"start": ["A period is at most two years."]}),
    ],
)
def test_the_api_answers_400_with_the_field_at_fault(cast, client, catalogue, params, errors):
    response = api(client, cast.sup_a, level="team", unit=cast.team_a.pk, **params)
    assert response.status_code == 400
    assert response.json() == errors


def test_the_longest_period_is_accepted_on_page_and_api(cast, login, client, catalogue):
    params = {
        "start": (LAST_SUNDAY - timedelta(days=MAX_PERIOD_DAYS)).isoformat(),
        "end": LAST_SUNDAY.isoformat(),
    }
    page = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]), params)
    assert page.context["period_errors"] == {}
    assert api(client, cast.sup_a, level="team", **params).status_code == 200
