"""Holidays are not business days in the late-note check: Thanksgiving.

With the default deadline of 2 business days, a visit on the Tuesday before Thanksgiving
signed on the Friday after it is on time (Wednesday 1, Thursday a holiday, Friday 2);
counting Thursday as a business day would make it late. The same on the visit page, in
the fidelity figures and in the API.
"""

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.core.calendar import business_days_between
from imhhv.families.hooks import family_changed
from imhhv.families.tests.factories import FamilyFactory
from imhhv.visits.tests.factories import VisitFactory


def thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


TODAY = timezone.localdate()
HOLIDAY = thanksgiving(TODAY.year - 1)  # last year's: always in the past
TUESDAY, FRIDAY = HOLIDAY - timedelta(days=2), HOLIDAY + timedelta(days=1)


def signed_friday_after(cast):
    family = FamilyFactory(
        agency=cast.agency_a, home_visitor=cast.hv_a, enrolled_on=TUESDAY - timedelta(days=60)
    )
    visit = VisitFactory(family=family, visitor=cast.hv_a, day=TUESDAY)
    visit.signed_at = timezone.make_aware(datetime.combine(FRIDAY, time(9)))
    visit.signed_by = cast.hv_a
    visit.save()
    family_changed(family.pk)  # as sign_visit does
    return visit


def test_the_scene_depends_on_the_holiday():
    assert business_days_between(TUESDAY, FRIDAY) == 3
    assert business_days_between(TUESDAY, FRIDAY, frozenset({HOLIDAY})) == 2


def test_a_note_signed_the_friday_after_thanksgiving_is_on_time(cast, login, catalogue):
    visit = signed_friday_after(cast)
    page = login(cast.hv_a).get(reverse("visits:detail", args=[visit.pk]))
    assert page.status_code == 200 and page.context["late"] is False


def test_fidelity_counts_it_on_time_on_the_page_and_in_the_api(cast, login, client, catalogue):
    signed_friday_after(cast)
    period = {"start": (TUESDAY - timedelta(days=7)).isoformat(), "end": FRIDAY.isoformat()}
    page = login(cast.hv_a).get(reverse("visits:fidelity_visitor", args=[cast.hv_a.pk]), period)
    timeliness = page.context["total"].timeliness
    assert (timeliness.on_time, timeliness.late) == (1, 0)
    key, _ = issue_token(user=cast.hv_a)
    data = client.get(
        "/api/v1/fidelity/", {"level": "visitor", **period}, HTTP_AUTHORIZATION=f"Token {key}"
    ).json()
    assert data["results"][0]["metrics"]["timeliness"]["late"] == 0
