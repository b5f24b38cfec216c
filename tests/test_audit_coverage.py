"""Every endpoint that touches PHI writes exactly one audit event, denials included."""

import pytest

from imhhv.api.services import issue_token

# (who, how, path builder, expected status, expected action, expected outcome)
CASES = [
    ("hv_a", "page", lambda c: "/families/", 200, "family.list", "success"),
    ("hv_a", "page", lambda c: "/", 200, "family.list", "success"),
    ("hv_a", "page", lambda c: f"/families/{c.family_a.pk}/", 200, "family.read", "success"),
    ("hv_a", "page", lambda c: f"/families/{c.family_a2.pk}/", 404, "family.read", "denied"),
    ("admin_a", "page", lambda c: f"/families/{c.family_b.pk}/", 404, "family.read", "denied"),
    ("state_admin", "page", lambda c: "/families/", 403, "access.capability", "denied"),
    (
        "evaluator",
        "page",
        lambda c: f"/families/{c.family_a.pk}/",
        403,
        "access.capability",
        "denied",
    ),
    ("admin_a", "page", lambda c: "/audit/", 200, "audit.view", "success"),
    ("hv_a", "page", lambda c: "/audit/", 403, "access.capability", "denied"),
    ("sup_a", "api", lambda c: "/api/v1/families/", 200, "family.list", "success"),
    (
        "sup_a",
        "api",
        lambda c: f"/api/v1/families/{c.family_a2.pk}/",
        200,
        "family.read",
        "success",
    ),
    ("sup_a", "api", lambda c: f"/api/v1/families/{c.family_a3.pk}/", 404, "family.read", "denied"),
    ("hv_b", "api", lambda c: f"/api/v1/families/{c.family_a.pk}/", 404, "family.read", "denied"),
    ("evaluator", "api", lambda c: "/api/v1/families/", 403, "access.capability", "denied"),
]


@pytest.mark.parametrize(
    ("who", "how", "path", "status", "action", "outcome"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[4]}-{c[3]}" for c in CASES],
)
def test_exactly_one_event(
    cast, login, client, new_events, who, how, path, status, action, outcome
):
    user = getattr(cast, who)
    if how == "page":
        response = login(user).get(path(cast))
    else:
        key, _ = issue_token(user=user)
        new_events.reset()
        response = client.get(path(cast), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == status
    events = new_events()
    assert [(e.action, e.outcome) for e in events] == [(action, outcome)]
    event = events[0]
    assert event.username == who and event.request_id == response["X-Request-ID"]
    assert event.source_ip == "127.0.0.1" and event.occurred_at is not None
