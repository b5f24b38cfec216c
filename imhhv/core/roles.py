"""Roles and the named capabilities each one carries (DESIGN.md, Roles).

Code checks capabilities (`user.can("view_families")`), never role names. A role is a
bundle of capabilities; the scope of what a capability reaches (own caseload, team,
agency, state) comes from the role's scope.
"""

from enum import StrEnum


class Role(StrEnum):
    HOME_VISITOR = "home_visitor"
    SUPERVISOR = "supervisor"
    AGENCY_ADMIN = "agency_admin"
    STATE_ADMIN = "state_admin"
    EVALUATOR = "evaluator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.HOME_VISITOR: "Home visitor",
    Role.SUPERVISOR: "Supervisor",
    Role.AGENCY_ADMIN: "Agency administrator",
    Role.STATE_ADMIN: "State administrator",
    Role.EVALUATOR: "Evaluator",
}


class Scope(StrEnum):
    """How far a role's view of family records reaches."""

    CASELOAD = "caseload"  # families assigned to the user
    TEAM = "team"  # families of the home visitors on the user's team
    AGENCY = "agency"  # every family of the user's agency
    NONE = "none"  # no family rows at all (aggregates or de-identified data only)


ROLE_SCOPE = {
    Role.HOME_VISITOR: Scope.CASELOAD,
    Role.SUPERVISOR: Scope.TEAM,
    Role.AGENCY_ADMIN: Scope.AGENCY,
    Role.STATE_ADMIN: Scope.NONE,
    Role.EVALUATOR: Scope.NONE,
}

# Every capability the code may check, with what it allows.
CAPABILITIES = {
    "view_families": "see family records within the role's scope",
    "document_visits": "write home visits, screenings and plans for families in scope",
    "edit_families": "update a family's record: caregivers, children, births, consents",
    "assign_caseload": "assign or transfer families between home visitors",
    "manage_intake": "take referrals, screen eligibility and manage the waitlist",
    "supervise": "provide reflective supervision and review team fidelity",
    "manage_staff": "add staff, change roles and memberships, deactivate accounts",
    "view_audit": "read the audit trail (own agency, or all for the state)",
    "view_agency_reports": "see aggregate figures for the own agency",
    "view_state_reports": "see aggregate figures for every agency, without names",
    "manage_policy": "change statewide policy settings and reference data",
    "view_deidentified": "download de-identified extracts for evaluation",
    # Reach beyond the own agency (the state office): checked instead of role names.
    "view_audit_statewide": "read the audit trail of every agency",
    "manage_staff_statewide": "manage staff of every agency (PHI-reading accounts need the "
    "agency administrator's confirmation)",
}

ROLE_CAPABILITIES: dict[Role, frozenset[str]] = {
    Role.HOME_VISITOR: frozenset({"view_families", "document_visits", "edit_families"}),
    Role.SUPERVISOR: frozenset(
        {
            "view_families",
            "document_visits",
            "edit_families",
            "assign_caseload",
            "manage_intake",
            "supervise",
        }
    ),
    Role.AGENCY_ADMIN: frozenset(
        {
            "view_families",
            "edit_families",
            "assign_caseload",
            "manage_intake",
            "manage_staff",
            "view_audit",
            "view_agency_reports",
        }
    ),
    Role.STATE_ADMIN: frozenset(
        {
            "view_audit",
            "view_audit_statewide",
            "view_state_reports",
            "manage_policy",
            "manage_staff",
            "manage_staff_statewide",
        }
    ),
    Role.EVALUATOR: frozenset({"view_deidentified", "view_state_reports"}),
}

# Roles whose accounts must use two-factor login (outside demo mode).
MFA_REQUIRED_ROLES = frozenset({Role.AGENCY_ADMIN, Role.STATE_ADMIN})


def capabilities_of(role: str | None) -> frozenset[str]:
    """The capabilities of a role; an unknown or missing role has none."""
    if role is None:
        return frozenset()
    try:
        return ROLE_CAPABILITIES[Role(role)]
    except ValueError:
        return frozenset()
