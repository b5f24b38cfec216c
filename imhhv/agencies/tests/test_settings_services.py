"""Reference data services hold their rules whatever calls them (not only the form)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from imhhv.agencies.services import publish_policy
from imhhv.reference.models import ProgramPolicy


def test_a_policy_in_the_past_is_refused_by_the_service(cast, new_events):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        publish_policy(policy=ProgramPolicy(effective_from=yesterday), by=cast.state_admin)
    assert "cannot take effect in the past" in str(refused.value)
    assert not ProgramPolicy.objects.exists() and not new_events()


def test_planning_after_the_age_limit_and_unknown_criteria_are_refused(cast):
    policy = ProgramPolicy(
        effective_from=timezone.localdate(),
        age_limit_months=24,
        transition_planning_months=30,
        waitlist_priority="pregnant,shoe_size",
    )
    with pytest.raises(ValidationError) as refused:
        publish_policy(policy=policy, by=cast.state_admin)
    assert set(refused.value.message_dict) == {"transition_planning_months", "waitlist_priority"}
