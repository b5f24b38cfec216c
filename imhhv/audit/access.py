"""Who may read which audit events: agency administrators their agency's, the state all."""

from django.db.models import QuerySet

from imhhv.accounts.models import User
from imhhv.audit.models import AuditEvent
from imhhv.core.roles import Role


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    if not user.is_authenticated or not user.can("view_audit"):
        return AuditEvent.objects.none()
    if user.role == Role.STATE_ADMIN:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(agency_id=user.membership.agency_id)
