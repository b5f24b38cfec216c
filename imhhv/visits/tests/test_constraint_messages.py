"""A rule the database also holds answers in plain words on the page and in the API
(issue 9: a pause ending before the plan change showed "Constraint “paused_plan_has_an_end”
is violated.")."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.visits.models import VisitPlan

TODAY = timezone.localdate()
PAUSE_ENDS_TOO_EARLY = {
    "frequency": "paused",
    "effective_from": TODAY.isoformat(),
    "paused_until": (TODAY - timedelta(days=3)).isoformat(),
    "pause_reason": "Family travelling",
}
MESSAGE = "A pause needs an end date on or after the day the plan changes."


def test_the_plan_page_says_the_pause_must_end_after_it_starts(cast, login):
    page = login(cast.hv_a).post(
        reverse("visits:plan", args=[cast.family_a.pk]), PAUSE_ENDS_TOO_EARLY
    )
    html = page.content.decode()
    # The page's form says it on the field, before the service is called.
    assert page.status_code == 200 and "The pause must end on or after it starts." in html
    assert "paused_plan_has_an_end" not in html and "Constraint" not in html
    assert not VisitPlan.objects.filter(family=cast.family_a).exists()


def test_the_api_answers_400_in_plain_words(cast, client):
    """The API has no form in front of the service: the model's constraint speaks."""
    token = issue_token(user=cast.hv_a)[0]
    response = client.put(
        f"/api/v1/families/{cast.family_a.pk}/visit-plan/",
        PAUSE_ENDS_TOO_EARLY,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400
    assert MESSAGE in str(response.json()) and "paused_plan_has_an_end" not in str(response.json())
