"""A name typed into a search never reaches a URL (imhhv.audit.searches): the families
list, the header's quick search, referrals and the audit trail post their filters, which
the session keeps behind a key; the address, the pager, the Back button and the sign-in
page's ?next= carry only the key. The key is the session's own."""

import re
from urllib.parse import urlsplit

from django.urls import reverse

from imhhv.audit.searches import KEEP
from imhhv.families.services.search import refresh_family_search
from imhhv.families.tests.test_family_search import named

LIST = reverse("families:list")


def _search(client, url, **fields):
    response = client.post(url, fields)
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def test_a_posted_search_redirects_to_a_key_and_finds_the_family(cast, login, new_events):
    named(cast.family_a, ("Quillon", "Testperson"))
    client = login(cast.hv_a)
    location = _search(client, LIST, q="quillon", status="active")
    assert re.fullmatch(r"/families/\?s=[\w-]+", location), location
    assert "quillon" not in location.casefold()
    # The POST reads nothing, so it writes nothing; the GET it leads to writes the read.
    assert new_events() == []
    page = client.get(location)
    assert page.status_code == 200
    assert [r.family.pk for r in page.context["rows"]] == [cast.family_a.pk]
    assert page.context["form"]["q"].value() == "quillon"  # the box shows what was typed
    assert [e.action for e in new_events()] == ["family.list"]


def test_the_pager_and_every_link_carry_the_key_never_the_text(cast, login):
    from conftest import add_families

    for family in add_families(cast.agency_a, cast.hv_a, 60, prefix="Testsearch"):
        refresh_family_search(family)
    client = login(cast.hv_a)
    location = _search(client, LIST, q="testsearch", sort="-enrolled")
    key = urlsplit(location).query.removeprefix("s=")
    html = client.get(location).content.decode()
    assert "testsearch" not in " ".join(re.findall(r'(?:href|action)="([^"]*)"', html)).casefold()
    assert f'<input type="hidden" name="s" value="{key}">' in html
    assert 'name="q" value="testsearch"' not in re.sub(r'<input type="search"[^>]*>', "", html)
    second = client.get(LIST, {"s": key, "page": 2})
    assert second.context["page"].number == 2
    assert second.context["form"]["sort"].value() == "-enrolled"


def test_a_key_is_the_sessions_own_and_an_unknown_one_says_so(cast, login):
    named(cast.family_a, ("Quillon", "Testperson"))
    location = _search(login(cast.hv_a), LIST, q="quillon")
    other = login(cast.hv_a2)
    page = other.get(location)
    assert page.status_code == 200
    assert "no longer kept" in page.content.decode()
    assert page.context["form"]["q"].value() in (None, "")  # an ordinary, unfiltered list


def test_a_session_keeps_its_newest_searches_only(cast, login):
    client = login(cast.hv_a)
    first = _search(client, LIST, q="first")
    for n in range(KEEP):
        _search(client, LIST, q=f"later{n}")
    assert "no longer kept" in client.get(first).content.decode()


def test_an_empty_search_is_the_plain_list(cast, login):
    assert _search(login(cast.hv_a), LIST, q="  ") == LIST


def test_signing_in_again_returns_to_the_key_not_the_name(cast, login, client):
    named(cast.family_a, ("Quillon", "Testperson"))
    location = _search(login(cast.hv_a), LIST, q="quillon")
    client.logout()
    response = client.get(location)
    assert response.status_code == 302 and "quillon" not in response["Location"].casefold()


def test_the_header_search_posts(cast, login):
    html = login(cast.hv_a2).get(reverse("reports:home")).content.decode()
    form = re.search(r'<form [^>]*class="header-search"[^>]*>', html).group(0)
    assert 'method="post"' in form


def test_referrals_and_the_audit_trail_post_their_searches(cast, login):
    client = login(cast.admin_a)
    for url, fields in (
        (reverse("families:referrals"), {"q": "quillon"}),
        (reverse("audit:log"), {"family": "quillon"}),
    ):
        html = client.get(url).content.decode()
        assert re.search(r'<form method="post"[^>]*role="search"', html), url
        location = _search(client, url, **fields)
        assert "quillon" not in location.casefold()
        assert client.get(location).status_code == 200
