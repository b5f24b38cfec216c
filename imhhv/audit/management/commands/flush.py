"""Django's `flush`, able to empty the audit table on SQLite as well.

`flush` is an explicit wipe of the whole database (Django's own test runner uses it
between transactional tests). On PostgreSQL it TRUNCATEs, which the append-only row trigger
does not see; on SQLite it DELETEs, which the DELETE trigger refuses. So on SQLite this
drops the DELETE trigger, flushes and puts the trigger back, all in one transaction: no
other code path can delete events.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from imhhv.audit.triggers import (
    SQLITE_CREATE_DELETE_TRIGGER,
    SQLITE_DELETE_TRIGGER,
    sqlite_triggers,
)


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            had_trigger = SQLITE_DELETE_TRIGGER in sqlite_triggers(connection)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}")
            try:
                super().handle(**options)
            finally:
                if had_trigger:
                    with connection.cursor() as cursor:
                        cursor.execute(SQLITE_CREATE_DELETE_TRIGGER)
