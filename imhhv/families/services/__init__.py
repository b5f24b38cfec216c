"""Writes along a family's path: referral, screening, enrollment, assignment, discharge.

Every function is keyword-only and atomic and writes its audit event in the same
transaction. Edits of an existing family carry the version the user saw; if somebody
saved in between, `StaleEdit` is raised and nothing is written (DESIGN.md rule 6).
"""

from imhhv.families.errors import (
    FamilyIsDischarged,
    NotQualified,
    OverCap,
    PossibleDuplicates,
    StaleEdit,
)
from imhhv.families.services.caseload import assign_home_visitor, assignable_visitors, visitor_load
from imhhv.families.services.episodes import discharge_family, enroll_family, reenroll_family
from imhhv.families.services.intake import (
    PERSON_FIELDS,
    REFERRAL_FIELDS,
    Duplicates,
    close_referral,
    create_referral,
    find_possible_duplicates,
    override_eligibility,
    screen_referral,
)
from imhhv.families.services.record import (
    add_child,
    record_birth,
    record_consent,
    revoke_consent,
    update_caregiver,
)

__all__ = [
    "PERSON_FIELDS",
    "REFERRAL_FIELDS",
    "Duplicates",
    "FamilyIsDischarged",
    "NotQualified",
    "OverCap",
    "PossibleDuplicates",
    "StaleEdit",
    "add_child",
    "assign_home_visitor",
    "assignable_visitors",
    "close_referral",
    "create_referral",
    "discharge_family",
    "enroll_family",
    "find_possible_duplicates",
    "override_eligibility",
    "record_birth",
    "record_consent",
    "reenroll_family",
    "revoke_consent",
    "screen_referral",
    "update_caregiver",
    "visitor_load",
]
