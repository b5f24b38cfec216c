"""The demo's year of visits has the patterns the fidelity pages should show."""

from collections import Counter
from datetime import datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from imhhv.families.models import Enrollment
from imhhv.visits.models import Visit


@pytest.fixture
def seeded(db, settings, catalogue):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_visits_fall_inside_enrollment_and_not_in_the_future(seeded):
    now = timezone.now()
    episodes = {}
    for family_id, start, end in Enrollment.objects.values_list(
        "family_id", "enrolled_on", "discharged_on"
    ):
        episodes.setdefault(family_id, []).append((start, end))
    done = Visit.objects.exclude(outcome="scheduled")
    assert done.count() > 5000
    for family_id, started, scheduled in done.values_list(
        "family_id", "started_at", "scheduled_at"
    ):
        day = timezone.localtime(started or scheduled).date()
        assert any(s <= day and (e is None or day <= e) for s, e in episodes[family_id])
        assert (started or scheduled) <= now
    assert not Visit.objects.filter(ended_at__gt=now).exists()
    assert Visit.objects.filter(outcome="scheduled", scheduled_at__gt=now).exists()


@pytest.mark.parametrize("hour", [6, 12])
def test_nothing_is_documented_after_now_at_any_hour(db, settings, catalogue, hour):
    """Seeded on a Wednesday morning or at noon, today's visits not yet over stay scheduled
    (before the fix they were completed and signed hours ahead of the clock)."""
    today = timezone.localdate()
    wednesday = today + timedelta(days=(2 - today.weekday()) % 7 + 7)
    moment = datetime.combine(wednesday, time(hour, 30), tzinfo=ZoneInfo(settings.TIME_ZONE))
    settings.DEBUG = True
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", "--families-per-visitor", "3", "3", stdout=StringIO())
        now = timezone.now()
        documented = Visit.objects.exclude(outcome="scheduled")
        yesterday = wednesday - timedelta(days=1)
        assert documented.filter(outcome="completed", scheduled_at__date=yesterday).exists()
        assert not documented.filter(scheduled_at__gt=now).exists()
        assert not Visit.objects.filter(ended_at__gt=now).exists()
        assert not Visit.objects.filter(documented_at__gt=now).exists()
        assert not Visit.objects.filter(signed_at__gt=now).exists()
        later_today = Visit.objects.filter(
            outcome="scheduled", scheduled_at__gt=now, scheduled_at__date=wednesday
        )
        assert later_today.exists()


def test_patterns(seeded):
    codes = Counter(Visit.components.through.objects.values_list("keycomponent__code", flat=True))
    assert {c for c, _ in codes.most_common(2)} == {
        "developmental_guidance",
        "infant_parent_psychotherapy",
    }
    completed = Visit.objects.completed()
    assert completed.exclude(place="home").exists()  # video, phone, other: other contacts
    minutes = [v.minutes for v in completed.filter(place="home")[:3000]]
    assert sum(90 <= m <= 120 for m in minutes) / len(minutes) > 0.7
    assert any(m < 90 for m in minutes)
    late = [
        v
        for v in completed.exclude(signed_at=None)[:3000]
        if (v.signed_at - v.started_at).days >= 3
    ]
    assert late  # some notes signed late
    assert completed.filter(signed_at=None).exists()  # the newest few wait for a signature
