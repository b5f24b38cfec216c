"""The staff list: an agency's current and former members, each with their membership at
this agency only; constant queries however many staff."""

from django.urls import reverse

from imhhv.accounts.tests.factories import member, moved
from imhhv.core.roles import Role

LIST = reverse("staff:list")


def test_a_former_member_is_listed_without_where_they_went(cast, login):
    moved(cast.hv_a, role=Role.HOME_VISITOR, team=cast.team_b)
    page = login(cast.admin_a).get(LIST).content.decode()
    row = page[page.index("hv_a</td>") :].split("</tr>")[0]
    assert "no active role here" in row and "Beta" not in row


def test_queries_do_not_grow_with_the_staff(cast, login, django_assert_max_num_queries):
    client = login(cast.admin_a)
    client.get(LIST)
    for _ in range(30):
        member(Role.HOME_VISITOR, team=cast.team_a)
    # 12 before issue 9, + the team choices of the filters, + the staff.list audit event
    # (savepoint, chain head, insert, head update, release).
    with django_assert_max_num_queries(18):
        assert client.get(LIST).status_code == 200


def test_the_staff_list_searches_and_filters(cast, login, new_events):
    client = login(cast.admin_a)
    page = client.get(LIST, {"q": "hv_a2"})
    assert [p.username for p in page.context["staff"]] == ["hv_a2"]
    assert [(e.action, e.outcome) for e in new_events()] == [("staff.list", "success")]
    by_team = client.get(LIST, {"team": cast.team_a_other.pk, "status": "active"})
    assert [p.username for p in by_team.context["staff"]] == ["hv_a3"]
    by_role = client.get(LIST, {"role": "agency_admin"})
    assert [p.username for p in by_role.context["staff"]] == ["admin_a"]
    assert "nobody" in [
        p.username for p in client.get(LIST, {"status": "inactive"}).context["staff"]
    ]


def test_a_team_of_another_agency_is_a_message_not_its_staff(cast, login):
    response = login(cast.admin_a).get(LIST, {"team": cast.team_b.pk})
    assert response.status_code == 400
    assert b"Choose one of the teams listed" in response.content and b"hv_b" not in response.content
