"""Deny by default: every URL declares an access policy and refuses anonymous users."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from imhhv.accounts.policies import PUBLIC, policy_of

# Public by design: signing in, the token endpoint and the health check.
PUBLIC_URL_NAMES = {"accounts:login", "api:token", "reports:health"}


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield prefix + str(p.pattern), name, p.callback


def concrete(route: str) -> str:
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<(\w+:)?\w+>", "x", path)
    return "/" + path.lstrip("^").rstrip("$")


ALL = list(walk(get_resolver().url_patterns))


def test_the_sweep_sees_the_app():
    names = {name for _, name, _ in ALL}
    assert {"families:list", "families:detail", "api:families", "audit:log"} <= names


@pytest.mark.parametrize(("route", "name", "callback"), ALL, ids=[n or r for r, n, _ in ALL])
def test_every_view_declares_a_policy(route, name, callback):
    declared = policy_of(callback)
    assert declared is not None, f"{name} ({route}) declares no access policy"
    if declared == PUBLIC:
        assert name in PUBLIC_URL_NAMES, f"{name} is public but not on the public list"


@pytest.mark.parametrize(("route", "name", "callback"), ALL, ids=[n or r for r, n, _ in ALL])
def test_anonymous_users_are_refused(db, client, route, name, callback):
    if name in PUBLIC_URL_NAMES:
        return
    for method in ("get", "post"):
        response = getattr(client, method)(concrete(route))
        refused = response.status_code in (401, 403, 405) or (
            response.status_code == 302 and "/account/login/" in response["Location"]
        )
        assert refused, (
            f"{method.upper()} {route} answered {response.status_code} to an anonymous user"
        )


def test_an_undeclared_view_is_refused_at_runtime(cast, login, settings):
    """A view added without a policy is refused even for a signed-in user."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    def naked(request):
        return HttpResponse("secret")

    module = type("urls", (), {})()
    module.urlpatterns = [path("naked/", naked), path("", include("config.urls"))]
    import sys

    sys.modules["tests._naked_urls"] = module
    settings.ROOT_URLCONF = "tests._naked_urls"
    clear_url_caches()
    try:
        response = login(cast.admin_a).get("/naked/")
        assert response.status_code == 403 and b"secret" not in response.content
    finally:
        clear_url_caches()
