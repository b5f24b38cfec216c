"""Recording a reflective supervision or consultation session."""

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.families.access import families_visible_to
from imhhv.workforce.models import (
    SessionFamily,
    SupervisionParticipant,
    SupervisionSession,
)
from imhhv.workforce.services.common import _all_ids, _save


def record_session(
    *,
    by: User,
    day: date,
    started_at: time,
    minutes: int,
    format: str,
    supervisee_ids: list[int],
    supervisor_id: int | None = None,
    consultant_name: str = "",
    consultant_credential: str = "",
    families: list[tuple[int, int]] = (),
    themes: str = "",
    notes: str = "",
) -> SupervisionSession:
    """Record a reflective supervision session at `by`'s agency.

    Who records it: the supervisor (an account with `supervise`, `by` itself), or, for a
    supervisor's own consultation with an external consultant (no account), the
    supervisor receiving it (`by` among the supervisees, `supervisor_id` None). A
    supervisor's consultation with another supervisor who has an account is recorded by
    that one, as any session. Supervisees are current members of the agency; the supervisor is never
    one of them (a session whose supervisor is its only supervisee is refused). Families
    discussed are `(family_id, supervisee_id)` pairs: the family must be one that
    supervisee carries now and that `by` may see.
    """
    consultant_name = consultant_name.strip()
    ids_ok = _all_ids(supervisee_ids) and (supervisor_id is None or _all_ids([supervisor_id]))
    pairs_ok = all(
        isinstance(pair, (tuple, list)) and len(pair) == 2 and _all_ids(pair) for pair in families
    )
    if not ids_ok or not pairs_ok:
        # Checked before anything else: an id that is not a number is bad input, not a 500.
        raise ValidationError(
            {"supervisee_ids" if not ids_ok else "families": ["Choose from the list."]}
        )
    supervisee_set = set(supervisee_ids)
    agency_id = by.membership.agency_id if by.is_authenticated and by.membership else None
    external = supervisor_id is None
    allowed = (
        agency_id is not None
        and by.can("supervise")
        and (by.pk in supervisee_set if external else supervisor_id == by.pk)
    )
    if not allowed:
        record(
            action="workforce.session.record",
            outcome=Outcome.DENIED,
            object_type="supervisionsession",
            details={"reason": "only the supervisor, or the consultee, records a session"},
        )
        raise PermissionDenied("Only the session's supervisor can record it.")
    with transaction.atomic():
        return _record_session(
            by=by,
            agency_id=agency_id,
            day=day,
            started_at=started_at,
            minutes=minutes,
            format=format,
            supervisee_set=supervisee_set,
            supervisor_id=supervisor_id,
            consultant_name=consultant_name,
            consultant_credential=consultant_credential,
            families=families,
            themes=themes,
            notes=notes,
        )


def _record_session(
    *,
    by: User,
    agency_id: int,
    day: date,
    started_at: time,
    minutes: int,
    format: str,
    supervisee_set: set[int],
    supervisor_id: int | None,
    consultant_name: str,
    consultant_credential: str,
    families,
    themes: str,
    notes: str,
) -> SupervisionSession:
    external = supervisor_id is None
    errors: dict[str, list[str]] = {}
    now = timezone.localtime()
    if day > now.date() or (
        day == now.date() and started_at is not None and started_at > now.time()
    ):
        errors["day"] = ["A session cannot be in the future."]
    if external and not consultant_name:
        errors["consultant_name"] = ["Name the consultant."]
    if not external and consultant_name:
        errors["consultant_name"] = ["Name either the supervisor or a consultant, not both."]
    if not external and supervisor_id in supervisee_set:
        errors["supervisee_ids"] = ["The supervisor cannot also be a supervisee."]
    if not supervisee_set or (not external and supervisee_set <= {supervisor_id}):
        errors["supervisee_ids"] = ["Choose at least one supervisee other than the supervisor."]
    members = set(
        Membership.objects.active()
        .filter(agency_id=agency_id, user_id__in=supervisee_set)
        .values_list("user_id", flat=True)
    )
    if supervisee_set - members and "supervisee_ids" not in errors:
        errors["supervisee_ids"] = ["Choose supervisees from your agency."]
    if format == SupervisionSession.Format.INDIVIDUAL and len(supervisee_set) > 1:
        errors["format"] = ["An individual session has one supervisee."]
    visible = families_visible_to(by)
    pairs = []
    if len({family_id for family_id, _ in families}) < len(families):
        errors["families"] = ["List each family once."]
        families = ()
    for family_id, supervisee_id in families:
        family = visible.filter(pk=family_id, home_visitor_id=supervisee_id).first()
        if supervisee_id not in supervisee_set or family is None:
            errors["families"] = ["Choose only families a supervisee in the session carries."]
            break
        pairs.append((family, supervisee_id))
    if errors:
        raise ValidationError(errors)
    session = SupervisionSession(
        agency_id=agency_id,
        day=day,
        started_at=started_at,
        minutes=minutes,
        format=format,
        supervisor_id=supervisor_id,
        consultant_name=consultant_name,
        consultant_credential=consultant_credential.strip(),
        themes=themes.strip(),
        notes=notes,
        recorded_by=by,
    )
    _save(session)
    SupervisionParticipant.objects.bulk_create(
        SupervisionParticipant(session=session, user_id=pk) for pk in sorted(supervisee_set)
    )
    SessionFamily.objects.bulk_create(
        SessionFamily(session=session, family=family, supervisee_id=pk) for family, pk in pairs
    )
    record(
        action="workforce.session.record",
        target=session,
        details={
            "supervisees": len(supervisee_set),
            "families": len(pairs),
            "external": external,
        },
    )
    return session
