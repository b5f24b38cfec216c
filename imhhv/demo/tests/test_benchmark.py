"""The benchmark command prints its figures and leaves the database as it found it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from imhhv.accounts.models import User
from imhhv.agencies.models import Agency
from imhhv.audit.models import AuditEvent, AuditHead
from imhhv.families.models import Family, Referral


def run_benchmark() -> str:
    out = StringIO()
    call_command(
        "benchmark",
        "--sizes",
        "2",
        "4",
        "--repeat",
        "2",
        "--waitlist",
        "40",
        "--audit-events",
        "50",
        stdout=out,
    )
    return out.getvalue()


def test_prints_figures_and_rolls_everything_back(db):
    head_before = list(AuditHead.objects.values_list("pk", "seq", "hash"))
    text = run_benchmark()
    assert "Queries per request (active families per visitor: 2 / 4" in text
    for request in (
        "GET /families/",
        "GET /families/waitlist/",
        "GET /families/<id>/",
        "GET /api/v1/families/",
    ):
        assert request in text
    for role in ("home visitor", "supervisor", "agency admin"):
        assert role in text
    assert "query counts are equal between 2 and 4 families per visitor" in text
    assert "not 200" not in text
    assert "p50 / p95 of 2 requests each, 4 families per visitor" in text
    assert "Statewide waitlist: 40 waiting referrals in 5 agencies" in text
    assert "ranked_waitlist(every agency), database fetch + rank: median" in text
    assert "40 rows" in text
    assert "waitlist.rank on 40 entries" in text
    assert "same order as ranked_waitlist: yes" in text
    assert "events/s; chain intact" in text
    assert Family.objects.count() == 0
    assert Referral.objects.count() == 0
    assert Agency.objects.count() == 0
    assert User.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert list(AuditHead.objects.values_list("pk", "seq", "hash")) == head_before


def test_refuses_a_database_that_holds_data(cast, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off and the database is not empty"):
        run_benchmark()
    settings.DEBUG = True
    with pytest.raises(CommandError, match="not empty"):
        run_benchmark()
    assert Family.objects.count() == 4
