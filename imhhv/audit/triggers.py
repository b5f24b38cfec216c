"""The SQLite DELETE trigger on audit events, for the flush command to lift and restore.

The migration (0003) keeps its own frozen copy of the same statement.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_DELETE_TRIGGER = "audit_event_no_delete"
SQLITE_CREATE_DELETE_TRIGGER = (
    f"CREATE TRIGGER {SQLITE_DELETE_TRIGGER} BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
)


def sqlite_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the triggers on the audit events table (SQLite only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["audit_auditevent"],
        )
        return {row[0] for row in cursor.fetchall()}
