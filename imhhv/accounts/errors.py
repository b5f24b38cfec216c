"""What can go wrong managing accounts, on top of `imhhv.core.errors`.

Services raise these; the API's exception handler and `imhhv.accounts.pages` map them to
HTTP once. Views never catch them.
"""

from imhhv.core.errors import Conflict, DomainError

__all__ = [
    "AccountDeactivated",
    "AgencyConfirmationRequired",
    "Conflict",
    "DomainError",
    "NotYourToGrant",
    "ProposalAlreadyDecided",
]


class AgencyConfirmationRequired(DomainError):
    """A PHI-reading role granted directly by someone who is not the agency's own
    administrator: it must go through a proposal the agency confirms."""

    status = 403
    code = "agency_confirmation_required"
    message = (
        "A role that reads family records needs the agency administrator's confirmation: "
        "propose it, and the agency confirms it on its proposals page."
    )


class NotYourToGrant(DomainError):
    """The role or agency is outside what the manager may give."""

    status = 403
    code = "not_grantable"
    message = "You cannot give that role at that agency."


class ProposalAlreadyDecided(Conflict):
    code = "proposal_decided"
    message = "This proposal was already confirmed, declined or withdrawn; nothing changed."


class AccountDeactivated(Conflict):
    code = "account_deactivated"
    message = "This account is deactivated; a deactivated account gets no new role."
