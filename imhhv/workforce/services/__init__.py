"""One function per write to the staff record and to reflective supervision.

Each one: finds the person through `access.get_staff_for_user(..., write=True)` (a
denial is one audit event), validates with the core rules (`imhhv.core.workforce`
check_* functions) and the model's own checks, saves atomically and writes exactly one
audit event. Bad input is a `ValidationError` keyed by field; nothing is saved. Audit
details name ids and counts only: never a session's notes or themes.

The access check runs before the transaction opens (`_writes_staff`): a denial's audit
event must not roll back with the refused write.
"""

from imhhv.workforce.services.programme import (
    COHORT_CAPABILITY,
    add_cohort_member,
    add_staff_instrument,
    create_cohort,
    record_cohort_attendance,
    record_questionnaire,
)
from imhhv.workforce.services.record import (
    add_degree,
    add_license,
    add_training,
    add_waiver,
    attach_evidence,
    record_coursework,
    record_leave,
    record_self_assessment,
    set_endorsement,
)
from imhhv.workforce.services.supervision import record_session

__all__ = [
    "COHORT_CAPABILITY",
    "add_cohort_member",
    "add_degree",
    "add_license",
    "add_staff_instrument",
    "add_training",
    "add_waiver",
    "attach_evidence",
    "create_cohort",
    "record_cohort_attendance",
    "record_coursework",
    "record_leave",
    "record_questionnaire",
    "record_self_assessment",
    "record_session",
    "set_endorsement",
]
