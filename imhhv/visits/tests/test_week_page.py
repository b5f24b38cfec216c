"""GET /visits/week/: My week, the home visitor's visits, notes and families (`my_week`)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.core.calendar import week_start
from imhhv.visits.tests.factories import VisitFactory

TODAY = timezone.localdate()


def test_my_week_shows_visits_notes_to_sign_and_families_not_seen(cast, login, catalogue):
    VisitFactory(family=cast.family_a, day=TODAY - timedelta(days=20))
    week = login(cast.hv_a).get(reverse("visits:week")).context["week"]
    assert [v.family_id for v in week.to_sign] == [cast.family_a.pk]
    assert [f.pk for f, _ in week.not_seen] == [cast.family_a.pk]


def test_my_week_raises_the_disengagement_alert_to_the_home_visitor(cast, login, catalogue):
    VisitFactory(family=cast.family_a, day=week_start(TODAY) - timedelta(weeks=5))
    response = login(cast.hv_a).get(reverse("visits:week"))
    assert [f.pk for f, _ in response.context["week"].alerts] == [cast.family_a.pk]
    assert b"Disengagement alerts" in response.content


def test_one_event_naming_the_visits_and_families_shown(cast, login, catalogue, new_events):
    visit = VisitFactory(family=cast.family_a, day=TODAY - timedelta(days=20))
    login(cast.hv_a).get(reverse("visits:week"))
    (event,) = new_events()
    assert event.action == "visit.list" and event.details["ids"] == [visit.pk]
    assert event.details["family_ids"] == [cast.family_a.pk]


def test_a_bad_week_means_this_week_and_no_capability_is_403(cast, login, catalogue):
    response = login(cast.hv_a).get(reverse("visits:week"), {"week": "next tuesday"})
    assert response.context["week"].monday == week_start(TODAY)
    assert login(cast.admin_a).get(reverse("visits:week")).status_code == 403
