"""The main menu offers only what answers: for every role, and for an account with no
role, each menu item opens with 200 (issue 9: the no-role account saw items that answered
403). The API documentation link is shown only to the roles that use the API."""

import re

import pytest
from django.urls import reverse

HOME = reverse("reports:home")
API_DOCS = reverse("api:docs")
PEOPLE = ["hv_a", "sup_a", "admin_a", "state_admin", "evaluator", "nobody"]


def menu(page) -> dict[str, str]:
    """{label: url} of the page's main navigation."""
    html = page.content.decode()
    nav = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', html, re.S)
    if nav is None:
        return {}
    return {
        label: url for url, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))
    }


@pytest.mark.parametrize("person", PEOPLE)
def test_every_menu_item_answers_200_for_the_person_it_is_shown_to(cast, login, person):
    client = login(getattr(cast, person))
    items = menu(client.get(HOME))
    assert items, "every signed-in person has a menu (at least Home and Account)"
    for label, url in items.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{person}: {label} ({url}) -> {response.status_code}"


def test_the_account_without_a_role_sees_only_home_and_account(cast, login):
    assert list(menu(login(cast.nobody).get(HOME))) == ["Home", "Account"]


@pytest.mark.parametrize(
    ("person", "shown"),
    [
        ("hv_a", False),
        ("sup_a", False),
        ("admin_a", True),
        ("state_admin", True),
        ("evaluator", True),
        ("nobody", False),
    ],
)
def test_the_api_docs_link_is_for_the_roles_that_use_the_api(cast, login, person, shown):
    assert (API_DOCS in menu(login(getattr(cast, person)).get(HOME)).values()) is shown
