"""The workforce side of the assignment gate (issue 10): may this home visitor carry
families yet?

families cannot import workforce (workforce reads families), so `apps.py` registers
`home_visitor_blockers` with `imhhv.families.hooks.on_assignment_check`, and
`assign_home_visitor` asks through `assignment_blockers`. A building block, not a use
case: it checks no access and writes no audit event (the assign service audits, naming
the reasons and any override).
"""

from datetime import date

from imhhv.accounts.models import Membership, User
from imhhv.core import workforce as rules
from imhhv.workforce.queries.facts import Person, staff_records


def home_visitor_blockers(home_visitor: User, agency_id: int, on: date) -> list[str]:
    """The reasons `home_visitor` may not yet carry families of `agency_id` on `on`
    (self-assessment not discussed; neither endorsed nor waived), or [] when they may.

    Only a home visitor's membership is judged: a supervisor carrying families has other
    requirements, which do not hold up an assignment."""
    is_visitor = (
        Membership.objects.active_on(on)
        .filter(user=home_visitor, agency_id=agency_id, role=rules.HOME_VISITOR)
        .exists()
    )
    if not is_visitor:
        return []
    person = Person(home_visitor.pk, rules.HOME_VISITOR, agency_id)
    carry = staff_records([person], on)[home_visitor.pk].carry
    if carry is None:
        return []
    allowed, reasons = carry
    return [] if allowed else list(reasons)
