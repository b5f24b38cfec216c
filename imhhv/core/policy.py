"""What makes a program policy version valid (DOMAIN.md §2), written once.

The settings form shows these messages next to its fields, and
`imhhv.agencies.services.publish_policy` refuses a version that breaks them, so a policy
published any other way (a command, a future API endpoint) is held to the same rules.
"""

from datetime import date

from imhhv.core.waitlist import parse_priority

PLANNING_AFTER_LIMIT = "Transition planning must start before the age limit."


def check_policy(
    *,
    today: date,
    effective_from: date | None,
    age_limit_months: int | None,
    transition_planning_months: int | None,
    waitlist_priority: str | None,
) -> dict[str, str]:
    """Field errors for a new policy version; empty when it may be published.

    A new version cannot take effect before today: decisions already taken were taken
    under the old one, and the record must explain them with it. Transition planning
    starts before the age limit, or no family would ever see the banner.
    """
    errors: dict[str, str] = {}
    if effective_from is not None and effective_from < today:
        errors["effective_from"] = "A new policy cannot take effect in the past."
    planning, limit = transition_planning_months, age_limit_months
    if limit and planning is not None and planning >= limit:
        errors["transition_planning_months"] = PLANNING_AFTER_LIMIT
    if waitlist_priority is not None:
        try:
            parse_priority(waitlist_priority)
        except ValueError as error:
            errors["waitlist_priority"] = str(error)
    return errors
