"""The assign page: it starts on the family's current home visitor, and lists supervisors
only when they carry families (issue 9, walk-through)."""

import re

from django.urls import reverse
from django.utils import timezone

from conftest import add_families
from imhhv.families.tests.factories import FamilyFactory

TODAY = timezone.localdate()


def visitor_options(page) -> dict[str, bool]:
    """{option label: selected} of the page's home visitor choice."""
    html = page.content.decode()
    select = re.search(r'<select name="home_visitor"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {
        label.strip(): "selected" in attrs
        for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select)
    }


def selected(options):
    return [label for label, chosen in options.items() if chosen]


def test_the_form_starts_on_the_familys_current_home_visitor(cast, login):
    page = login(cast.sup_a).get(reverse("families:assign", args=[cast.family_a2.pk]))
    assert page.status_code == 200
    chosen = selected(visitor_options(page))
    assert len(chosen) == 1 and chosen[0].startswith(cast.hv_a2.display_name())


def test_a_family_with_nobody_starts_on_a_blank_choice_and_must_choose(cast, login):
    family = FamilyFactory(agency=cast.agency_a, home_visitor=None)
    url = reverse("families:assign", args=[family.pk])
    options = visitor_options(login(cast.sup_a).get(url))
    assert selected(options) in ([], ["Choose a home visitor"])
    assert list(options)[0] == "Choose a home visitor"
    page = login(cast.sup_a).post(url, {"home_visitor": "", "version": family.version})
    assert page.status_code == 200 and b"Choose a home visitor." in page.content
    family.refresh_from_db()
    assert family.home_visitor is None


def test_a_supervisor_without_families_is_not_listed(cast, login):
    page = login(cast.sup_a).get(reverse("families:assign", args=[cast.family_a.pk]))
    labels = list(visitor_options(page))
    assert not any(label.startswith(cast.sup_a.display_name()) for label in labels)
    assert any(label.startswith(cast.hv_a2.display_name()) for label in labels)
    assert f'<th scope="row">{cast.sup_a.display_name()}</th>' not in page.content.decode()


def test_a_supervisor_who_carries_families_is_listed(cast, login):
    add_families(cast.agency_a, cast.sup_a, 1)
    page = login(cast.sup_a).get(reverse("families:assign", args=[cast.family_a.pk]))
    labels = list(visitor_options(page))
    assert any(label.startswith(cast.sup_a.display_name()) for label in labels)
    assert f'<th scope="row">{cast.sup_a.display_name()}</th>' in page.content.decode()


def test_an_unlisted_supervisor_cannot_be_posted_to_the_form(cast, login):
    url = reverse("families:assign", args=[cast.family_a.pk])
    post = {
        "home_visitor": cast.sup_a.pk,
        "start_date": TODAY.isoformat(),
        "version": cast.family_a.version,
    }
    page = login(cast.sup_a).post(url, post)
    assert page.status_code == 200
    assert b"Choose one of the home visitors listed." in page.content
    cast.family_a.refresh_from_db()
    assert cast.family_a.home_visitor == cast.hv_a
