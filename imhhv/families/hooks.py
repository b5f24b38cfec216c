"""What other apps do when a family's episodes change (the `family_changed` hook), and
what they may say against an assignment (the `assignment_blockers` hook).

families sits below visits (DESIGN.md, Layout), yet enrolling, discharging, re-enrolling
or assigning a family changes the fidelity week facts that visits keeps. So families
defines the hook and visits registers its refresh in `AppConfig.ready()`:

    from imhhv.families.hooks import on_family_changed
    on_family_changed("week_facts", refresh_family)

`family_changed(family_id)` runs every callback in the caller's transaction: the services
are atomic, so a failing refresh undoes the write, and a rolled-back write leaves the
facts unchanged.

Workforce, above families and visits, knows whether a home visitor may carry families yet (issue
10: self-assessment discussed, endorsed or waived). families may not import it, so
workforce registers its check in `AppConfig.ready()`:

    from imhhv.families.hooks import on_assignment_check
    on_assignment_check("qualification", home_visitor_blockers)

`assignment_blockers(home_visitor, agency_id, on)` collects every callback's reasons (plain
sentences for the person assigning); `assign_home_visitor` refuses while there are any,
unless a supervisor overrides with a reason.
"""

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imhhv.accounts.models import User

AssignmentCheck = Callable[["User", int, date], list[str]]

_callbacks: dict[str, Callable[[int], None]] = {}
_assignment_checks: dict[str, AssignmentCheck] = {}


def on_family_changed(name: str, callback: Callable[[int], None]) -> None:
    """Register `callback(family_id)` under `name` (re-registering replaces it)."""
    _callbacks[name] = callback


def family_changed(family_id: int) -> None:
    for callback in list(_callbacks.values()):
        callback(family_id)


def on_assignment_check(name: str, callback: AssignmentCheck) -> None:
    """Register `callback(home_visitor, agency_id, on) -> reasons` under `name`
    (re-registering replaces it). An empty list means nothing stands in the way."""
    _assignment_checks[name] = callback


def assignment_blockers(home_visitor: "User", agency_id: int, on: date) -> list[str]:
    """Why `home_visitor` should not take a family of `agency_id` on `on` without an
    override: every registered check's reasons, in registration order."""
    reasons: list[str] = []
    for check in list(_assignment_checks.values()):
        reasons.extend(check(home_visitor, agency_id, on))
    return reasons
