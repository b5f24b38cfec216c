"""The audit page (issue 9): a staff member by name, a family by name through the reader's
own scope, local times, and a link from each event to its record when the reader may
open it. The page's own event records resolved ids, never the name typed."""

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imhhv.audit.models import AuditEvent
from imhhv.families.models import Caregiver
from imhhv.families.services.search import refresh_family_search

AUDIT = reverse("audit:log")


def name(family, first, last):
    Caregiver.objects.create(
        family=family, relationship="primary", first_name=first, last_name=last
    )
    refresh_family_search(family)


def read_family(login, user, family):
    login(user).get(reverse("families:detail", args=[family.pk]))


def test_a_family_is_found_by_name_in_the_readers_scope(cast, login, new_events):
    name(cast.family_a, "Renée", "Auditname")
    name(cast.family_b, "Renée", "Auditname")  # agency B: never the admin of A's
    read_family(login, cast.hv_a, cast.family_a)
    read_family(login, cast.hv_b, cast.family_b)
    client = login(cast.admin_a)
    page = client.get(AUDIT, {"family": "renee audit"})
    assert page.status_code == 200
    events = [e for e, _ in page.context["rows"]]
    assert {(e.object_type, e.object_id) for e in events} == {("family", str(cast.family_a.pk))}
    view = new_events(action="audit.view")[-1]
    assert view.details["filters"]["family_ids"] == [cast.family_a.pk]
    assert "renee" not in json.dumps(view.details).casefold()


def test_a_name_outside_the_scope_finds_nothing_and_says_so(cast, login):
    name(cast.family_b, "Outsider", "Elsewhere")
    read_family(login, cast.hv_b, cast.family_b)
    state = login(cast.state_admin).get(AUDIT, {"family": "outsider"})  # no family scope
    assert state.context["page"].paginator.count == 0
    assert b"No family you may see has that name" in state.content


def test_a_staff_member_is_found_by_part_of_a_name(cast, login):
    cast.sup_a.first_name, cast.sup_a.last_name = "Dolores", "Supervisora"
    cast.sup_a.save()
    read_family(login, cast.sup_a, cast.family_a2)
    read_family(login, cast.hv_a, cast.family_a)
    page = login(cast.admin_a).get(AUDIT, {"person": "dolo"})
    assert {e.username for e, _ in page.context["rows"]} == {"sup_a"}


def test_events_link_to_records_the_reader_may_open_and_show_local_time(cast, login):
    read_family(login, cast.hv_a, cast.family_a)
    login(cast.hv_b).get(reverse("families:detail", args=[cast.family_a.pk]))  # a denial
    page = login(cast.admin_a).get(AUDIT)
    rows = page.context["rows"]
    chart = reverse("families:detail", args=[cast.family_a.pk])
    assert any(url == chart for e, url in rows if e.action == "family.read")
    html = page.content.decode()
    assert f'href="{chart}"' in html
    event = AuditEvent.objects.filter(action="family.read").order_by("-seq").first()
    local = timezone.localtime(event.occurred_at)
    assert local.strftime("%Y-%m-%d %H:%M:%S") in html
    assert re.search(r"\d\d:\d\d:\d\d E[SD]T", html)


def test_the_state_sees_no_family_link(cast, login):
    read_family(login, cast.hv_a, cast.family_a)
    rows = login(cast.state_admin).get(AUDIT).context["rows"]
    assert not [url for e, url in rows if e.object_type == "family" and url]


def test_staff_events_link_to_the_staff_page(cast, login):
    login(cast.admin_a).get(reverse("staff:detail", args=[cast.hv_a.pk]))
    rows = login(cast.admin_a).get(AUDIT).context["rows"]
    staff_url = reverse("staff:detail", args=[cast.hv_a.pk])
    assert any(url == staff_url for e, url in rows if e.action == "staff.read")


def test_the_page_queries_do_not_grow_with_the_events(cast, login):
    """One query per kind of record linked, whatever the number of events."""
    read_family(login, cast.hv_a, cast.family_a)
    login(cast.admin_a).get(reverse("staff:detail", args=[cast.hv_a.pk]))
    client = login(cast.admin_a)
    with CaptureQueriesContext(connection) as small:
        client.get(AUDIT)
    for _ in range(30):
        read_family(login, cast.hv_a, cast.family_a)
        read_family(login, cast.hv_a2, cast.family_a2)
        login(cast.admin_a).get(reverse("staff:detail", args=[cast.hv_a.pk]))
    client = login(cast.admin_a)
    with CaptureQueriesContext(connection) as large:
        client.get(AUDIT)
    assert len(large) == len(small)


def test_visit_and_referral_events_link_to_their_pages(cast, login):
    from imhhv.audit.services import record
    from imhhv.families.tests.factories import ReferralFactory
    from imhhv.visits.models import Visit

    visit = Visit.objects.create(
        family=cast.family_a, visitor=cast.hv_a, scheduled_at=timezone.now()
    )
    referral = ReferralFactory(agency=cast.agency_a)
    record(action="visit.read", target=visit, user=cast.hv_a)
    record(action="referral.read", target=referral, user=cast.admin_a)
    rows = login(cast.admin_a).get(AUDIT).context["rows"]
    links = {(e.object_type, e.object_id): url for e, url in rows if url}
    assert links[("visit", str(visit.pk))] == reverse("visits:detail", args=[visit.pk])
    assert links[("referral", str(referral.pk))] == reverse("families:referral", args=[referral.pk])
