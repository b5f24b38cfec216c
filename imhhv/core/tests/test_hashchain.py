from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.hashchain import (
    GENESIS,
    LEGACY_KEY_ID,
    Checkpoint,
    link_hash,
    seal,
    verify_chain,
)

K1 = b"k1-secret-for-tests-only-0123456789"
K2 = b"k2-secret-for-tests-only-9876543210"
KEYS = {"k1": K1, "k2": K2}


def build(contents, *, key_ids=None, prev=GENESIS, start=1):
    """A chain of events sealed with the given key ids ("" = legacy SHA-256)."""
    events = []
    for offset, fields in enumerate(contents):
        seq = start + offset
        key_id = key_ids[offset] if key_ids else "k1"
        fields = {"seq": seq, **fields}
        if key_id == LEGACY_KEY_ID:
            h = link_hash(prev, fields)
        else:
            h = seal(KEYS[key_id], key_id, prev, fields)
        events.append((seq, prev, h, key_id, fields))
        prev = h
    return events


def verify(events, **kwargs):
    kwargs.setdefault("keys", KEYS)
    return verify_chain(events, **kwargs)


def test_intact_chain_verifies():
    events = build([{"action": "login"}, {"action": "family.read"}, {"action": "logout"}])
    checked, broken = verify(events, head_seq=3, head_hash=events[-1][2])
    assert (checked, broken) == (3, None)


def test_altered_content_is_found_at_its_event():
    events = build([{"action": "login"}, {"action": "family.read"}, {"action": "logout"}])
    seq, prev, h, kid, fields = events[1]
    events[1] = (seq, prev, h, kid, {**fields, "action": "family.list"})
    checked, broken = verify(events)
    assert broken.seq == 2 and "hash" in broken.reason


def test_removed_middle_event_is_found():
    events = build([{"a": 1}, {"a": 2}, {"a": 3}])
    del events[1]
    _, broken = verify(events, head_seq=3)
    assert broken.seq == 2 and "missing" in broken.reason


def test_removed_last_event_is_found_through_the_head():
    events = build([{"a": 1}, {"a": 2}, {"a": 3}])
    head_hash = events[-1][2]
    _, broken = verify(events[:-1], head_seq=3, head_hash=head_hash)
    assert broken.seq == 3


def test_rehashed_forgery_without_head_update_is_found():
    events = build([{"a": 1}, {"a": 2}])
    head_hash = events[-1][2]
    forged = build([{"a": 1}, {"a": 99}])
    _, broken = verify(forged, head_seq=2, head_hash=head_hash)
    assert broken is not None


def test_hash_ignores_key_order():
    assert link_hash(GENESIS, {"a": 1, "b": 2}) == link_hash(GENESIS, {"b": 2, "a": 1})
    assert seal(K1, "k1", GENESIS, {"a": 1, "b": 2}) == seal(K1, "k1", GENESIS, {"b": 2, "a": 1})


def test_the_seal_depends_on_the_key_and_the_key_id():
    fields = {"a": 1}
    assert seal(K1, "k1", GENESIS, fields) != seal(K2, "k1", GENESIS, fields)
    assert seal(K1, "k1", GENESIS, fields) != seal(K1, "k2", GENESIS, fields)
    assert seal(K1, "k1", GENESIS, fields) != link_hash(GENESIS, fields)


def test_a_chain_recomputed_with_plain_sha256_is_refused():
    """What an attacker with only the database can do: re-hash everything, unkeyed."""
    original = build([{"a": 1}, {"a": 2}, {"a": 3}])
    forged, prev = [], GENESIS
    for seq, _, _, kid, fields in original:
        h = link_hash(prev, fields)
        forged.append((seq, prev, h, kid, fields))
        prev = h
    _, broken = verify(forged, head_seq=3, head_hash=prev)
    assert broken.seq == 1 and "hash" in broken.reason
    # Relabelling the forged events as legacy does not help either: none are accepted.
    relabelled = [(s, p, h, LEGACY_KEY_ID, f) for s, p, h, _, f in forged]
    _, broken = verify(relabelled, head_seq=3, head_hash=prev)
    assert broken.seq == 1 and "not keyed" in broken.reason


