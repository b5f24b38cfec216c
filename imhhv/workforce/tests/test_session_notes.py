"""Reflective supervision notes reach only the people in the session (issue 10, part 3):
not agency administrators, not the state, not a supervisee of another session; the audit
records that notes were read, never their text."""

import json

import pytest

from imhhv.audit.models import AuditEvent
from imhhv.workforce import access, queries, services
from imhhv.workforce.tests.helpers import NOTE, session, yesterday


@pytest.fixture
def sessions(cast):
    """A session of hv_a, another of hv_a2 (other note), a group of both."""
    return {
        "hv_a": session(cast.sup_a, [cast.hv_a]),
        "hv_a2": session(cast.sup_a, [cast.hv_a2], notes="Other synthetic note."),
        "group": session(cast.sup_a, [cast.hv_a, cast.hv_a2], notes="Group synthetic note."),
    }


def notes_by_session(rows):
    return {row.session.pk: row.notes for row in rows}


def test_the_supervisor_reads_every_note(cast, sessions):
    notes = notes_by_session(queries.sessions_for(cast.sup_a))
    assert notes == {
        sessions["hv_a"].pk: NOTE,
        sessions["hv_a2"].pk: "Other synthetic note.",
        sessions["group"].pk: "Group synthetic note.",
    }


def test_a_supervisee_reads_their_sessions_only(cast, sessions):
    notes = notes_by_session(queries.sessions_for(cast.hv_a2))
    assert notes == {
        sessions["hv_a2"].pk: "Other synthetic note.",
        sessions["group"].pk: "Group synthetic note.",
    }  # hv_a's individual session is not even listed


@pytest.mark.parametrize("reader", ["admin_a", "state_admin"])
def test_admins_see_sessions_but_never_notes(cast, sessions, reader):
    user = getattr(cast, reader)
    rows = queries.sessions_for(user)
    assert {row.session.pk for row in rows} == {s.pk for s in sessions.values()}
    assert all(row.notes is None for row in rows)
    rows = queries.sessions_for(user, staff_id=cast.hv_a.pk)
    assert {row.session.pk for row in rows} == {sessions["hv_a"].pk, sessions["group"].pk}
    assert all(row.notes is None for row in rows)
    for one in sessions.values():
        assert access.session_notes_for(user, one) is None


def test_the_listing_does_not_load_the_notes_column(cast, sessions):
    row = access.sessions_listable_by(cast.admin_a).first()
    assert "notes" in row.get_deferred_fields()


@pytest.mark.parametrize("reader", ["hv_a_other_team", "hv_b", "evaluator"])
def test_outsiders_list_nothing(cast, sessions, reader):
    assert queries.sessions_for(getattr(cast, reader)) == []


def test_the_audit_names_the_sessions_read_never_the_text(cast, sessions, new_events):
    queries.sessions_for(cast.hv_a)
    queries.sessions_for(cast.admin_a)
    events = new_events()
    assert [e.action for e in events] == ["workforce.sessions.read"] * 2
    assert sorted(events[0].details["notes_read"]) == sorted(
        [sessions["hv_a"].pk, sessions["group"].pk]
    )
    assert events[1].details["notes_read"] == []
    everything = json.dumps([e.details for e in AuditEvent.objects.all()])
    for text in (NOTE, "Other synthetic note.", "Group synthetic note."):
        assert text not in everything


def test_a_supervisors_own_consultation_with_an_external_consultant(cast, new_events):
    done = services.record_session(
        by=cast.sup_a,
        day=yesterday(),
        started_at=__import__("datetime").time(9, 0),
        minutes=90,
        format="individual",
        supervisee_ids=[cast.sup_a.pk],
        consultant_name="Synthetic Consultant",
        consultant_credential="IMH-E Mentor",
        notes="Own consultation synthetic note.",
    )
    assert done.supervisor is None
    assert notes_by_session(queries.sessions_for(cast.sup_a)) == {
        done.pk: "Own consultation synthetic note."
    }
    assert all(row.notes is None for row in queries.sessions_for(cast.admin_a))


def test_the_listing_does_not_grow_with_the_sessions(cast, sessions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        queries.sessions_for(cast.sup_a)
    for _ in range(4):
        session(cast.sup_a, [cast.hv_a, cast.hv_a2], families=[(cast.family_a.pk, cast.hv_a.pk)])
    with CaptureQueriesContext(connection) as many:
        rows = queries.sessions_for(cast.sup_a)
    assert len(rows) == 7
    assert len(many) == len(few)


@pytest.mark.parametrize("reader", ["admin_a", "state_admin"])
def test_themes_are_as_private_as_notes(cast, reader):
    mine = session(cast.sup_a, [cast.hv_a], themes="Synthetic theme: pacing")
    rows = {r.session.pk: r for r in queries.sessions_for(getattr(cast, reader))}
    assert rows[mine.pk].themes is None and rows[mine.pk].notes is None
    assert "Synthetic theme" not in repr(rows[mine.pk].session.__dict__)
    inside = {r.session.pk: r for r in queries.sessions_for(cast.hv_a)}
    assert inside[mine.pk].themes == "Synthetic theme: pacing"
