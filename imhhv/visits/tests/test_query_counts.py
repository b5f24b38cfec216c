"""Queries per page do not grow: caps measured before the pages became adapters over
one call each (issue 7), and the same with ten times the families."""

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
    ("sup_a", "visits:team_week", None, 16),
    ("hv_a", "visits:fidelity_visitor", "hv_a", 22),
    ("sup_a", "visits:fidelity_team", "team_a", 22),
    ("admin_a", "visits:fidelity_agency", None, 21),
    ("state_admin", "visits:fidelity_state", None, 21),
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
