"""restore_probe: the drill's visit is written through the visits service (with its audit
event, on the first family in care) and `check` tells a present visit from an absent one by
its exit code. The restore itself is proven by .ci/restore-drill on real clusters."""

import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from imhhv.visits.models import Visit


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("restore_probe", *args, stdout=out)
    return json.loads(out.getvalue())


def _exit_code(*args: str) -> int:
    with pytest.raises(SystemExit) as stopped:
        call_command("restore_probe", *args, stdout=StringIO())
    return stopped.value.code


def test_write_documents_one_completed_visit_through_the_service(cast, catalogue, new_events):
    line = _run("write", "--force")

    visit = Visit.objects.get(pk=line["visit"])
    assert (visit.family, visit.visitor, visit.outcome) == (cast.family_a, cast.hv_a, "completed")
    assert line["family"] == cast.family_a.pk
    assert line["marker"] in visit.note
    assert visit.components.count() == 1
    assert [(e.action, e.object_id) for e in new_events()] == [("visit.create", str(visit.pk))]
    # The database server's clock, read after the commit: no later than the server's now.
    # (The server keeps the real clock; the test's application clock may be frozen
    # elsewhere, so the two are not compared.)
    committed = datetime.fromisoformat(line["committed_at"])
    assert committed.tzinfo is not None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            assert committed <= cursor.fetchone()[0]
    else:
        assert committed >= visit.created_at


def test_each_write_is_a_new_visit_with_its_own_marker(cast, catalogue):
    first, second = _run("write", "--force"), _run("write", "--force")
    assert first["visit"] != second["visit"]
    assert first["marker"] != second["marker"]


def test_write_refuses_a_database_that_is_not_a_demo(cast, catalogue, settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("restore_probe", "write")
    assert not Visit.objects.exists()


def test_write_without_a_family_in_care_says_to_seed(db, catalogue):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("restore_probe", "write", "--force")


def test_check_exits_0_for_the_visit_written_and_1_otherwise(cast, catalogue):
    line = _run("write", "--force")
    visit = str(line["visit"])

    assert _run("check", "--visit", visit, "--marker", line["marker"]) == {
        "visit": line["visit"],
        "present": True,
        "marker": line["marker"],
    }
    assert _exit_code("check", "--visit", str(line["visit"] + 1)) == 1
    assert _exit_code("check", "--visit", visit, "--marker", "not-the-marker") == 1
