"""Each role gets its own home page (one file per role beside this one), the cap in force,
the menu by capability, and the public health check."""

from django.urls import reverse

from imhhv.agencies.tests.factories import ProgramPolicyFactory

HOME = reverse("reports:home")


def test_each_role_gets_its_own_home(cast, login):
    kinds = {
        who: login(getattr(cast, who)).get(HOME).context["home"].kind
        for who in ("hv_a", "sup_a", "admin_a", "state_admin", "evaluator", "nobody")
    }
    assert kinds == {
        "hv_a": "visitor",
        "sup_a": "supervisor",
        "admin_a": "agency",
        "state_admin": "state",
        "evaluator": "state",
        "nobody": "none",
    }


def test_agency_and_team_pages_use_the_cap_in_force(cast, login):
    """Regression: the agency page said "15 families per full-time home visitor" whatever
    the policy; it reads the cap of the policy in force today."""
    ProgramPolicyFactory(caseload_cap_per_fte=12)
    agency = login(cast.admin_a).get(HOME)
    assert "at 12 families per full-time home visitor" in agency.content.decode()
    assert {t.team.name: t.capacity for t in agency.context["home"].teams} == {"A1": 24, "A2": 12}
    team = login(cast.sup_a).get(HOME).content.decode()
    assert "(12 families per full-time home visitor)" in team and "15 famil" not in team
    visitor = login(cast.hv_a).get(HOME).content.decode()
    assert "your cap at 1.00 FTE is 12" in visitor


def test_evaluator_sees_aggregates_only(cast, login):
    page = login(cast.evaluator).get(HOME).content.decode()
    assert "Alpha CMH" in page and "Test Family" not in page


def test_user_without_membership_sees_nothing(cast, login):
    page = login(cast.nobody).get(HOME).content.decode()
    assert "no active role" in page and "Test Family" not in page


def test_navigation_follows_capabilities(cast, login):
    visitor = login(cast.hv_a).get(HOME).content.decode()
    assert 'href="/families/"' in visitor and 'href="/audit/"' not in visitor
    admin = login(cast.admin_a).get(HOME).content.decode()
    assert 'href="/audit/"' in admin
    state = login(cast.state_admin).get(HOME).content.decode()
    assert 'href="/families/"' not in state


def test_health_check_is_public(client, db):
    assert client.get(reverse("reports:health")).content == b"ok"
