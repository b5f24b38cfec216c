"""Checkpoints kept outside the database catch a chain cut back with its head row edited."""

import json

import pytest
import time_machine
from django.core.management import CommandError

from imhhv.audit.models import AuditEvent, AuditHead
from imhhv.audit.tests.conftest import read_jsonl, run_command, tamper, write_events
from imhhv.core.hashchain import GENESIS


def checkpoint_to(path):
    run_command("audit_checkpoint", "--output", str(path))


def cut_back_to(seq):
    """Delete every event after `seq` and make the head row agree: consistent, but short."""
    tamper("DELETE FROM audit_auditevent WHERE seq > %s", [seq])
    last = AuditEvent.objects.get(seq=seq)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=last.hash)


@time_machine.travel("2026-11-30 14:00:00Z", tick=False)
def test_checkpoint_prints_one_json_line_with_seq_hash_key_and_time(db):
    events = write_events(3)
    line = run_command("audit_checkpoint").strip()
    assert "\n" not in line
    assert json.loads(line) == {
        "seq": 3,
        "hash": events[-1].hash,
        "key_id": events[-1].key_id,
        "taken_at": "2026-11-30T14:00:00+00:00",
    }


def test_checkpoint_of_an_empty_chain_is_the_genesis(db, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    checkpoint_to(path)
    assert read_jsonl(path)[0] | {"taken_at": None} == {
        "seq": 0,
        "hash": GENESIS,
        "key_id": None,
        "taken_at": None,
    }
    assert "extending 1 checkpoints" in run_command("verify_audit", "--checkpoint", str(path))


def test_checkpoints_are_appended(db, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    write_events(2)
    checkpoint_to(path)
    write_events(2)
    checkpoint_to(path)
    assert [c["seq"] for c in read_jsonl(path)] == [2, 4]
    out = run_command("verify_audit", "--checkpoint", str(path))
    assert "4 events checked" in out and "extending 2 checkpoints" in out


def test_deleting_the_last_events_and_editing_the_head_is_found_against_a_checkpoint(db, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    write_events(6)
    checkpoint_to(path)
    cut_back_to(3)
    # Without the checkpoint the shortened chain looks whole: that is the attack.
    assert "3 events checked" in run_command("verify_audit")
    with pytest.raises(
        CommandError, match="event 4: the chain ends at seq 3 but a checkpoint was taken at seq 6"
    ):
        run_command("verify_audit", "--checkpoint", str(path))


def test_a_cut_and_regrown_chain_is_found_at_the_checkpoint(db, tmp_path):
    """Events deleted and new ones appended (sealed honestly) to reach the same length."""
    path = tmp_path / "checkpoints.jsonl"
    write_events(4)
    checkpoint_to(path)
    cut_back_to(2)
    write_events(2, regrown=True)
    assert "4 events checked" in run_command("verify_audit")
    with pytest.raises(CommandError, match="event 4: does not match the checkpoint"):
        run_command("verify_audit", "--checkpoint", str(path))


def test_an_event_missing_at_a_checkpoint_is_named(db, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    write_events(3)
    checkpoint_to(path)
    write_events(2)
    tamper("DELETE FROM audit_auditevent WHERE seq = 3")
    with pytest.raises(CommandError, match="event 3 is missing"):
        run_command("verify_audit", "--checkpoint", str(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "holds no checkpoint"),
        ("not json\n", "line 1 is not a checkpoint"),
        ('{"seq": 1}\n', "line 1 is not a checkpoint"),
        ('{"seq": -1, "hash": "' + "0" * 64 + '"}\n', "line 1: seq or hash is malformed"),
        ('{"seq": 1, "hash": "xyz"}\n', "line 1: seq or hash is malformed"),
        ("[1, 2]\n", "line 1 is not a checkpoint"),
    ],
)
def test_a_malformed_checkpoint_file_is_refused_by_line(db, tmp_path, content, message):
    path = tmp_path / "checkpoints.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run_command("verify_audit", "--checkpoint", str(path))


def test_a_missing_checkpoint_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read checkpoint file"):
        run_command("verify_audit", "--checkpoint", str(tmp_path / "absent.jsonl"))


def test_an_unwritable_output_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="cannot write checkpoint"):
        run_command("audit_checkpoint", "--output", str(tmp_path / "no" / "such" / "dir.jsonl"))
