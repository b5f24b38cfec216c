"""Who may read which audit events: agency administrators their agency's, the state all.

Checks capabilities, never role names: `view_audit` opens the trail, and
`view_audit_statewide` widens it from the own agency to every agency. A user with
`view_audit` but no agency sees nothing (an agency filter of NULL would match the events
that belong to no agency, such as failed sign-ins of unknown usernames).
"""

from django.db.models import QuerySet

from imhhv.accounts.models import User
from imhhv.audit.models import AuditEvent


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    if not user.is_authenticated or not user.can("view_audit"):
        return AuditEvent.objects.none()
    if user.can("view_audit_statewide"):
        return AuditEvent.objects.all()
    agency_id = user.membership.agency_id if user.membership else None
    if agency_id is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(agency_id=agency_id)
