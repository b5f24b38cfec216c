"""`accounts.pages.attempt`: a denial's audit event survives the refused write."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404

from imhhv.accounts.pages import attempt
from imhhv.audit.models import Outcome
from imhhv.audit.services import record


def denying(error):
    def service():
        record(action="test.write", outcome=Outcome.DENIED, object_type="test", details={})
        raise error

    return service


@pytest.mark.parametrize("error", [PermissionDenied("no"), Http404("none")])
def test_a_denied_event_is_kept_and_the_denial_raised(db, new_events, error):
    with pytest.raises(type(error)):
        attempt(forms.Form(data={}), denying(error))
    assert [(e.action, e.outcome) for e in new_events()] == [("test.write", "denied")]
