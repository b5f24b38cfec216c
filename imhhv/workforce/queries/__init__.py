"""Reads of the staff record and of reflective supervision, one call per use case.

`staff_profile` turns the person's rows into the core's `StaffFacts` and returns them
with the rule results; `sessions_for` lists sessions with notes only for the people in
each session. Each writes exactly one audit event (a denial is the access function's
one event); the audit names which sessions' notes were read, never their text.
"""

from imhhv.workforce.queries.boards import (
    COMPLIANCE_COLUMNS,
    EXPIRING_DAYS,
    QUALIFIED,
    SUPERVISED_WEEKLY,
    BoardRow,
    Cell,
    CohortView,
    Compliance,
    ComplianceRow,
    DomainRow,
    NinthDomain,
    QuestionnaireFigure,
    StaffBoard,
    agency_staff_board,
    board_rows,
    cohorts_for,
    compliance,
    ninth_domain,
)
from imhhv.workforce.queries.facts import SHARE_WEEKS, Person, StaffRecord, staff_records
from imhhv.workforce.queries.records import (
    SessionChoices,
    SessionRow,
    StaffProfile,
    own_supervision,
    session_choices,
    sessions_for,
    staff_profile,
    training_evidence,
)

__all__ = [
    "COMPLIANCE_COLUMNS",
    "EXPIRING_DAYS",
    "QUALIFIED",
    "SHARE_WEEKS",
    "SUPERVISED_WEEKLY",
    "BoardRow",
    "Cell",
    "CohortView",
    "Compliance",
    "ComplianceRow",
    "DomainRow",
    "NinthDomain",
    "Person",
    "QuestionnaireFigure",
    "SessionChoices",
    "SessionRow",
    "StaffBoard",
    "StaffProfile",
    "StaffRecord",
    "agency_staff_board",
    "board_rows",
    "cohorts_for",
    "compliance",
    "ninth_domain",
    "own_supervision",
    "session_choices",
    "sessions_for",
    "staff_profile",
    "staff_records",
    "training_evidence",
]
