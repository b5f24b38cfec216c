"""GET /visits/week/team/: each home visitor's week, for their supervisor (`team_week`)."""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.core.calendar import week_start
from imhhv.visits.models import Visit
from imhhv.visits.tests.factories import VisitFactory

TODAY = timezone.localdate()


def test_supervisor_team_week_lists_each_visitor(cast, login, catalogue, new_events):
    VisitFactory(family=cast.family_a, day=TODAY - timedelta(days=10))  # unsigned
    monday_noon = timezone.make_aware(datetime.combine(week_start(TODAY), time(12)))
    VisitFactory(family=cast.family_a, outcome=Visit.Outcome.SCHEDULED, scheduled_at=monday_noon)
    response = login(cast.sup_a).get(reverse("visits:team_week"))
    rows = {
        visitor.pk: (len(visits), unsigned)
        for visitor, visits, unsigned in response.context["week"].rows
    }
    assert rows[cast.hv_a.pk] == (1, 1) and rows[cast.hv_a2.pk] == (0, 0)
    assert [e.action for e in new_events()] == ["visit.list"]


def test_home_visitors_and_other_agencies_do_not_see_the_team(cast, login, catalogue):
    assert login(cast.hv_a).get(reverse("visits:team_week")).status_code == 403
    VisitFactory(family=cast.family_b, day=TODAY - timedelta(days=1))
    page = login(cast.sup_a).get(reverse("visits:team_week"))
    assert cast.hv_b.pk not in {visitor.pk for visitor, _, _ in page.context["week"].rows}
    assert cast.family_b.display_name not in page.content.decode()
