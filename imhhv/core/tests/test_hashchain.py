from hypothesis import given
from hypothesis import strategies as st

from imhhv.core.hashchain import GENESIS, link_hash, verify_chain


def build(contents):
    events, prev = [], GENESIS
    for seq, fields in enumerate(contents, start=1):
        fields = {"seq": seq, **fields}
        h = link_hash(prev, fields)
        events.append((seq, prev, h, fields))
        prev = h
    return events


def test_intact_chain_verifies():
    events = build([{"action": "login"}, {"action": "family.read"}, {"action": "logout"}])
    checked, broken = verify_chain(events, head_seq=3, head_hash=events[-1][2])
    assert (checked, broken) == (3, None)


def test_altered_content_is_found_at_its_event():
    events = build([{"action": "login"}, {"action": "family.read"}, {"action": "logout"}])
    seq, prev, h, fields = events[1]
    events[1] = (seq, prev, h, {**fields, "action": "family.list"})
    checked, broken = verify_chain(events)
    assert broken.seq == 2 and "hash" in broken.reason


def test_removed_middle_event_is_found():
    events = build([{"a": 1}, {"a": 2}, {"a": 3}])
    del events[1]
    _, broken = verify_chain(events, head_seq=3)
    assert broken.seq == 2 and "missing" in broken.reason


def test_removed_last_event_is_found_through_the_head():
    events = build([{"a": 1}, {"a": 2}, {"a": 3}])
    head_hash = events[-1][2]
    _, broken = verify_chain(events[:-1], head_seq=3, head_hash=head_hash)
    assert broken.seq == 3


def test_rehashed_forgery_without_head_update_is_found():
    events = build([{"a": 1}, {"a": 2}])
    head_hash = events[-1][2]
    forged = build([{"a": 1}, {"a": 99}])
    _, broken = verify_chain(forged, head_seq=2, head_hash=head_hash)
    assert broken is not None


def test_hash_ignores_key_order():
    assert link_hash(GENESIS, {"a": 1, "b": 2}) == link_hash(GENESIS, {"b": 2, "a": 1})


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
    seq, prev, h, fields = events[index]
    events[index] = (seq, prev, h, {**fields, "tampered": True})
    _, broken = verify_chain(events, head_seq=len(events), head_hash=events[-1][2])
    assert broken is not None and broken.seq == index + 1
