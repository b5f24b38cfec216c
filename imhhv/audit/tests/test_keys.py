"""The chain is keyed: re-hashing without the key is caught; keys rotate by key id."""

import hashlib
import hmac
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError

from imhhv.audit.keys import parse_keys
from imhhv.audit.models import AuditEvent, AuditHead
from imhhv.audit.services import record
from imhhv.audit.tests.conftest import run_command, tamper, write_events
from imhhv.core.hashchain import GENESIS, canonical, link_hash

ROOT = Path(__file__).resolve().parents[3]


def rewrite_every_hash(compute):
    """Recompute every event's hash (and the head row) with `compute(prev, event)`."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        new = compute(prev, event)
        tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, new, event.pk],
        )
        prev = new
    AuditHead.objects.filter(pk=1).update(hash=prev)


def test_events_name_the_key_that_sealed_them(db, two_keys):
    first = write_events(1)[0]
    two_keys.rotate()
    second = write_events(1)[0]
    assert (first.key_id, second.key_id) == ("k1", "k2")
    assert "2 events checked" in run_command("verify_audit")


def test_rehashing_every_event_with_plain_sha256_is_detected(db):
    write_events(4)
    rewrite_every_hash(lambda prev, e: link_hash(prev, e.hashed_fields()))
    with pytest.raises(CommandError, match="event 1: content does not match its hash"):
        run_command("verify_audit")


def test_rehashing_every_event_as_legacy_is_detected(db):
    write_events(3)
    tamper("UPDATE audit_auditevent SET key_id = ''")
    rewrite_every_hash(lambda prev, e: link_hash(prev, e.hashed_fields()))
    with pytest.raises(CommandError, match="event 1: is not keyed"):
        run_command("verify_audit")


def test_rehashing_every_event_with_a_wrong_key_is_detected(db):
    write_events(3)

    def forged(prev, event):
        message = event.key_id.encode() + b"|" + prev.encode() + b"|"
        message += canonical(event.hashed_fields())
        return hmac.new(b"a guessed key", message, hashlib.sha256).hexdigest()

    rewrite_every_hash(forged)
    with pytest.raises(CommandError, match="event 1: content does not match its hash"):
        run_command("verify_audit")


def test_rotation_verifies_with_both_keys_and_fails_clearly_without_the_old(db, two_keys):
    write_events(2)
    two_keys.rotate()
    write_events(2)
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == [
        "k1",
        "k1",
        "k2",
        "k2",
    ]
    out = run_command("verify_audit")
    assert "4 events checked" in out and "Sealed with key ids k1: 2, k2: 2." in out
    two_keys.forget("k1")
    with pytest.raises(CommandError, match="event 1: was sealed with key id 'k1', which is not"):
        run_command("verify_audit")


def test_a_key_with_the_same_id_but_another_secret_fails(db, two_keys, settings):
    write_events(2)
    settings.AUDIT_HMAC_KEYS = {**settings.AUDIT_HMAC_KEYS, "k1": "k1-" + "z" * 40}
    with pytest.raises(CommandError, match="event 1: content does not match"):
        run_command("verify_audit")


def test_no_current_key_refuses_to_write_unsealed_events(db, settings):
    settings.AUDIT_HMAC_KEY_ID = "gone"
    with pytest.raises(ImproperlyConfigured, match="AUDIT_HMAC_KEY_ID"):
        record(action="test.event")
    assert not AuditEvent.objects.exists()


def test_legacy_events_verify_only_through_the_configured_seq(db, settings):
    """Rows from before the chain was keyed: key id "" and plain SHA-256, a prefix only."""
    write_events(3)
    # Recreate the first two events as a pre-upgrade database would hold them.
    tamper("UPDATE audit_auditevent SET key_id = '' WHERE seq <= 2")
    prev = GENESIS
    for event in AuditEvent.objects.filter(seq__lte=2).order_by("seq"):
        new = link_hash(prev, event.hashed_fields())
        tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, new, event.pk],
        )
        prev = new
    third = AuditEvent.objects.get(seq=3)
    from imhhv.audit.keys import current_key
    from imhhv.core.hashchain import seal

    key_id, key = current_key()
    tamper(
        "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
        [prev, seal(key, key_id, prev, third.hashed_fields()), third.pk],
    )
    AuditHead.objects.filter(pk=1).update(hash=AuditEvent.objects.get(seq=3).hash)
    settings.AUDIT_LEGACY_SEQ_MAX = 2
    assert "3 events checked" in run_command("verify_audit")
    settings.AUDIT_LEGACY_SEQ_MAX = 1
    with pytest.raises(CommandError, match="event 2: is not keyed"):
        run_command("verify_audit")


def test_parse_keys():
    assert parse_keys("a:x, b.2:y:z") == {"a": "x", "b.2": "y:z"}
    assert parse_keys("") == {}
    for bad in ("nocolon", "a:", ":x", "a b:x", "a:x,a:y"):
        with pytest.raises(ImproperlyConfigured):
            parse_keys(bad)


def production_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DEMO_MODE", "PYTEST_VERSION", "SECURE_HTTPS", "AUDIT_HMAC_KEYS"}
    }
    env.update(
        SECRET_KEY="x9!" + "k" * 30 + "production-like-random-secret-value-0123456789",
        ALLOWED_HOSTS="imhhv.example.org",
        DEBUG="0",
        # No local env file (`make run` writes one with generated keys): only what we give.
        IMHHV_ENV_FILE=str(ROOT / "no-such-env-file-for-tests"),
    )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_an_audit_key():
    result = manage("check", env=production_env())
    assert result.returncode != 0 and "AUDIT_HMAC_KEYS must be set" in result.stderr


def test_check_deploy_refuses_the_development_key_and_accepts_a_real_one():
    from imhhv.audit.keys import DEVELOPMENT_KEY

    weak = manage("check", "--deploy", env=production_env(AUDIT_HMAC_KEYS=f"dev:{DEVELOPMENT_KEY}"))
    assert weak.returncode != 0 and "audit.E002" in weak.stderr
    short = manage("check", "--deploy", env=production_env(AUDIT_HMAC_KEYS="k1:short"))
    assert short.returncode != 0 and "audit.E003" in short.stderr
    good = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(
            AUDIT_HMAC_KEYS="k1:" + "r" * 40 + ",k2:" + "s" * 40, AUDIT_HMAC_KEY_ID="k2"
        ),
    )
    assert good.returncode == 0, good.stdout + good.stderr


def test_several_keys_need_a_current_key_id():
    result = manage(
        "check", env=production_env(AUDIT_HMAC_KEYS="k1:" + "r" * 40 + ",k2:" + "s" * 40)
    )
    assert result.returncode != 0 and "AUDIT_HMAC_KEY_ID" in result.stderr
