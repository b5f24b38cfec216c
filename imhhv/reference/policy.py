"""The program policy in effect on a day (defaults when none was ever recorded)."""

from datetime import date

from django.utils import timezone

from imhhv.core.waitlist import parse_priority
from imhhv.reference.models import ProgramPolicy


def policy_on(day: date | None = None) -> ProgramPolicy:
    """The policy version in effect on `day` (today by default): one query.

    With no version on or before that day, an unsaved policy with the model's defaults
    (DOMAIN.md: 36 months, 15 families per FTE …), so callers never need a fallback.
    """
    day = day or timezone.localdate()
    found = (
        ProgramPolicy.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    )
    return found or ProgramPolicy(effective_from=date(2000, 1, 1))


def waitlist_priority(policy: ProgramPolicy) -> tuple[str, ...]:
    return parse_priority(policy.waitlist_priority)
