"""`benchmark_workforce` prints equal query counts at 5 and 50 staff and the statewide
compliance timings, and leaves the database as it found it."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from imhhv.accounts.models import User
from imhhv.audit.models import AuditEvent
from imhhv.workforce.models import SupervisionSession


def test_prints_constant_counts_and_timings_and_rolls_back(db):
    out = StringIO()
    call_command("benchmark_workforce", "--repeat", "1", stdout=out)
    text = out.getvalue()
    counts = {size: re.search(rf"^\s+{size} staff: (.*)$", text, re.M).group(1) for size in (5, 50)}
    assert "team board: " in counts[5] and "agency staff board: " in counts[5]
    assert counts[5] == counts[50]  # the same queries for 5 and 50 staff
    assert re.search(
        r"demo data: \d+ home visitors and supervisors at 5 agencies: compliance", text
    )
    assert not User.objects.exists() and not AuditEvent.objects.exists()
    assert not SupervisionSession.objects.exists()


def test_refuses_existing_data_outside_a_bench_database(db):
    with pytest.raises(CommandError):
        call_command("benchmark_workforce", "--on-existing-data", stdout=StringIO())
