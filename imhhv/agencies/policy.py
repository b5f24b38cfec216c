"""The program policy in effect on a day (defaults when none was ever recorded)."""

from datetime import date

from django.utils import timezone

from imhhv.agencies.models import ProgramPolicy
from imhhv.core.waitlist import parse_priority


def policy_on(day: date | None = None) -> ProgramPolicy:
    day = day or timezone.localdate()
    found = (
        ProgramPolicy.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    )
    return found or ProgramPolicy(effective_from=date(2000, 1, 1))


def waitlist_priority(policy: ProgramPolicy) -> tuple[str, ...]:
    return parse_priority(policy.waitlist_priority)
