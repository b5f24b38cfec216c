"""verify_audit finds altered and removed events; the trail is append-only.

Tampering goes around the database's own refusal the way an attacker with database access
would: on PostgreSQL a superuser switches triggers off for the session (replication role),
on SQLite the triggers are dropped (each test runs in a transaction that is rolled back, so
the triggers come back).
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from imhhv.audit.models import AuditEvent, AuditHead
from imhhv.audit.tests.conftest import run_command, tamper, write_events


def run_verify():
    return run_command("verify_audit")


def test_intact_trail_reports_the_count(db):
    write_events(5)
    assert "5 events checked" in run_verify()


def test_altered_row_is_named(db):
    events = write_events(5)
    tamper("UPDATE audit_auditevent SET action = 'family.list' WHERE seq = %s", [events[2].seq])
    with pytest.raises(CommandError, match=f"event {events[2].seq}"):
        run_verify()


def test_deleted_middle_row_is_named(db):
    events = write_events(5)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    with pytest.raises(CommandError, match=f"event {events[1].seq}"):
        run_verify()


def test_deleted_last_row_is_found(db):
    events = write_events(3)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    with pytest.raises(CommandError, match=f"event {events[-1].seq}"):
        run_verify()


def test_orm_refuses_update_and_delete(db):
    event = write_events(1)[0]
    event.action = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_database_refuses_update(db):
    event = write_events(1)[0]
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_database_refuses_delete(db):
    """SQLite too (it refused only UPDATE before); PostgreSQL refused both already."""
    event = write_events(1)[0]
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_append_only_triggers_survive_the_migrations(db):
    """A column added to the table rebuilds it on SQLite, which drops triggers; on
    PostgreSQL one trigger refuses UPDATE and DELETE."""
    from imhhv.audit.triggers import sqlite_triggers

    if connection.vendor == "sqlite":
        assert {"audit_event_no_update", "audit_event_no_delete"} <= sqlite_triggers(connection)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
                "AND NOT tgisinternal"
            )
            assert "audit_event_no_update_delete" in {name for (name,) in cursor.fetchall()}


def test_chain_links_each_event_to_the_previous(db):
    a, b = write_events(2)
    assert b.prev_hash == a.hash and b.seq == a.seq + 1
    assert AuditHead.objects.get(pk=1).hash == b.hash


def test_changes_are_stored_before_and_after(cast):
    from imhhv.accounts.services import change_membership
    from imhhv.core.roles import Role

    change_membership(
        user=cast.hv_a,
        role=Role.SUPERVISOR,
        agency=cast.agency_a,
        team=cast.team_a,
        by=cast.admin_a,
    )
    event = AuditEvent.objects.filter(action="membership.change").get()
    assert event.details["changes"] == {"role": ["home_visitor", "supervisor"]}
    assert event.username == "admin_a" and event.object_id == str(cast.hv_a.pk)
    assert "events checked" in run_verify()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_and_keeps_the_delete_trigger():
    """Django's flush (the test runner's wipe between transactional tests) still works."""
    write_events(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    event = write_events(1)[0]
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
