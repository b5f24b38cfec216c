"""The issue's "Bad input" list: each case is a field error and nothing is saved, no
audit event written; the good case next to it is saved with exactly one event."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from imhhv.workforce import services
from imhhv.workforce.models import (
    License,
    SessionFamily,
    SupervisionParticipant,
    SupervisionSession,
    TrainingEntry,
    Waiver,
)
from imhhv.workforce.tests.helpers import session, yesterday


def refused(call, field: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value


def no_session_saved():
    assert SupervisionSession.objects.count() == 0
    assert SupervisionParticipant.objects.count() == 0
    assert SessionFamily.objects.count() == 0


def test_license_expiring_before_issue_is_refused(cast, new_events):
    today = timezone.localdate()
    error = refused(
        lambda: services.add_license(
            by=cast.admin_a,
            staff_id=cast.hv_a.pk,
            type="LMSW",
            issued_on=today - timedelta(days=10),
            expires_on=today - timedelta(days=11),
        ),
        "expires_on",
    )
    assert "before the issue date" in error.message_dict["expires_on"][0]
    assert License.objects.count() == 0
    assert new_events() == []


def test_license_expiring_on_its_issue_day_is_saved_with_one_event(cast, new_events):
    day = timezone.localdate() - timedelta(days=3)
    services.add_license(
        by=cast.admin_a, staff_id=cast.hv_a.pk, type="LMSW", issued_on=day, expires_on=day
    )
    assert License.objects.count() == 1
    assert [e.action for e in new_events()] == ["workforce.license.add"]


@pytest.mark.parametrize("hours", [Decimal("-0.5"), Decimal("24.01"), 25, "NaN", "many"])
def test_training_hours_out_of_range_are_refused(cast, new_events, hours):
    refused(
        lambda: services.add_training(
            by=cast.hv_a,
            staff_id=cast.hv_a.pk,
            day=yesterday(),
            title="Synthetic course",
            hours=hours,
            category="relationship_based",
        ),
        "hours",
    )
    assert TrainingEntry.objects.count() == 0
    assert new_events() == []


@pytest.mark.parametrize("hours", [0, Decimal("24")])
def test_training_hours_at_the_bounds_are_saved(cast, new_events, hours):
    services.add_training(
        by=cast.hv_a,
        staff_id=cast.hv_a.pk,
        day=yesterday(),
        title="Synthetic course",
        hours=hours,
        category="relationship_based",
    )
    assert TrainingEntry.objects.get().hours == Decimal(hours)
    assert [e.action for e in new_events()] == ["workforce.training.add"]


def test_a_session_whose_supervisor_is_its_only_supervisee_is_refused(cast, new_events):
    refused(lambda: session(cast.sup_a, [cast.sup_a]), "supervisee_ids")
    no_session_saved()
    assert new_events() == []


def test_a_session_in_the_future_is_refused(cast, new_events):
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused(lambda: session(cast.sup_a, [cast.hv_a], day=tomorrow), "day")
    no_session_saved()
    assert new_events() == []


def test_a_session_later_today_is_refused(cast, new_events):
    now = timezone.localtime()
    refused(
        lambda: services.record_session(
            by=cast.sup_a,
            day=now.date(),
            started_at=time.max,  # later today, whatever the hour
            minutes=30,
            format="individual",
            supervisee_ids=[cast.hv_a.pk],
            supervisor_id=cast.sup_a.pk,
        ),
        "day",
    )
    no_session_saved()


@pytest.mark.parametrize("which", ["other_visitors", "other_agency"])
def test_a_family_the_supervisee_does_not_carry_is_refused(cast, new_events, which):
    family = cast.family_a2 if which == "other_visitors" else cast.family_b
    refused(
        lambda: session(cast.sup_a, [cast.hv_a], families=[(family.pk, cast.hv_a.pk)]), "families"
    )
    no_session_saved()
    assert new_events() == []


def test_a_family_the_supervisee_carries_is_saved_with_one_event(cast, new_events):
    done = session(cast.sup_a, [cast.hv_a], families=[(cast.family_a.pk, cast.hv_a.pk)])
    assert list(done.families_discussed.values_list("family_id", flat=True)) == [cast.family_a.pk]
    assert [e.action for e in new_events()] == ["workforce.session.record"]


def test_a_supervisee_from_another_agency_is_refused(cast, new_events):
    refused(lambda: session(cast.sup_a, [cast.hv_b]), "supervisee_ids")
    no_session_saved()


def test_a_second_waiver_for_a_fiscal_year_is_refused(cast, new_events):
    services.add_waiver(
        by=cast.admin_a, staff_id=cast.hv_a.pk, fiscal_year=2027, requested_on=yesterday()
    )
    new_events.reset()
    error = refused(
        lambda: services.add_waiver(
            by=cast.admin_a, staff_id=cast.hv_a.pk, fiscal_year=2027, requested_on=yesterday()
        ),
        "fiscal_year",
    )
    assert "FY2027" in error.message_dict["fiscal_year"][0]
    assert Waiver.objects.count() == 1
    assert new_events() == []


def test_leave_ending_before_it_starts_is_refused(cast, new_events):
    day = timezone.localdate()
    refused(
        lambda: services.record_leave(
            by=cast.sup_a, staff_id=cast.hv_a.pk, start=day, end=day - timedelta(days=1)
        ),
        "end",
    )
    assert new_events() == []


def test_endorsed_without_a_date_is_refused(cast, new_events):
    with pytest.raises(ValidationError):
        services.set_endorsement(
            by=cast.admin_a,
            staff_id=cast.hv_a.pk,
            category="infant_family_specialist",
            status="endorsed",
        )
    assert new_events() == []


@pytest.mark.parametrize(
    ("supervisees", "families", "field"),
    [
        (["12"], [], "supervisee_ids"),
        ([None], [], "supervisee_ids"),
        ([True], [], "supervisee_ids"),
        ([2**63], [], "supervisee_ids"),
        ("hv_a", [("1", "2")], "families"),
        ("hv_a", [(1,)], "families"),
    ],
)
def test_ids_that_are_not_ids_are_field_errors(cast, new_events, supervisees, families, field):
    ids = [cast.hv_a.pk] if supervisees == "hv_a" else supervisees
    refused(
        lambda: services.record_session(
            by=cast.sup_a,
            day=yesterday(),
            started_at=time(9),
            minutes=30,
            format="individual",
            supervisee_ids=ids,
            supervisor_id=cast.sup_a.pk,
            families=families,
        ),
        field,
    )
    no_session_saved()


def test_a_family_listed_twice_is_refused(cast, new_events):
    pair = (cast.family_a.pk, cast.hv_a.pk)
    refused(lambda: session(cast.sup_a, [cast.hv_a], families=[pair, pair]), "families")
    no_session_saved()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"minutes": 0}, "__all__"), ({"format": "party"}, "format"), ({"minutes": 601}, "__all__")],
)
def test_a_session_with_a_bad_length_or_format_is_refused(cast, new_events, change, field):
    values = {"minutes": 60, "format": "individual", **change}
    refused(
        lambda: services.record_session(
            by=cast.sup_a,
            day=yesterday(),
            started_at=time(9),
            supervisee_ids=[cast.hv_a.pk],
            supervisor_id=cast.sup_a.pk,
            **values,
        ),
        field,
    )
    no_session_saved()


def test_an_individual_session_has_one_supervisee(cast, new_events):
    refused(lambda: session(cast.sup_a, [cast.hv_a, cast.hv_a2], fmt="individual"), "format")
    no_session_saved()
