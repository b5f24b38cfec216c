"""What visits asks of the apps above it (DESIGN.md: workforce stands above visits).

The fidelity pages show "home visitors supervised weekly" and "qualified staff", and My
week a missed week of reflective supervision: workforce knows both. visits defines the
questions and their answers' shape here; workforce registers its answers in
`WorkforceConfig.ready()`:

    from imhhv.visits.hooks import answer
    answer("visitor_staff", visitor_staff)
    answer("own_supervision", own_supervision)

Without an answer (an installation without workforce) the columns are empty.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

_answers: dict[str, Callable] = {}


def answer(question: str, callback: Callable) -> None:
    """Register `callback` for `question` (re-registering replaces it)."""
    _answers[question] = callback


@dataclass(frozen=True)
class VisitorStaff:
    """A home visitor's reflective supervision over the report's period, and whether
    they are qualified today (`imhhv.core.workforce.qualified`: degree, license,
    endorsement or waiver).

    `weeks` are the period's full weeks the home visitor held the role from their
    Monday on, weeks on leave (every working day, `StaffRecord.leave_weeks`) left out;
    `supervised_weeks` those with at least one session. `supervised_weekly` is the
    policy's judgement of that share (`imhhv.core.workforce.supervised_weekly`), None
    when no week is left to judge (on leave all period)."""

    supervised_weeks: int
    weeks: int
    leave_weeks: int
    supervised_weekly: bool | None
    qualified: bool

    @property
    def share(self) -> float | None:
        return self.supervised_weeks / self.weeks if self.weeks else None


def visitor_staff(
    people: list[tuple[int, int]], mondays: list[date], today: date, *, among=None
) -> "dict[int, VisitorStaff]":
    """{user id: VisitorStaff} for home visitors given as (user id, agency id), over the
    weeks starting on `mondays`; `among` is the same people as a subquery of user ids."""
    callback = _answers.get("visitor_staff")
    return callback(people, mondays, today, among=among) if callback else {}


def own_supervision(user, first: date, last: date) -> tuple[set[date], set[date]]:
    """(days of `user`'s own sessions from `first` to `last`, Mondays of weeks on leave)."""
    callback = _answers.get("own_supervision")
    return callback(user, first, last) if callback else (set(), set())
