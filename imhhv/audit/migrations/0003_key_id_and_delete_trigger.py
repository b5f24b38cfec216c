"""Each event names the key that sealed it; SQLite refuses DELETE as well as UPDATE.

Existing events get key id "" (legacy, plain SHA-256); they verify only through
`AUDIT_LEGACY_SEQ_MAX` (see `imhhv/core/hashchain.py`). Adding a column on SQLite rebuilds
the table, which drops its triggers, so both triggers are (re)created after the column.
Django's test flush on SQLite deletes rows; `imhhv/audit/management/commands/flush.py`
lifts the DELETE trigger for that explicit wipe only (PostgreSQL's flush uses TRUNCATE,
which row triggers do not see).
"""

from django.db import migrations, models

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_delete"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    last = apps.get_model("audit", "AuditEvent").objects.order_by("-seq").first()
    if last is not None:
        print(
            f"\n  Audit events 1..{last.seq} are unkeyed (legacy). To keep them verifiable, "
            f"set AUDIT_LEGACY_SEQ_MAX={last.seq}."
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(forwards, backwards),
    ]
