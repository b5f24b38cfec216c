"""A visit may be documented from the day of enrollment on (both ends of an episode count);
the day before is refused with a message naming the enrollment day. The visit's day is its
day in Michigan, also for a time read back from the database in UTC."""

from datetime import UTC, date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.visit_rules import episode_error
from imhhv.visits.models import Visit
from tests.factories import FamilyInCareFactory

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(start=DAYS, offset=st.integers(-400, 400), length=st.none() | st.integers(0, 400))
def test_a_day_belongs_to_an_episode_exactly_from_enrollment_to_discharge(start, offset, length):
    end = None if length is None else start + timedelta(days=length)
    day = start + timedelta(days=offset)
    inside = start <= day and (end is None or day <= end)
    message = episode_error(day, [(start, end)])
    assert (message is None) == inside
    if day < start:
        assert f"before the family's enrollment on {start:%-d %B %Y}" in message
    elif not inside:
        assert f"after the family's discharge on {end:%-d %B %Y}" in message


@given(start=DAYS)
def test_the_enrollment_day_itself_is_inside_and_the_day_before_is_not(start):
    assert episode_error(start, [(start, None)]) is None
    assert episode_error(start - timedelta(days=1), [(start, None)]) is not None


def test_a_gap_between_two_episodes_is_outside():
    episodes = [(date(2026, 1, 1), date(2026, 3, 1)), (date(2026, 6, 1), None)]
    assert episode_error(date(2026, 3, 1), episodes) is None
    assert episode_error(date(2026, 6, 1), episodes) is None
    assert "outside the family's enrollment" in episode_error(date(2026, 4, 1), episodes)


def test_the_local_day_decides_not_the_utc_date(cast, catalogue):
    """20:00 in Detroit on the day before enrollment is already the enrollment day in UTC:
    the service judges the day in local time, so it is refused."""
    import pytest
    from django.core.exceptions import ValidationError

    from imhhv.visits.services import schedule_visit

    enrolled = timezone.localdate() + timedelta(days=3)
    family = FamilyInCareFactory(agency=cast.agency_a, home_visitor=cast.hv_a)
    family.enrollments.update(enrolled_on=enrolled)
    evening_before = timezone.make_aware(
        datetime.combine(enrolled - timedelta(days=1), time(20, 0))
    ).astimezone(UTC)
    assert evening_before.date() == enrolled  # the UTC date is the enrollment day
    with pytest.raises(ValidationError, match="before the family's enrollment"):
        schedule_visit(family=family, visitor=cast.hv_a, scheduled_at=evening_before, by=cast.hv_a)


def post_visit(client, family, day):
    return client.post(
        reverse("visits:new", args=[family.pk]),
        {
            "visit_date": day.isoformat(),
            "outcome": "completed",
            "start_time": "09:00",
            "end_time": "10:40",
            "place": "home",
            "components": ["alliance"],
            "note": "Synthetic first visit.",
        },
    )


def test_a_completed_visit_on_the_day_of_enrollment_is_saved(cast, login, catalogue):
    enrolled = timezone.localdate() - timedelta(days=2)
    family = FamilyInCareFactory(agency=cast.agency_a, home_visitor=cast.hv_a, enrolled_on=enrolled)
    response = post_visit(login(cast.hv_a), family, enrolled)
    visit = Visit.objects.get(family=family)
    assert response.status_code == 302
    assert timezone.localtime(visit.started_at).date() == enrolled
    assert timezone.localtime(visit.started_at).time() == time(9, 0)


def test_the_day_before_enrollment_is_refused_with_the_enrollment_day(cast, login, catalogue):
    enrolled = timezone.localdate() - timedelta(days=2)
    family = FamilyInCareFactory(agency=cast.agency_a, home_visitor=cast.hv_a, enrolled_on=enrolled)
    response = post_visit(login(cast.hv_a), family, enrolled - timedelta(days=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"before the family&#x27;s enrollment on {enrolled:%-d %B %Y}" in page
    assert 'href="#id_visit_date"' in page  # the error summary links to the date
    assert not Visit.objects.filter(family=family).exists()
