"""Helpers for audit tests: write events, run the commands, tamper like an attacker."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from imhhv.audit.services import record

K1 = "k1-" + "a" * 40
K2 = "k2-" + "b" * 40


def write_events(n, **details):
    return [
        record(action="test.event", object_type="family", object_id=i, details={"i": i, **details})
        for i in range(n)
    ]


def run_command(name, *args):
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def tamper(sql, params=()):
    """What an attacker with database access would do: bypass the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for the session.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = origin")
        else:
            # The test's transaction is rolled back afterwards, triggers included.
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
            cursor.execute(sql, params)


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def two_keys(settings):
    """Keys k1 and k2 configured, k1 current: `two_keys.rotate()` makes k2 current."""
    settings.AUDIT_HMAC_KEYS = {"k1": K1, "k2": K2}
    settings.AUDIT_HMAC_KEY_ID = "k1"

    class Keys:
        def rotate(self):
            settings.AUDIT_HMAC_KEY_ID = "k2"

        def forget(self, key_id):
            settings.AUDIT_HMAC_KEYS = {
                k: v for k, v in settings.AUDIT_HMAC_KEYS.items() if k != key_id
            }

    return Keys()
