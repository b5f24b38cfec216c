"""Writes about accounts: signing in and out, two-factor, memberships, deactivation, and
the two-person rule for roles that read family records.

Each function is keyword-only, atomic, and writes its audit event in the same
transaction. accounts sits below the API, so what the API holds for a person (tokens) is
revoked through the `imhhv.accounts.hooks.access_revoked` hook, never by importing it.
"""

import math
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhhv.accounts.access import (
    has_statewide_reach,
    may_decide,
    may_grant,
    may_manage,
    needs_agency_confirmation,
    reads_phi,
)
from imhhv.accounts.errors import (
    AccountDeactivated,
    AgencyConfirmationRequired,
    NotYourToGrant,
    ProposalAlreadyDecided,
)
from imhhv.accounts.hooks import access_revoked
from imhhv.accounts.middleware import start_session_clock
from imhhv.accounts.models import Membership, MembershipProposal, User, UserSession
from imhhv.accounts.throttling import ADDRESS_LOCKED_FLAG, note_failed_sign_in
from imhhv.agencies.models import Agency, Team
from imhhv.audit.context import current_request
from imhhv.audit.models import Outcome
from imhhv.audit.services import diff, record
from imhhv.core.roles import Role

RECOVERY_DEVICE_NAME = "recovery codes"


@transaction.atomic
def sign_in(*, request: HttpRequest, user: User) -> None:
    """Start a server-side session for a user whose password was checked."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    start_session_clock(request)
    request.session.save()
    UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)
    record(action="login", user=user)


def record_failed_sign_in(*, username: str, locked_out: bool) -> None:
    """Audit a failed or refused sign-in (page and API alike) and count it against the
    source address (`imhhv.accounts.throttling`).

    `details.limit` says which limit refused a locked-out attempt: `username_and_address`
    (django-axes) or `address` (the per-address limit across usernames). The person sees
    the same neutral message for both.
    """
    request = current_request()
    by_address = bool(getattr(request, ADDRESS_LOCKED_FLAG, False))
    details = {"attempted_username": username[:150]}
    if locked_out:
        details["limit"] = "address" if by_address else "username_and_address"
    if not by_address:
        # The address lock's own refusals do not count, so it lifts on time.
        note_failed_sign_in(source_ip=getattr(request, "source_ip", None))
    record(
        action="login.locked_out" if locked_out else "login",
        outcome=Outcome.DENIED if locked_out else Outcome.FAILURE,
        details=details,
    )


@transaction.atomic
def sign_out(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        record(action="logout", user=user)
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    logout(request)


def end_sessions(*, user: User) -> int:
    """Delete every server-side session of `user`; returns how many ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


# Staff management: see the end of the module.


# Two-factor -----------------------------------------------------------------------------


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (created on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrollment(
    *, request: HttpRequest, device: TOTPDevice, code: str
) -> list[str] | None:
    """Confirm the device if `code` is right: returns fresh recovery codes, else None."""
    user = request.user
    if not device.verify_token(code.strip().replace(" ", "")):
        record(action="mfa.enroll", outcome=Outcome.FAILURE, user=user)
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user=user)
    otp_login(request, device)
    record(action="mfa.enroll", user=user, details={"device": "totp"})
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    codes = _new_recovery_codes(user=user)
    record(action="mfa.recovery_codes_regenerated", user=user)
    return codes


