"""The workforce boards and figures pages: the agency's staff board, compliance per
team / agency / state, the ninth domain and the learning-collaborative cohorts.

For each: it works for its role, another role is refused (403, one denial), another
agency's staff are absent, each view writes exactly one audit event, and session notes
never appear. The state's figures carry no names and hide small cells (the cast is small:
every count is suppressed). The staff board's queries do not grow with the staff.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imhhv.accounts.tests.factories import member
from imhhv.core import workforce as rules
from imhhv.core.roles import Role
from imhhv.workforce import services
from imhhv.workforce.models import Cohort, CohortMember
from imhhv.workforce.tests.helpers import NOTE, session

BOARD = reverse("workforce:staff_board")
COMPLIANCE = reverse("workforce:compliance")
NINTH = reverse("workforce:ninth_domain")
COHORTS = reverse("workforce:cohorts")


def events(new_events) -> list[tuple[str, str]]:
    """(action, outcome) of the events since the last look, then start counting again."""
    seen = [(e.action, e.outcome) for e in new_events()]
    new_events.reset()
    return seen


def license_expiring(cast, staff, days):
    today = timezone.localdate()
    services.add_license(
        by=cast.admin_a,
        staff_id=staff.pk,
        type="LMSW",
        issued_on=today - timedelta(days=400),
        expires_on=today + timedelta(days=days),
    )


# ---------------------------------------------------------------- the staff board


def test_staff_board_lists_the_agency_with_what_is_due_first(cast, login, new_events):
    license_expiring(cast, cast.hv_a2, 80)
    license_expiring(cast, cast.hv_a, 20)
    response = login(cast.admin_a).get(BOARD)
    assert response.status_code == 200
    assert events(new_events) == [("workforce.staff_board.read", "success")]
    due = [
        (item["row"].staff.username, item["what"], item["days"])
        for item in response.context["expiring"]
    ]
    assert [d[2] for d in due] == sorted(d[2] for d in due)  # soonest first
    licenses = [(who, days) for who, what, days in due if what == "License"]
    assert licenses == [("hv_a", 20), ("hv_a2", 80)]
    people = {item["row"].staff.username for item in response.context["rows"]}
    assert people == {"hv_a", "hv_a2", "hv_a3", "sup_a"}
    page = response.content.decode()
    assert page.index("Due in the next 90 days") < page.index("Everyone")
    assert f'href="{reverse("workforce:profile", args=[cast.hv_a.pk])}"' in page
    # Coursework applies to supervisors only: "—" for a home visitor.
    hv_cells = next(i for i in response.context["rows"] if i["row"].staff == cast.hv_a)["cells"]
    assert hv_cells[2] is None and hv_cells[0].status == rules.NOT_MET


def test_staff_board_hides_other_agencies_and_notes(cast, login):
    session(cast.sup_a, [cast.hv_a])
    page = login(cast.admin_a).get(BOARD).content.decode()
    assert cast.hv_b.display_name() not in page
    assert NOTE not in page


def test_staff_board_refuses_other_roles(cast, login, new_events):
    for user in (cast.sup_a, cast.hv_a, cast.evaluator):  # no manage_staff: the page policy
        assert login(user).get(BOARD).status_code == 403
        assert events(new_events) == [("access.capability", "denied")]
    # The state manages staff but has no agency: the use case refuses.
    assert login(cast.state_admin).get(BOARD).status_code == 403
    assert events(new_events) == [("workforce.staff_board.read", "denied")]


def test_the_staff_board_links_from_the_agency_home(cast, login):
    assert f'href="{BOARD}"' in login(cast.admin_a).get(reverse("reports:home")).content.decode()


def _count(client, url) -> int:
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_staff_board_queries_do_not_grow_from_5_to_50_staff(cast, login):
    client = login(cast.admin_a)
    member(Role.HOME_VISITOR, team=cast.team_a)  # with hv_a, hv_a2, hv_a3, sup_a: 5
    small = _count(client, BOARD)
    for _ in range(45):
        member(Role.HOME_VISITOR, team=cast.team_a)
    assert len(client.get(BOARD).context["rows"]) == 50
    assert _count(client, BOARD) == small


# ---------------------------------------------------------------- compliance


def test_a_supervisor_sees_the_team_and_only_the_team_level(cast, login, new_events):
    response = login(cast.sup_a).get(COMPLIANCE)
    assert response.status_code == 200
    assert events(new_events) == [("workforce.compliance.read", "success")]
    report = response.context["report"]
    assert report.level == "team" and not report.suppressed
    assert [r.name for r in report.rows] == ["A1"]
    assert response.context["levels"] == [("team", "Per team")]
    assert login(cast.sup_a).get(COMPLIANCE, {"level": "state"}).status_code == 403
    assert events(new_events) == [("workforce.compliance.read", "denied")]


def test_the_agency_sees_its_teams_and_itself_not_other_agencies(cast, login, new_events):
    client = login(cast.admin_a)
    agency = client.get(COMPLIANCE)
    assert agency.context["report"].level == "agency"
    assert [r.name for r in agency.context["report"].rows] == ["Alpha CMH"]
    teams = client.get(COMPLIANCE, {"level": "team"})
    assert [r.name for r in teams.context["report"].rows] == ["A1", "A2"]
    for response in (agency, teams):
        page = response.content.decode()
        assert "Beta CMH" not in page and "B1" not in page
        assert cast.hv_a.display_name() not in page  # counts, no names
    assert len(events(new_events)) == 2
    # Three home visitors and a supervisor: one supervisor has coursework to meet.
    row = agency.context["report"].rows[0]
    assert row.staff == 4 and row.cells[rules.COURSEWORK].of == 1
    assert row.cells[rules.DEGREE].met == 0 and row.cells[rules.DEGREE].of == 4


def test_the_state_sees_no_names_and_every_small_cell_suppressed(cast, login, new_events):
    session(cast.sup_a, [cast.hv_a])
    client = login(cast.state_admin)
    for level in ("agency", "state"):
        response = client.get(COMPLIANCE, {"level": level})
        assert response.status_code == 200
        assert events(new_events) == [("workforce.compliance.read", "success")]
        assert response.context["report"].suppressed
        kinds = {cell["kind"] for item in response.context["rows"] for cell in item["cells"]}
        assert kinds <= {"suppressed", "none"} and "suppressed" in kinds
        assert all(item["row"].staff is None for item in response.context["rows"])
        page = response.content.decode()
        assert "suppressed" in page and "small" in page  # the cells and the legend
        for person in cast.users():
            # Not the reader (named in the header), nor "nobody" (an English word too).
            if person not in (cast.state_admin, cast.evaluator, cast.nobody):
                assert person.username not in page and person.last_name not in page
        assert NOTE not in page
    assert client.get(COMPLIANCE).context["levels"] == [
        ("agency", "Per agency"),
        ("state", "Michigan"),
    ]


def test_compliance_refuses_a_home_visitor_and_explains_a_bad_level(cast, login, new_events):
    assert login(cast.hv_a).get(COMPLIANCE).status_code == 403
    assert events(new_events) == [("workforce.compliance.read", "denied")]
    response = login(cast.admin_a).get(COMPLIANCE, {"level": "county"})
    assert response.status_code == 400
    assert "Choose one of team, agency, state." in response.content.decode()
    assert len(new_events()) <= 1


# ---------------------------------------------------------------- the ninth domain


def test_the_ninth_domain_for_the_state_without_names(cast, login, new_events):
    session(cast.sup_a, [cast.hv_a])
    for user in (cast.state_admin, cast.evaluator):
        response = login(user).get(NINTH)
        assert response.status_code == 200
        assert events(new_events) == [("workforce.ninth_domain.read", "success")]
        domain = response.context["domain"]
        assert domain.fiscal_year == rules.fiscal_year(timezone.localdate())
        assert [r.name for r in domain.rows] == ["Alpha CMH", "Beta CMH"]
        assert all(r.home_visitors is None for r in domain.rows)  # 3 and 1: small cells
        page = response.content.decode()
        for person in (cast.hv_a, cast.hv_a2, cast.hv_b, cast.sup_a):
            assert person.username not in page and person.last_name not in page
        assert NOTE not in page


def test_the_ninth_domain_takes_a_fiscal_year_and_explains_a_bad_one(cast, login, new_events):
    client = login(cast.state_admin)
    this_fy = rules.fiscal_year(timezone.localdate())
    last = client.get(NINTH, {"fy": str(this_fy - 1)})
    assert last.status_code == 200 and last.context["domain"].fiscal_year == this_fy - 1
    assert len(events(new_events)) == 1
    for typed, message in (
        ("twenty", "four digits"),
        (str(this_fy + 1), "has begun"),
    ):
        response = client.get(NINTH, {"fy": typed})
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page and f'value="{typed}"' in page
        assert response.context["domain"].fiscal_year == this_fy  # the current one instead
        assert events(new_events) == [("workforce.ninth_domain.read", "success")]


def test_the_ninth_domain_refuses_agencies_and_links_from_state_compliance(cast, login, new_events):
    for user in (cast.admin_a, cast.sup_a):
        assert login(user).get(NINTH).status_code == 403
        assert events(new_events) == [("access.capability", "denied")]
    assert f'href="{NINTH}"' in login(cast.state_admin).get(COMPLIANCE).content.decode()
    assert NINTH not in login(cast.admin_a).get(COMPLIANCE).content.decode()


# ---------------------------------------------------------------- cohorts


@pytest.fixture
def cohort(cast):
    today = timezone.localdate()
    row = services.create_cohort(
        by=cast.state_admin,
        name="Synthetic Cohort North",
        trainers="Trainer One, Trainer Two",
        start=today - timedelta(days=60),
        end=today + timedelta(days=300),
        instruction_sessions=10,
        coaching_calls=12,
    )
    for person in (cast.hv_a, cast.hv_b):
        services.add_cohort_member(by=cast.state_admin, cohort_id=row.pk, staff_id=person.pk)
    return row


def new_cohort(**overrides):
    today = timezone.localdate()
    data = {
        "action": "create",
        "new-name": "Synthetic Cohort South",
        "new-trainers": "Trainer Three",
        "new-start": (today + timedelta(days=10)).isoformat(),
        "new-end": (today + timedelta(days=375)).isoformat(),
        "new-instruction_sessions": "10",
        "new-coaching_calls": "12",
    }
    return {**data, **overrides}


def test_the_state_sees_every_cohort_with_attendance(cast, cohort, login, new_events):
    session(cast.sup_a, [cast.hv_a])
    response = login(cast.state_admin).get(COHORTS)
    assert response.status_code == 200
    assert events(new_events) == [("workforce.cohorts.read", "success")]
    page = response.content.decode()
    assert "Synthetic Cohort North" in page and "Trainer One, Trainer Two" in page
    assert "In progress" in page
    assert "0 of 10" in page and "0 of 12" in page
    assert cast.hv_a.display_name() in page and cast.hv_b.display_name() in page
    assert f"{COHORTS}?enroll={cohort.pk}" in page
    assert NOTE not in page


def test_an_agency_sees_only_its_own_members(cast, cohort, login, new_events):
    response = login(cast.admin_a).get(COHORTS)
    assert response.status_code == 200
    assert events(new_events) == [("workforce.cohorts.read", "success")]
    page = response.content.decode()
    assert cast.hv_a.display_name() in page
    assert cast.hv_b.display_name() not in page
    assert "?enroll=" not in page and 'value="create"' not in page  # no forms
    # Someone who reads no member's record sees no cohort at all.
    page = login(cast.hv_a_other_team).get(COHORTS).content.decode()
    assert "Synthetic Cohort North" not in page


def test_the_state_creates_a_cohort_and_bad_dates_keep_what_was_typed(cast, login, new_events):
    client = login(cast.state_admin)
    bad = new_cohort(**{"new-end": (timezone.localdate() - timedelta(days=5)).isoformat()})
    response = client.post(COHORTS, bad)
    assert response.status_code == 400
    assert "A cohort must end after it starts." in response.content.decode()
    assert 'value="Synthetic Cohort South"' in response.content.decode()
    assert not Cohort.objects.exists()
    assert events(new_events) == [("workforce.cohorts.read", "success")]  # the page again
    response = client.post(COHORTS, new_cohort())
    assert response.status_code == 302
    assert events(new_events) == [("workforce.cohort.create", "success")]
    assert Cohort.objects.get().trainers == "Trainer Three"
    assert "Starts" in client.get(COHORTS).content.decode()


def test_the_state_enrolls_staff_from_the_staff_list(cast, cohort, login, new_events):
    client = login(cast.state_admin)
    response = client.get(COHORTS, {"enroll": cohort.pk})
    assert response.status_code == 200
    assert events(new_events) == [("staff.list", "success")]
    choices = dict(response.context["form"].fields["staff"].widget.choices)
    assert cast.hv_a2.pk in choices and cast.sup_a.pk in choices
    assert cast.admin_a.pk not in choices and cast.state_admin.pk not in choices
    response = client.post(
        COHORTS, {"action": "enroll", "cohort": cohort.pk, "staff": cast.hv_a2.pk}
    )
    assert response.status_code == 302
    assert events(new_events) == [("workforce.cohort.enroll", "success")]
    assert CohortMember.objects.filter(cohort=cohort, user=cast.hv_a2).exists()
    # Twice: a clear message on the form, nothing saved.
    response = client.post(
        COHORTS, {"action": "enroll", "cohort": cohort.pk, "staff": cast.hv_a2.pk}
    )
    assert response.status_code == 400
    assert "already in the cohort" in response.content.decode()
    assert events(new_events) == [("staff.list", "success")]  # the select, again
    assert CohortMember.objects.filter(cohort=cohort).count() == 3


def test_the_state_records_attendance_and_a_bad_count_is_explained(cast, cohort, login):
    client = login(cast.state_admin)
    mine = CohortMember.objects.get(cohort=cohort, user=cast.hv_a)
    data = {
        "action": "attendance",
        "att-member": mine.pk,
        "att-instruction_attended": "11",
        "att-coaching_attended": "3",
        "att-completed_on": "",
    }
    response = client.post(COHORTS, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "the cohort&#x27;s 10 instruction sessions" in page
    assert 'value="11"' in page
    mine.refresh_from_db()
    assert (mine.instruction_attended, mine.coaching_attended) == (0, 0)
    response = client.post(COHORTS, {**data, "att-instruction_attended": "4"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.instruction_attended, mine.coaching_attended) == (4, 3)
    assert "4 of 10" in client.get(COHORTS).content.decode()


def test_only_the_state_writes_cohorts(cast, cohort, login, new_events):
    mine = CohortMember.objects.get(cohort=cohort, user=cast.hv_a)
    for user in (cast.admin_a, cast.hv_a):
        client = login(user)
        assert client.post(COHORTS, new_cohort()).status_code == 403
        assert events(new_events) == [("workforce.cohort.create", "denied")]
        response = client.post(
            COHORTS, {"action": "enroll", "cohort": cohort.pk, "staff": cast.hv_a2.pk}
        )
        assert response.status_code == 403
        assert events(new_events) == [("workforce.cohort.enroll", "denied")]
        response = client.post(
            COHORTS,
            {
                "action": "attendance",
                "att-member": mine.pk,
                "att-instruction_attended": "2",
                "att-coaching_attended": "2",
            },
        )
        assert response.status_code == 403
        assert events(new_events) == [("workforce.cohort.attendance", "denied")]
    assert Cohort.objects.count() == 1 and CohortMember.objects.count() == 2
    mine.refresh_from_db()
    assert mine.instruction_attended == 0


def test_an_unknown_action_is_a_clear_400(cast, login):
    response = login(cast.state_admin).post(COHORTS, {"action": "delete"})
    assert response.status_code == 400
    assert "no known action" in response.content.decode()


@pytest.mark.parametrize("url", [BOARD, COMPLIANCE, NINTH, COHORTS, reverse("reports:team_board")])
def test_every_role_gets_at_most_one_event_and_a_refusal_is_one_denial(
    cast, login, new_events, url
):
    for user in cast.users():
        response = login(user).get(url)
        seen = events(new_events)
        assert response.status_code in (200, 403)
        if response.status_code == 403:
            assert [outcome for _, outcome in seen] == ["denied"]
        else:
            assert [outcome for _, outcome in seen] == ["success"]
