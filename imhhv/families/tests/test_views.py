"""Family pages: works / other agency 404 / capability 403 / audited; bounded queries."""

from django.urls import reverse

from imhhv.families.models import Family


def test_list_shows_caseload_and_writes_one_read_event(cast, login, new_events):
    client = login(cast.hv_a)
    response = client.get(reverse("families:list"))
    assert response.status_code == 200
    assert b"Test Family One" in response.content
    assert b"Test Family Two" not in response.content
    assert b"Test Family Four" not in response.content
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("family.list", "success")]
    assert events[0].details["ids"] == [cast.family_a.pk]
    assert events[0].username == "hv_a" and events[0].role == "home_visitor"
    assert events[0].agency_id == cast.agency_a.pk
    assert events[0].request_id == response["X-Request-ID"]
    assert events[0].source_ip == "127.0.0.1"


def test_detail_works_in_scope(cast, login, new_events):
    client = login(cast.sup_a)
    response = client.get(reverse("families:detail", args=[cast.family_a2.pk]))
    assert response.status_code == 200
    assert b"Test Family Two" in response.content
    assert [(e.action, e.object_id) for e in new_events()] == [
        ("family.read", str(cast.family_a2.pk))
    ]


def test_detail_of_other_agency_is_404_and_audited(cast, login, new_events):
    client = login(cast.admin_a)
    response = client.get(reverse("families:detail", args=[cast.family_b.pk]))
    assert response.status_code == 404
    assert b"Test Family Four" not in response.content
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [("family.read", "denied")]


def test_state_admin_without_capability_gets_403_and_audited(cast, login, new_events):
    client = login(cast.state_admin)
    for url in (reverse("families:list"), reverse("families:detail", args=[cast.family_a.pk])):
        assert client.get(url).status_code == 403
    assert [(e.action, e.outcome) for e in new_events()] == [("access.capability", "denied")] * 2


def test_user_without_membership_gets_403(cast, login):
    client = login(cast.nobody)
    assert client.get(reverse("families:list")).status_code == 403


def _add_families(cast, n):
    Family.objects.bulk_create(
        Family(agency=cast.agency_a, home_visitor=cast.hv_a, display_name=f"Bulk {i}")
        for i in range(n)
    )


def test_family_pages_query_count_does_not_grow_with_caseload(
    cast, login, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (15, 150):
        Family.objects.filter(display_name__startswith="Bulk").delete()
        _add_families(cast, size)
        for user in (cast.hv_a, cast.sup_a, cast.admin_a):
            client = login(user)
            with CaptureQueriesContext(connection) as list_q:
                assert client.get(reverse("families:list")).status_code == 200
            with CaptureQueriesContext(connection) as detail_q:
                assert (
                    client.get(reverse("families:detail", args=[cast.family_a.pk])).status_code
                    == 200
                )
            with CaptureQueriesContext(connection) as home_q:
                assert client.get(reverse("reports:home")).status_code == 200
            counts.append((size, user.username, len(list_q), len(detail_q), len(home_q)))
    at_15 = [c[1:] for c in counts if c[0] == 15]
    at_150 = [c[1:] for c in counts if c[0] == 150]
    assert at_15 == at_150, counts
    # A fixed budget per page (the chart has many sections, the supervisor's home the team's
    # week, notes, alerts, families not seen and caseloads); it must not grow with size.
    assert max(max(c[2:]) for c in counts) <= 26, counts