def _new_recovery_codes(*, user: User) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [
        f"{secrets.token_hex(3)}-{secrets.token_hex(3)}"
        for _ in range(settings.RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@transaction.atomic
def verify_second_factor(*, request: HttpRequest, code: str) -> bool:
    """Check an authenticator code or a recovery code; mark the session verified."""
    from django_otp import match_token

    user = request.user
    token = code.strip().replace(" ", "").lower()
    device = match_token(user, token) if token else None
    if device is None:
        record(action="mfa.verify", outcome=Outcome.FAILURE, user=user)
        return False
    otp_login(request, device)
    used_recovery = isinstance(device, StaticDevice)
    record(
        action="mfa.verify",
        user=user,
        details={"method": "recovery code" if used_recovery else "authenticator"},
    )
    return True


@transaction.atomic
def remove_two_factor(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(action="mfa.remove", user=user)


def seconds_until_code_allowed(*, device: TOTPDevice | None) -> int:
    """After wrong codes django-otp pauses a device (1, 2, 4 ... seconds); how long is left."""
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    locked_until = (data or {}).get("locked_until")
    if allowed or locked_until is None:
        return 0
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def confirmed_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Staff management -----------------------------------------------------------------------
#
# Who may change whom is decided in `imhhv.accounts.access`; the services check it again,
# before their transaction opens (so a refusal's audit event is not rolled back), and an
# API adapter calling them cannot skip it. A PHI-reading role given by someone who
# is not the agency's own administrator becomes a proposal (two-person rule).


def _require_manager(*, by: User | None, user: User) -> None:
    if by is not None and not may_manage(by, user):
        reason = "self" if by.pk == user.pk else "not a current member of your agency"
        record(
            action="staff.write", outcome=Outcome.DENIED, target=user, details={"reason": reason}
        )
        raise PermissionDenied("Only their current agency can change this account.")


def _require_grant(*, by: User | None, role: Role, agency: Agency | None) -> None:
    if by is not None and not may_grant(by, role, agency):
        raise NotYourToGrant()


def _validate_membership(*, role: Role, agency: Agency | None, team: Team | None) -> None:
    if team is not None and agency is not None and team.agency_id != agency.pk:
        raise ValidationError({"team": "That team belongs to another agency."})


def _membership_snapshot(m: Membership | MembershipProposal | None) -> dict:
    if m is None:
        return {}
    return {
        "role": m.role,
        "agency_id": m.agency_id,
        "team_id": m.team_id,
        "fte": str(m.fte),
    }


def _apply_membership(
    *,
    user: User,
    role: Role,
    agency: Agency | None,
    team: Team | None,
    fte: Decimal,
    start_date: date,
) -> tuple[Membership | None, Membership]:
    """End the membership active on `start_date` the day before and start the new one."""
    _validate_membership(role=role, agency=agency, team=team)
    current = (
        Membership.objects.select_for_update()
        .active_on(start_date)
        .filter(user=user)
        .order_by("-start_date")
        .first()
    )
    if current is not None:
        # A same-day correction keeps the old row as a one-day record; the newest wins.
        current.end_date = max(current.start_date, start_date - timedelta(days=1))
        current.save(update_fields=["end_date"])
    membership = Membership(
        user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date
    )
    membership.full_clean()
    membership.save()
    user.__dict__.pop("membership", None)
    return current, membership


def change_membership(
    *,
    user: User,
    role: Role,
    agency: Agency | None,
    team: Team | None,
    fte: Decimal = Decimal("1.00"),
    start_date: date | None = None,
    by: User | None,
) -> Membership:
    """Give `user` a new role/agency/team from `start_date`, ending the current one the
    day before, so the history of memberships stays.

    Refused (`AgencyConfirmationRequired`) when it would give a PHI-reading role and `by`
    is not that agency's administrator: use `request_membership_change`, which proposes.
    """
    _require_manager(by=by, user=user)
    _require_grant(by=by, role=role, agency=agency)
    if needs_agency_confirmation(by, role, agency):
        raise AgencyConfirmationRequired()
    if not user.is_active:
        raise AccountDeactivated()
    start_date = start_date or timezone.localdate()
    with transaction.atomic():
        current, membership = _apply_membership(
            user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date
        )
        record(
            action="membership.change",
            user=by,
            target=user,
            details={"membership_id": membership.pk, "start_date": start_date.isoformat()},
            changes=diff(_membership_snapshot(current), _membership_snapshot(membership)),
        )
    return membership


def _new_proposal(
    *,
    user: User,
    role: Role,
    agency: Agency,
    team: Team | None,
    fte: Decimal,
    start_date: date,
    by: User,
) -> tuple[MembershipProposal, list[int]]:
    """A pending proposal; one already pending for `user` is withdrawn (superseded)."""
    _validate_membership(role=role, agency=agency, team=team)
    # Validate the membership it would become now, not at confirmation time.
    Membership(
        user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date
    ).full_clean(exclude=["user"])
    pending = MembershipProposal.objects.select_for_update().filter(
        user=user, status=MembershipProposal.Status.PENDING
    )
    superseded = list(pending.values_list("pk", flat=True))
    pending.update(
        status=MembershipProposal.Status.WITHDRAWN, decided_by=by, decided_at=timezone.now()
    )
    proposal = MembershipProposal.objects.create(
        user=user,
        role=role,
        agency=agency,
        team=team,
        fte=fte,
        start_date=start_date,
        proposed_by=by,
    )
    return proposal, superseded


def propose_membership(
    *,
    user: User,
    role: Role,
    agency: Agency | None,
    team: Team | None,
    fte: Decimal = Decimal("1.00"),
    start_date: date | None = None,
    by: User,
) -> MembershipProposal:
    """Propose a PHI-reading role for an existing account; the agency confirms it."""
    _require_manager(by=by, user=user)
    _require_grant(by=by, role=role, agency=agency)
    if agency is None or not reads_phi(role):
        raise ValidationError({"role": "Only a role that reads family records is proposed."})
    if not user.is_active:
        raise AccountDeactivated()
    start_date = start_date or timezone.localdate()
    with transaction.atomic():
        proposal, superseded = _new_proposal(
            user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date, by=by
        )
        record(
            action="membership.propose",
            user=by,
            target=user,
            details={
                "proposal_id": proposal.pk,
                "start_date": start_date.isoformat(),
                "superseded": superseded,
            },
            changes=diff({}, _membership_snapshot(proposal)),
        )
    return proposal


def request_membership_change(
    *,
    user: User,
    role: Role,
    agency: Agency | None,
    team: Team | None,
    fte: Decimal = Decimal("1.00"),
    start_date: date | None = None,
    by: User,
) -> Membership | MembershipProposal:
    """The staff page's one call: change the membership now, or propose it when the
    change gives a PHI-reading role and `by` is not the agency's own administrator."""
    service = (
        propose_membership if needs_agency_confirmation(by, role, agency) else change_membership
    )
    return service(
        user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date, by=by
    )


@transaction.atomic
def create_staff(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    role: Role,
    agency: Agency | None,
    team: Team | None,
    fte: Decimal,
    start_date: date,
    by: User,
) -> User:
    """A new staff account with its first membership, or, for a PHI-reading role that
    `by` may only propose, with a pending proposal and no membership yet."""
    _require_grant(by=by, role=role, agency=agency)
    _validate_membership(role=role, agency=agency, team=team)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    if needs_agency_confirmation(by, role, agency):
        proposal, _ = _new_proposal(
            user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date, by=by
        )
        details = {"proposal_id": proposal.pk, "start_date": start_date.isoformat()}
        changes = diff({}, _membership_snapshot(proposal))
    else:
        _, membership = _apply_membership(
            user=user, role=role, agency=agency, team=team, fte=fte, start_date=start_date
        )
        details = {"membership_id": membership.pk, "start_date": start_date.isoformat()}
        changes = diff({}, _membership_snapshot(membership))
    record(action="user.create", user=by, target=user, details=details, changes=changes)
    return user


def _authorize_decision(*, proposal: MembershipProposal, by: User, verb: str) -> None:
    """Refuse (audited, outside any transaction so the denial stays) who may not decide:
    confirm and decline need an administrator of the agency (`may_decide`); withdrawing
    is for the state office, which proposes."""
    if verb == "withdraw":
        allowed = has_statewide_reach(by) and may_grant(by, Role(proposal.role), proposal.agency)
    else:
        allowed = may_decide(by, proposal)
    if not allowed:
        record(
            action=f"membership.{verb}",
            outcome=Outcome.DENIED,
            user=by,
            target=proposal.user,
            details={"proposal_id": proposal.pk},
        )
        raise PermissionDenied("Only an administrator of that agency decides this proposal.")


def _lock_pending(proposal: MembershipProposal) -> MembershipProposal:
    locked = (
        MembershipProposal.objects.select_for_update().select_related("user").get(pk=proposal.pk)
    )
    if not locked.is_pending:
        raise ProposalAlreadyDecided()
    return locked


def confirm_proposal(*, proposal: MembershipProposal, by: User) -> Membership:
    """The agency administrator confirms: the membership starts on the proposed day, or
    today if that has passed (access granted now is never backdated)."""
    _authorize_decision(proposal=proposal, by=by, verb="confirm")
    with transaction.atomic():
        proposal = _lock_pending(proposal)
        user = proposal.user
        if not user.is_active:
            raise AccountDeactivated()
        start_date = max(proposal.start_date, timezone.localdate())
        current, membership = _apply_membership(
            user=user,
            role=Role(proposal.role),
            agency=proposal.agency,
            team=proposal.team,
            fte=proposal.fte,
            start_date=start_date,
        )
        proposal.status = MembershipProposal.Status.CONFIRMED
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.membership = membership
        proposal.save(update_fields=["status", "decided_by", "decided_at", "membership"])
        record(
            action="membership.confirm",
            user=by,
            target=user,
            details={
                "proposal_id": proposal.pk,
                "proposed_by": proposal.proposed_by_id,
                "membership_id": membership.pk,
                "start_date": start_date.isoformat(),
            },
            changes=diff(_membership_snapshot(current), _membership_snapshot(membership)),
        )
    return membership


def decline_proposal(*, proposal: MembershipProposal, by: User) -> MembershipProposal:
    return _close_proposal(
        proposal=proposal, by=by, status=MembershipProposal.Status.DECLINED, verb="decline"
    )


def withdraw_proposal(*, proposal: MembershipProposal, by: User) -> MembershipProposal:
    """The state office takes back its own (or a colleague's) pending proposal."""
    return _close_proposal(
        proposal=proposal, by=by, status=MembershipProposal.Status.WITHDRAWN, verb="withdraw"
    )


def _close_proposal(
    *, proposal: MembershipProposal, by: User, status: str, verb: str
) -> MembershipProposal:
    _authorize_decision(proposal=proposal, by=by, verb=verb)
    with transaction.atomic():
        proposal = _lock_pending(proposal)
        proposal.status = status
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            action=f"membership.{verb}",
            user=by,
            target=proposal.user,
            details={"proposal_id": proposal.pk, "proposed_by": proposal.proposed_by_id},
        )
    return proposal


def deactivate_user(*, user: User, by: User | None, on: date | None = None) -> None:
    """Deactivate an account: end its membership, sessions and everything other apps hold
    for it (API tokens, through the `access_revoked` hook) at once."""
    _require_manager(by=by, user=user)
    _deactivate(user=user, by=by, on=on)


@transaction.atomic
def _deactivate(*, user: User, by: User | None, on: date | None) -> None:
    on = on or timezone.localdate()
    ended = Membership.objects.active_on(on).filter(user=user).update(end_date=on)
    withdrawn = MembershipProposal.objects.filter(
        user=user, status=MembershipProposal.Status.PENDING
    ).update(status=MembershipProposal.Status.WITHDRAWN, decided_by=by, decided_at=timezone.now())
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = end_sessions(user=user)
    revoked = access_revoked(user=user)
    record(
        action="user.deactivate",
        user=by,
        target=user,
        details={
            "memberships_ended": ended,
            "sessions_ended": sessions,
            "proposals_withdrawn": withdrawn,
            "revoked": revoked,
        },
        changes={"is_active": [True, False]},
    )


@transaction.atomic
def sign_out_everywhere(*, request: HttpRequest) -> dict[str, int]:
    """End every session of the signed-in person (this one too) and revoke what other apps
    hold for them (API tokens): for a lost laptop or a shared computer."""
    user = request.user
    sessions = end_sessions(user=user)
    revoked = access_revoked(user=user)
    record(
        action="logout.everywhere",
        user=user,
        details={"sessions_ended": sessions, "revoked": revoked},
    )
    logout(request)
    return {"sessions": sessions, **revoked}
