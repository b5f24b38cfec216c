"""Waitlist order: who is offered the next open slot.

The order is a policy: an agency chooses which criteria count and in what order
(`parse_priority` reads the setting). Whatever the criteria, the referral id is the last
tie-break, so the order is total and the same list always ranks the same way, whatever
order the rows came from the database in.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class WaitlistEntry:
    referral_id: int
    referral_date: date
    pregnant: bool
    youngest_child_birth: date | None  # None: no child born yet (pregnancy only)
    risk_count: int


PRIORITY_CRITERIA = {
    "pregnant": "pregnancy first",
    "youngest_child": "younger infants first",
    "risk_count": "more risk factors first",
    "days_waiting": "longest waiting first",
}
DEFAULT_PRIORITY = ("pregnant", "youngest_child", "risk_count", "days_waiting")

# A family with no born child counts as having the youngest child of all: it sorts
# before any birth date (keys are negated ordinals, smaller first).
_NO_CHILD_YET = -(date.max.toordinal() + 1)


def days_waiting(entry: WaitlistEntry, today: date) -> int:
    """Days since the referral (negative if the referral is dated after `today`)."""
    return (today - entry.referral_date).days


def _key_functions(today: date) -> dict[str, Callable[[WaitlistEntry], int]]:
    """One ascending sort key per criterion: smaller sorts first."""
    return {
        "pregnant": lambda e: 0 if e.pregnant else 1,
        "youngest_child": lambda e: (
            _NO_CHILD_YET if e.youngest_child_birth is None else -e.youngest_child_birth.toordinal()
        ),
        "risk_count": lambda e: -e.risk_count,
        "days_waiting": lambda e: -days_waiting(e, today),
    }


def rank(
    entries: Iterable[WaitlistEntry],
    *,
    today: date,
    priority: Sequence[str] = DEFAULT_PRIORITY,
) -> list[WaitlistEntry]:
    """The entries in offer order: by each criterion of `priority`, then referral id.

    Criteria left out of `priority` do not count at all (they are not appended).
    ValueError on an unknown or repeated criterion.
    """
    _check_criteria(priority)
    functions = _key_functions(today)
    chosen = [functions[name] for name in priority]

    def key(entry: WaitlistEntry) -> tuple[int, ...]:
        return (*(function(entry) for function in chosen), entry.referral_id)

    return sorted(entries, key=key)


def parse_priority(text: str) -> tuple[str, ...]:
    """Criteria from a comma-separated setting, e.g. "pregnant, risk_count".

    Names are trimmed and case-insensitive; empty parts are skipped, so a blank setting
    gives () (rank by referral id alone). ValueError on an unknown or repeated criterion.
    """
    names = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    _check_criteria(names)
    return names


def _check_criteria(names: Sequence[str]) -> None:
    unknown = [name for name in names if name not in PRIORITY_CRITERIA]
    if unknown:
        raise ValueError(
            f"unknown waitlist criterion: {', '.join(unknown)} "
            f"(known: {', '.join(PRIORITY_CRITERIA)})"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"waitlist criterion named more than once: {', '.join(repeated)}")
