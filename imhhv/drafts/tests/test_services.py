"""Drafts: saved, read back, replaced, discarded and purged, each audited once; another
person never reads my draft; a record out of scope or without the capability is refused
with one denied event; bad data saves nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imhhv.drafts import queries, services
from imhhv.drafts.errors import DraftInvalid
from imhhv.drafts.models import Draft
from imhhv.drafts.pages import to_querydict

pytestmark = pytest.mark.django_db


def note_key(family):
    return f"family-{family.pk}"


def save_note(cast, user=None, family=None, **data):
    return services.save_draft(
        user=user or cast.hv_a,
        form="visit-note",
        record_key=note_key(family or cast.family_a),
        data=data or {"note": ["Synthetic note text."], "components": ["alliance", "reflect"]},
    )


def test_a_saved_draft_reads_back_as_its_fields_audited_once_each(cast, new_events):
    draft = save_note(cast)
    assert [(e.action, e.outcome, e.object_id) for e in new_events()] == [
        ("draft.save", "success", str(draft.pk))
    ]
    assert new_events()[0].details == {
        "form": "visit-note",
        "record_key": note_key(cast.family_a),
        "via": "autosave",
        "fields": 2,
    }  # ids, never the text
    new_events.reset()
    found = queries.draft_for(cast.hv_a, form="visit-note", record_key=note_key(cast.family_a))
    assert found.data == {"note": ["Synthetic note text."], "components": ["alliance", "reflect"]}
    assert [e.action for e in new_events()] == ["draft.read"]


def test_saving_again_replaces_the_one_draft(cast):
    save_note(cast, note=["First."])
    save_note(cast, note=["Second."])
    assert list(Draft.objects.values_list("data", flat=True)) == [{"note": ["Second."]}]


def test_a_querydict_is_kept_with_every_value_and_without_the_csrf_token(cast):
    post = QueryDict("note=Synthetic&components=a&components=b&csrfmiddlewaretoken=x")
    draft = services.save_draft(
        user=cast.hv_a, form="visit-note", record_key=note_key(cast.family_a), data=post
    )
    assert draft.data == {"note": ["Synthetic"], "components": ["a", "b"]}
    assert to_querydict(draft.data).getlist("components") == ["a", "b"]


def test_no_draft_is_none_and_writes_no_event(cast, new_events):
    key = note_key(cast.family_a)
    assert queries.draft_for(cast.hv_a, form="visit-note", record_key=key) is None
    assert new_events() == []


def test_another_person_never_reads_my_draft(cast, new_events):
    # Both may take referrals at agency A: the record is theirs alike, the draft is not.
    services.save_draft(user=cast.admin_a, form="referral", record_key="new", data={"x": ["1"]})
    new_events.reset()
    assert queries.draft_for(cast.sup_a, form="referral", record_key="new") is None
    assert queries.my_drafts(cast.sup_a) == []
    assert [e.details["count"] for e in new_events(action="draft.list")] == [0]
    assert [r.form for r in queries.my_drafts(cast.admin_a)] == ["referral"]


def test_my_drafts_lists_form_key_and_where_to_resume(cast):
    save_note(cast)
    (row,) = queries.my_drafts(cast.hv_a)
    assert (row.form, row.record_key) == ("visit-note", note_key(cast.family_a))
    assert row.url == f"/visits/family/{cast.family_a.pk}/new/"


def test_another_agencys_family_is_404_with_one_denied_event(cast, new_events):
    with pytest.raises(Http404):
        save_note(cast, user=cast.hv_b, family=cast.family_a)
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("family.read", "denied")]
    assert not Draft.objects.exists()


def test_reading_a_draft_of_a_family_no_longer_in_scope_is_404(cast, new_events):
    save_note(cast)
    cast.family_a.home_visitor = cast.hv_a2
    cast.family_a.save(update_fields=["home_visitor"])
    new_events.reset()
    with pytest.raises(Http404):
        queries.draft_for(cast.hv_a, form="visit-note", record_key=note_key(cast.family_a))
    assert [(e.action, e.outcome) for e in new_events()] == [("family.read", "denied")]


def test_missing_capability_is_403_with_one_denied_event(cast, new_events):
    with pytest.raises(PermissionDenied):
        services.save_draft(user=cast.hv_a, form="referral", record_key="new", data={})
    assert [(e.action, e.outcome) for e in new_events()] == [("draft.write", "denied")]


@pytest.mark.parametrize(
    "form, key",
    [
        ("no-such-form", "new"),
        ("visit-note", "Family-1"),
        ("visit-note", "family-x"),
        ("visit-note", "caregiver-1"),
        ("referral", "referral-1"),
        ("enrollment", "new"),
    ],
)
def test_an_unknown_form_or_record_is_404_with_one_denied_event(cast, new_events, form, key):
    with pytest.raises(Http404):
        services.save_draft(user=cast.admin_a, form=form, record_key=key, data={})
    assert [e.outcome for e in new_events()] == ["denied"]


def test_a_user_without_a_membership_saves_nothing(cast, new_events):
    with pytest.raises(Http404):
        save_note(cast, user=cast.nobody)
    assert [e.outcome for e in new_events()] == ["denied"]
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        ["not", "a", "dict"],
        {"note": [1, 2]},
        {"note": {"nested": "x"}},
        {"": ["x"]},
        {"n" * 101: ["x"]},
        {"note": ["x" * 50_001]},
        {"note": ["a\x00b"]},
        {"no\x00te": ["x"]},
        {f"f{i}": ["x"] for i in range(401)},
        {"note": ["x"] * 101},
    ],
    ids=[
        "list",
        "numbers",
        "nested",
        "blank-name",
        "long-name",
        "long-value",
        "nul",
        "nul-in-name",
        "many-fields",
        "many-values",
    ],
)
def test_bad_data_is_refused_and_nothing_saved(cast, new_events, data):
    with pytest.raises(DraftInvalid):
        services.save_draft(
            user=cast.hv_a, form="visit-note", record_key=note_key(cast.family_a), data=data
        )
    assert not Draft.objects.exists()
    assert new_events(action="draft.save") == []


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=30).filter(
            lambda n: n not in services.SKIPPED_FIELDS and "\x00" not in n
        ),
        st.lists(st.text(max_size=200).filter(lambda v: "\x00" not in v), max_size=5),
        max_size=8,
    )
)
def test_any_form_fields_round_trip(cast, data):
    draft = services.save_draft(
        user=cast.hv_a, form="visit-note", record_key=note_key(cast.family_a), data=data
    )
    draft.refresh_from_db()
    assert draft.data == data
    assert dict(to_querydict(draft.data).lists()) == data


def test_discarding_deletes_and_audits_once_and_nothing_is_silent(cast, new_events):
    draft = save_note(cast)
    new_events.reset()
    assert services.discard_draft(
        user=cast.hv_a, form="visit-note", record_key=note_key(cast.family_a)
    )
    assert [(e.action, e.object_id) for e in new_events()] == [("draft.discard", str(draft.pk))]
    new_events.reset()
    assert not services.discard_draft(
        user=cast.hv_a, form="visit-note", record_key=note_key(cast.family_a)
    )
    assert new_events() == []


def test_someone_elses_discard_leaves_my_draft(cast):
    services.save_draft(user=cast.admin_a, form="referral", record_key="new", data={"x": ["1"]})
    assert not services.discard_draft(user=cast.sup_a, form="referral", record_key="new")
    assert Draft.objects.count() == 1


@override_settings(DRAFT_RETENTION_DAYS=14)
def test_purge_deletes_drafts_untouched_for_the_retention_days(cast, new_events):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=15), tick=False):
        old = save_note(cast)
    with time_machine.travel(start - timedelta(days=13), tick=False):
        recent = save_note(cast, family=cast.family_a2, user=cast.hv_a2)
    new_events.reset()
    with time_machine.travel(start, tick=False):
        assert services.purge_expired() == 1
    assert list(Draft.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Draft.objects.filter(pk=old.pk).exists()
    (event,) = new_events()
    assert (event.action, event.details["deleted"], event.details["retention_days"]) == (
        "draft.purge",
        1,
        14,
    )


def test_the_purge_job_is_registered_and_runs(cast):
    from imhhv.jobs.registry import get_job

    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        save_note(cast)
    assert get_job("drafts.purge").func() == {"deleted": 1}


def test_a_draft_from_a_former_agency_is_not_shown_there(cast):
    save_note(cast)
    Draft.objects.update(agency=cast.agency_b)  # as if written before a move
    assert (
        queries.draft_for(cast.hv_a, form="visit-note", record_key=note_key(cast.family_a)) is None
    )
    save_note(cast, note=["Again."])  # replaces it rather than failing on uniqueness
    assert Draft.objects.get().agency == cast.agency_a
