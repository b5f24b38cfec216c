"""Queries per page do not grow: the same number with 1 team and with 10 (each with its
home visitor, families and visits), and with ten times the families, under a cap.

The fidelity pages read the week facts and their totals (issue 8): one GROUP BY per
figure kind, whatever the number of teams, visitors, families or weeks; and the staff
columns one fixed set of queries whatever the number of home visitors (issue 10,
`test_fidelity_workforce.py` adds staff with sessions, leave and qualifications)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import add_families
from imhhv.visits.tests.factories import VisitFactory

TODAY = timezone.localdate()

# Measured on the cast with one visit per family, before and after the rework.
PAGES = [
    ("hv_a", "visits:week", None, 25),
    ("sup_a", "visits:team_week", None, 19),  # +3: planned visits (families, plans, episodes)
    # Fidelity pages +12: the staff columns (issue 10), `staff_records`' fixed set of
    # queries (the state's +1 for its home visitors is within the old cap's margin).
    ("hv_a", "visits:fidelity_visitor", "hv_a", 25 + 12),
    ("sup_a", "visits:fidelity_team", "team_a", 26 + 12),
    ("admin_a", "visits:fidelity_agency", None, 26 + 12),  # +1: the alerted families (issue 9)
    ("state_admin", "visits:fidelity_state", None, 21 + 12),
]


@pytest.mark.parametrize(("who", "name", "arg", "cap"), PAGES)
@pytest.mark.parametrize("extra_families", [0, 10])
def test_queries_per_page_stay_within_the_cap(
    cast, login, catalogue, django_assert_max_num_queries, who, name, arg, cap, extra_families
):
    for family, visitor in ((cast.family_a, cast.hv_a), (cast.family_a2, cast.hv_a2)):
        VisitFactory(family=family, visitor=visitor, day=TODAY - timedelta(days=2))
    for family in add_families(cast.agency_a, cast.hv_a, extra_families):
        VisitFactory(family=family, visitor=cast.hv_a, day=TODAY - timedelta(days=3))
    client = login(getattr(cast, who))
    args = [getattr(cast, arg).pk] if arg else []
    url = reverse(name, args=args)
    client.get(url)  # warm the per-process caches (catalogue, settings)
    with django_assert_max_num_queries(cap):
        assert client.get(url).status_code == 200


def add_team(cast, n: int):
    """A team of agency A with one home visitor and three families seen last week."""
    from tests.factories import MembershipFactory, TeamFactory, UserFactory

    team = TeamFactory(agency=cast.agency_a, name=f"Extra team {n}")
    visitor = UserFactory(username=f"extra_hv_{n}")
    MembershipFactory(user=visitor, agency=cast.agency_a, team=team)
    for family in add_families(cast.agency_a, visitor, 3, prefix=f"Extra {n}"):
        VisitFactory(family=family, visitor=visitor, day=TODAY - timedelta(days=7))


@pytest.mark.parametrize(("who", "name", "arg", "cap"), PAGES)
def test_report_pages_make_as_many_queries_with_10_teams_as_with_1(
    cast, login, catalogue, who, name, arg, cap
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    VisitFactory(family=cast.family_a, visitor=cast.hv_a, day=TODAY - timedelta(days=7))
    client = login(getattr(cast, who))
    url = reverse(name, args=[getattr(cast, arg).pk] if arg else [])

    def queries() -> int:
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one_team = queries()
    for n in range(9):
        add_team(cast, n)
    assert queries() == one_team <= cap
