"""workforce's answer to visits' question for its fidelity pages (`imhhv.visits.hooks`):
each home visitor's weeks with reflective supervision over a period and whether they are
qualified today. A building block: no access check, no audit (the fidelity use case that
asks has found its units through its own access and writes its one event)."""

from datetime import date

from imhhv.core import workforce as rules
from imhhv.core.roles import Role
from imhhv.visits.hooks import VisitorStaff
from imhhv.workforce.queries.facts import Person, staff_records


def visitor_staff(
    people: list[tuple[int, int]], mondays: list[date], today: date, *, among=None
) -> dict[int, VisitorStaff]:
    records = staff_records(
        [Person(uid, Role.HOME_VISITOR, agency_id) for uid, agency_id in people],
        today,
        among=among,
        qualifications_only=True,
    )
    out = {}
    for uid, r in records.items():
        # A week before the home visitor took the role is not a week missed.
        weeks = [w for w in mondays if w >= r.facts.role_started_on]
        leave = r.leave_weeks & set(weeks)
        share_of = rules.weekly_supervision_share(
            [s.day for s in r.facts.supervision], weeks, r.leave_weeks
        )
        counted = len(weeks) - len(leave)
        out[uid] = VisitorStaff(
            supervised_weeks=int(share_of * counted) if share_of is not None else 0,
            weeks=counted,
            leave_weeks=len(leave),
            supervised_weekly=rules.supervised_weekly(share_of),
            qualified=r.qualified,
        )
    return out