def test_a_chain_recomputed_with_a_wrong_key_is_refused():
    forged = []
    prev = GENESIS
    for seq, _, _, kid, fields in build([{"a": 1}, {"a": 2}]):
        h = seal(b"guessed-key", kid, prev, fields)
        forged.append((seq, prev, h, kid, fields))
        prev = h
    _, broken = verify(forged, head_seq=2, head_hash=prev)
    assert broken.seq == 1 and "hash" in broken.reason


def test_rotation_verifies_each_event_with_its_own_key():
    first = build([{"a": 1}, {"a": 2}], key_ids=["k1", "k1"])
    second = build([{"a": 3}, {"a": 4}], key_ids=["k2", "k2"], prev=first[-1][2], start=3)
    events = first + second
    assert verify(events, head_seq=4, head_hash=events[-1][2]) == (4, None)
    _, broken = verify(events, keys={"k2": K2})
    assert broken.seq == 1 and "'k1'" in broken.reason and "not configured" in broken.reason


def test_legacy_prefix_is_accepted_only_through_the_configured_seq():
    events = build([{"a": 1}, {"a": 2}, {"a": 3}], key_ids=["", "", "k1"])
    assert verify(events, legacy_through=2) == (3, None)
    _, broken = verify(events, legacy_through=1)
    assert broken.seq == 2 and "AUDIT_LEGACY_SEQ_MAX" in broken.reason
    _, broken = verify(events)
    assert broken.seq == 1


def test_a_legacy_event_after_a_keyed_one_is_refused():
    events = build([{"a": 1}, {"a": 2}], key_ids=["k1", ""])
    _, broken = verify(events, legacy_through=10)
    assert broken.seq == 2 and "legacy" in broken.reason


def test_checkpoints_on_the_chain_pass():
    events = build([{"a": i} for i in range(5)])
    checkpoints = [Checkpoint(0, GENESIS), Checkpoint(2, events[1][2]), Checkpoint(5, events[4][2])]
    assert verify(events, checkpoints=checkpoints) == (5, None)


def test_a_chain_cut_below_a_checkpoint_is_found_even_with_an_edited_head():
    events = build([{"a": i} for i in range(5)])
    checkpoint = Checkpoint(5, events[4][2])
    cut = events[:3]
    _, broken = verify(cut, head_seq=3, head_hash=cut[-1][2], checkpoints=[checkpoint])
    assert broken.seq == 4 and "ends at seq 3" in broken.reason and "seq 5" in broken.reason


def test_an_event_with_another_hash_than_its_checkpoint_is_found():
    events = build([{"a": i} for i in range(3)])
    _, broken = verify(events, checkpoints=[Checkpoint(2, "f" * 64)])
    assert broken.seq == 2 and "checkpoint" in broken.reason


@given(
    st.lists(
        st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=4),
        min_size=1,
        max_size=20,
    ),
    st.data(),
)
def test_any_single_alteration_is_detected(contents, data):
    events = build(contents)
    index = data.draw(st.integers(min_value=0, max_value=len(events) - 1))
    seq, prev, h, kid, fields = events[index]
    events[index] = (seq, prev, h, kid, {**fields, "tampered": True})
    _, broken = verify(events, head_seq=len(events), head_hash=events[-1][2])
    assert broken is not None and broken.seq == index + 1


@given(st.integers(min_value=1, max_value=15), st.integers(min_value=1, max_value=15))
def test_any_cut_below_the_last_checkpoint_is_detected(length, cut):
    events = build([{"i": i} for i in range(length)])
    checkpoint = Checkpoint(length, events[-1][2])
    kept = events[: max(0, length - cut)]
    head = kept[-1] if kept else None
    _, broken = verify(
        kept,
        head_seq=head[0] if head else 0,
        head_hash=head[2] if head else None,
        checkpoints=[checkpoint],
    )
    assert broken is not None


def test_a_genesis_checkpoint_must_hold_the_genesis_hash():
    events = build([{"a": 1}])
    assert verify(events, checkpoints=[Checkpoint(0, GENESIS)]) == (1, None)
    _, broken = verify(events, checkpoints=[Checkpoint(0, "f" * 64)])
    assert broken.seq == 0 and "genesis" in broken.reason


def test_an_empty_chain_against_a_later_checkpoint_is_found():
    _, broken = verify([], head_seq=0, checkpoints=[Checkpoint(3, "a" * 64)])
    assert broken.seq == 1 and "ends at seq 0" in broken.reason
