"""An assignment saved against a stale family version (someone assigned the family, or
changed its record, after the page was opened) keeps the person's choice, shows the home
visitor the family has now beside it, and carries the version saved now, so one more
click records it. One audit event per request."""

from django.urls import reverse
from django.utils import timezone

from imhhv.families.models import Family


def _post(cast, visitor, version):
    return {
        "home_visitor": visitor.pk,
        "start_date": timezone.localdate().isoformat(),
        "reason": "",
        "version": version,
    }


def test_a_stale_assignment_shows_both_and_saves_on_the_second_try(
    cast, qualified_visitors, login, new_events
):
    url = reverse("families:assign", args=[cast.family_a.pk])
    opened = cast.family_a.version
    supervisor = login(cast.sup_a)
    # A colleague assigns the family to hv_a2 first, from the same page.
    assert supervisor.post(url, _post(cast, cast.hv_a2, opened)).status_code == 302
    marker = len(new_events())
    # Ours, from the page opened before: hv_a3 of the other team.
    page = supervisor.post(url, _post(cast, cast.hv_a_other_team, opened))
    assert page.status_code == 409
    html = page.content.decode()
    assert "Two versions of this assignment" in html
    [row] = page.context["conflicts"]
    assert row["name"] == "home_visitor"
    assert cast.hv_a2.display_name() in row["theirs"]
    assert cast.hv_a_other_team.display_name() in row["yours"]
    form = page.context["form"]
    assert form["home_visitor"].value() == str(cast.hv_a_other_team.pk)  # our choice kept
    now = Family.objects.get(pk=cast.family_a.pk).version
    assert form["version"].value() == str(now)
    assert len(new_events()) - marker == 1  # the stale refusal, once
    # Saving again (the form as shown) records ours.
    again = supervisor.post(url, _post(cast, cast.hv_a_other_team, now))
    assert again.status_code == 302
    assert Family.objects.get(pk=cast.family_a.pk).home_visitor_id == cast.hv_a_other_team.pk
