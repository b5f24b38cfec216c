"""What the family chart shows, computed once for the page and the API, and the registry
of chart sections that apps higher in the house (visits) contribute."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from imhhv.core.ages import (
    age_in_months,
    corrected_age_months,
    needs_transition_planning,
    transition_date,
)
from imhhv.families.models import Child, Family
from imhhv.reference.models import ProgramPolicy


@dataclass
class ChildView:
    child: Child
    age_months: int | None  # None: not born yet
    corrected_months: int | None  # None: no correction applies
    turns_limit_on: date | None
    transition_planning: bool
    transition_message: str = ""


def child_view(child: Child, *, today: date, policy: ProgramPolicy) -> ChildView:
    if child.birth_date is None:
        return ChildView(child, None, None, None, False)
    limit = policy.age_limit_months
    turns_on = transition_date(child.birth_date, limit)
    planning = needs_transition_planning(
        child.birth_date,
        today,
        from_months=policy.transition_planning_months,
        age_limit_months=limit,
    )
    age_words = str(limit // 12) if limit % 12 == 0 else f"{limit} months old"
    return ChildView(
        child=child,
        age_months=age_in_months(child.birth_date, today),
        corrected_months=corrected_age_months(child.birth_date, today, child.gestational_age_weeks),
        turns_limit_on=turns_on,
        transition_planning=planning,
        transition_message=(
            f"Transition planning: {child.first_name or 'the child'} turns {age_words} "
            f"on {turns_on:%-d %B %Y}."
            if planning
            else ""
        ),
    )


def youngest_age_months(family: Family, today: date) -> int | None:
    """Age of the youngest born child (needs `children` prefetched); None if none born."""
    births = [c.birth_date for c in family.children.all() if c.birth_date]
    return age_in_months(max(births), today) if births else None


def is_expecting(family: Family) -> bool:
    return any(c.birth_date is None for c in family.children.all())


# --- sections other apps add to the chart ------------------------------------------------
#
# Families sits below visits in the house (DESIGN.md, Layout), so the chart cannot import
# the visits app. Apps above register a provider from their AppConfig.ready(); the chart
# merges what the providers return into its template context. With no provider
# registered the chart simply has no such section.

ChartSection = Callable[[Family, date], dict]
_sections: list[ChartSection] = []


def register_chart_section(provider: ChartSection) -> ChartSection:
    """Add `provider(family, today) -> dict` of extra chart context (idempotent)."""
    if provider not in _sections:
        _sections.append(provider)
    return provider


def chart_sections(family: Family, today: date) -> dict:
    """The merged context of every registered section (a later provider wins a key)."""
    merged: dict = {}
    for provider in _sections:
        merged.update(provider(family, today))
    return merged
