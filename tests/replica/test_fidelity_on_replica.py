"""The fidelity report, a report read, is served by the real streaming replica."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.db import REPLICA
from conftest import Cast
from imhhv.core.calendar import week_start
from imhhv.visits.fidelity import default_period, fidelity_report
from imhhv.visits.tests.test_week_facts_maintained import home_visit
from tests.replica.conftest import new_request

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


def test_the_agency_report_counts_what_the_replica_has_replayed(
    cluster, settings, catalogue, password_hash
):
    """Proof by staleness: with replay paused, a visit written since counts on the primary's
    facts only; the report does not see it until the replica has replayed it."""
    settings.REPLICA_MAX_LAG_SECONDS = 3600
    cast = Cast(password_hash)
    last_week = week_start(timezone.localdate()) - timedelta(weeks=1)
    home_visit(cast.family_a, cast.hv_a, last_week)
    cluster.wait_replayed()
    cluster.pause_replay()
    home_visit(cast.family_a2, cast.hv_a2, last_week + timedelta(days=1))
    new_request()

    def visits() -> int:
        period = default_period(timezone.localdate())
        report = fidelity_report(
            cast.admin_a, level="agency", unit_id=cast.agency_a.pk, period=period
        )
        return report.total.completed_home_visits

    assert visits() == 1  # the replica's facts: the second visit is not replayed yet
    cluster.resume_replay()
    cluster.wait_replayed()
    new_request()
    assert visits() == 2
    settings.REPLICA_MAX_LAG_SECONDS = 30
