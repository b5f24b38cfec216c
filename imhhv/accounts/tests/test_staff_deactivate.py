"""Deactivation: only the current agency (or the state) deactivates; tokens are revoked
through the accounts hook the API registers."""

from django.urls import reverse

from imhhv.accounts.hooks import registered
from imhhv.accounts.tests.factories import member, moved
from imhhv.api.models import ApiToken
from imhhv.api.services import issue_token
from imhhv.core.roles import Role


def deactivate(user):
    return reverse("staff:deactivate", args=[user.pk])


def test_old_agency_cannot_deactivate_someone_who_moved(cast, login, new_events):
    moved(cast.hv_a, role=Role.HOME_VISITOR, team=cast.team_b)
    assert login(cast.admin_a).post(deactivate(cast.hv_a)).status_code == 403
    cast.hv_a.refresh_from_db()
    assert cast.hv_a.is_active
    assert [e.outcome for e in new_events(action="staff.write")] == ["denied"]
    assert not new_events(action="user.deactivate")


def test_deactivating_still_revokes_api_tokens_through_the_hook(cast, login, new_events):
    assert "api_tokens" in registered()  # ApiConfig.ready() registered it
    key, token = issue_token(user=cast.hv_a)
    assert login(cast.admin_a).post(deactivate(cast.hv_a)).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.filter(user=cast.hv_a, revoked_at__isnull=True).exists()
    api = cast_client_get_me(key)
    assert api.status_code == 401
    event = new_events(action="user.deactivate")[0]
    assert event.details["revoked"] == {"api_tokens": 1}


def cast_client_get_me(key):
    from django.test import Client

    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_deactivating_withdraws_pending_proposals(cast, login):
    from imhhv.accounts.tests.factories import MembershipProposalFactory

    hv = member(Role.HOME_VISITOR, team=cast.team_a)
    proposal = MembershipProposalFactory(
        user=hv, agency=cast.agency_a, proposed_by=cast.state_admin
    )
    assert login(cast.admin_a).post(deactivate(hv)).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
