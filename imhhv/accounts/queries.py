"""Reads of staff records that a person does, each writing its own read audit event.

A staff page shows who someone is and where they worked: not PHI, but an administrator's
view of a colleague's employment history is audited like a chart (one `staff.read` or
`proposal.read` event per page), and a denial is audited by the access function instead.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from imhhv.accounts.access import (
    get_proposal_for_user,
    get_staff_for_user,
    has_statewide_reach,
    may_decide,
    may_manage,
    memberships_visible_to,
    proposals_visible_to,
)
from imhhv.accounts.models import Membership, MembershipProposal, User
from imhhv.audit.services import record


@dataclass
class StaffRecord:
    staff: User
    history: QuerySet[Membership]
    proposals: list[MembershipProposal]
    manageable: bool


def staff_record(user: User, staff_id: int) -> StaffRecord:
    """One person's page: their memberships `user` may read and whether `user` may change
    them (404 and a denial outside scope)."""
    staff = get_staff_for_user(user, staff_id)
    record(action="staff.read", target=staff)
    return StaffRecord(
        staff=staff,
        history=memberships_visible_to(user, staff),
        proposals=list(proposals_visible_to(user).filter(user=staff)[:10]),
        manageable=may_manage(user, staff),
    )


@dataclass
class ProposalRecord:
    proposal: MembershipProposal
    may_decide: bool
    may_withdraw: bool


def proposal_record(user: User, proposal_id: int) -> ProposalRecord:
    proposal = get_proposal_for_user(user, proposal_id)
    record(action="proposal.read", target=proposal, details={"user_id": proposal.user_id})
    return ProposalRecord(
        proposal=proposal,
        may_decide=proposal.is_pending and may_decide(user, proposal),
        may_withdraw=proposal.is_pending and has_statewide_reach(user),
    )
