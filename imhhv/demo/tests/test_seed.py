"""seed_demo builds every role in several agencies; demo_logins prints them."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency
from imhhv.core.roles import Role
from imhhv.families.access import families_visible_to
from imhhv.families.models import Family


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_refuses_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())
    assert Agency.objects.count() >= 4


def test_builds_every_role_in_at_least_two_agencies(seeded):
    assert Agency.objects.count() >= 4
    for role in (Role.HOME_VISITOR, Role.SUPERVISOR, Role.AGENCY_ADMIN):
        agencies = Membership.objects.active().filter(role=role).values("agency").distinct().count()
        assert agencies >= 2, role
    for role in (Role.STATE_ADMIN, Role.EVALUATOR):
        assert Membership.objects.active().filter(role=role).exists()


def test_full_time_visitors_carry_twelve_to_fifteen_families(seeded):
    for m in Membership.objects.active().filter(role=Role.HOME_VISITOR, fte=1):
        assert 12 <= Family.objects.filter(home_visitor=m.user).count() <= 15


def test_demo_names_are_obviously_synthetic(seeded):
    assert all(
        name.startswith("Demo Family")
        for name in Family.objects.values_list("display_name", flat=True)
    )
    assert all(n.startswith("Demo") for n in User.objects.values_list("first_name", flat=True))


def test_second_run_is_refused_or_skipped(seeded):
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue()


def test_demo_logins_json_lists_every_role(seeded):
    out = StringIO()
    call_command("demo_logins", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {r["role"] for r in rows} >= {r.value for r in Role}
    assert set(rows[0]) == {"username", "password", "role", "agency", "team"}
    visitor = next(r for r in rows if r["role"] == "home_visitor")
    user = User.objects.get(username=visitor["username"])
    assert user.check_password(visitor["password"])
    assert families_visible_to(user).count() >= 1
