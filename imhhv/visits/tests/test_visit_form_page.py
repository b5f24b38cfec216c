"""The visit form as rendered: strategies grouped per key component (for visit_form.js),
labelled 0–3 ratings as radio buttons, the error summary, the ?on=&at= prefill."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.core.visit_rules import RATING_SCALE
from imhhv.visits.models import Visit
from imhhv.visits.tests.factories import VisitFactory


def new_url(family, query=""):
    return reverse("visits:new", args=[family.pk]) + query


def test_strategies_are_grouped_by_component_for_the_script(cast, login, catalogue):
    page = login(cast.hv_a).get(new_url(cast.family_a)).content.decode()
    for code in ("alliance", "developmental_guidance", "culturally_responsive"):
        assert f'data-strategies-for="{code}"' in page
    assert "js/visit_form.js" in page and "data-visit-form" in page
    # Without JavaScript every strategy is on the page (the script hides, never the server).
    assert 'name="strategy_follow_lead"' in page and 'name="strategy_identity_context"' in page
    assert "<script>" not in page  # CSP: no inline script


def test_a_rating_is_radio_buttons_that_say_what_each_number_means(cast, login, catalogue):
    page = login(cast.hv_a).get(new_url(cast.family_a)).content.decode()
    radios = page.count('type="radio" name="strategy_reflect_feelings"')
    assert radios == 1 + len(RATING_SCALE)  # "Not answered" and 0–3
    for value, meaning in RATING_SCALE:
        assert f"{value} – {meaning}</label>" in page
    assert 'type="radio" name="strategy_follow_lead" value="1"' in page
    assert "<select" not in page.split('name="strategy_')[1][:200]


def test_a_saved_rating_reads_with_its_meaning_on_the_visit_page(cast, login, catalogue):
    client = login(cast.hv_a)
    day = timezone.localdate() - timedelta(days=1)
    client.post(
        new_url(cast.family_a),
        {
            "visit_date": day.isoformat(),
            "outcome": "completed",
            "start_time": "10:00",
            "end_time": "11:40",
            "place": "home",
            "components": ["alliance"],
            "strategy_reflect_feelings": "2",
        },
    )
    visit = Visit.objects.get()
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert f"2 – {dict(RATING_SCALE)[2]}" in page


def test_the_error_summary_links_to_each_field_and_comes_first(cast, login, catalogue):
    day = timezone.localdate() - timedelta(days=1)
    response = login(cast.hv_a).post(
        new_url(cast.family_a),
        {"visit_date": day.isoformat(), "outcome": "completed", "start_time": "10:00"},
    )
    page = response.content.decode()
    summary = page[
        page.index("data-error-summary") : page.index("</ul>", page.index("data-error-summary"))
    ]
    assert 'role="alert"' in page[page.index('class="alert alert-error error-summary"') :][:200]
    assert 'href="#id_end_time"' in summary  # "Give the end time of a completed visit."
    assert 'href="#id_place"' in summary
    assert 'href="#id_components_0"' in summary  # a checkbox group: its first box
    assert page.index("data-error-summary") < page.index('id="id_visit_date"')
    assert "js/error_summary.js" in page


def test_a_strategy_of_an_unticked_component_is_refused_without_javascript(cast, login, catalogue):
    day = timezone.localdate() - timedelta(days=1)
    response = login(cast.hv_a).post(
        new_url(cast.family_a),
        {
            "visit_date": day.isoformat(),
            "outcome": "completed",
            "start_time": "10:00",
            "end_time": "11:40",
            "place": "home",
            "components": ["alliance"],
            "strategy_capacities_now_next": "3",
        },
    )
    assert b"must belong to a chosen component" in response.content
    assert not Visit.objects.exists()


def test_no_errors_on_a_fresh_form(cast, login, catalogue):
    page = login(cast.hv_a).get(new_url(cast.family_a)).content.decode()
    assert "data-error-summary" not in page


def test_a_planned_visits_link_prefills_the_day_time_and_completed(cast, login, catalogue):
    day = timezone.localdate() - timedelta(days=1)
    response = login(cast.hv_a).get(new_url(cast.family_a, f"?on={day.isoformat()}&at=14:30"))
    form = response.context["form"]
    assert form["visit_date"].value() == day
    assert form["scheduled_time"].value() == time(14, 30)
    assert form["start_time"].value() == time(14, 30)
    assert form["outcome"].value() == "completed"
    page = response.content.decode()
    assert f'value="{day.isoformat()}"' in page and 'value="14:30"' in page


def test_a_planned_visit_still_ahead_is_prefilled_as_scheduled(cast, login, catalogue):
    day = timezone.localdate() + timedelta(days=2)
    response = login(cast.hv_a).get(new_url(cast.family_a, f"?on={day.isoformat()}"))
    assert response.context["form"]["outcome"].value() == "scheduled"


@pytest.mark.parametrize(
    "query",
    [
        "?on=2026-13-45&at=25:99",
        "?on=yesterday&at=noon",
        "?on=&at=",
        "?on=20261201&at=1430",
        "?on=" + "9" * 300,
        "?at=10:00:00.123456789",
    ],
)
def test_invalid_prefill_values_are_ignored(cast, login, catalogue, query):
    response = login(cast.hv_a).get(new_url(cast.family_a, query))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["visit_date"].value() == timezone.localdate()  # the usual default
    assert form["scheduled_time"].value() is None


def test_the_edit_form_keeps_the_saved_answers_as_radios(cast, login, catalogue):
    visit = VisitFactory(family=cast.family_a, components=["alliance"])
    visit.strategy_responses.create(
        strategy=catalogue.components.get(code="alliance").strategies.get(code="reflect_feelings"),
        value=3,
    )
    page = login(cast.hv_a).get(reverse("visits:edit", args=[visit.pk])).content.decode()
    assert (
        '<input type="radio" name="strategy_reflect_feelings" value="3" '
        'id="id_strategy_reflect_feelings_4" checked>' in page
    )
