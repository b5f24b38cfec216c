"""Who may manage which staff accounts.

An agency administrator manages the staff who hold or held a membership at their agency;
the state administrator manages everyone. Staff outside scope are a 404, like missing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.roles import Role


def staff_visible_to(user: User) -> QuerySet[User]:
    if not user.is_authenticated or not user.can("manage_staff"):
        return User.objects.none()
    if user.role == Role.STATE_ADMIN:
        return User.objects.all()
    members = Membership.objects.filter(agency_id=user.membership.agency_id).values("user_id")
    return User.objects.filter(pk__in=members)


def get_staff_for_user(user: User, staff_id: int, *, write: bool = False) -> User:
    staff = staff_visible_to(user).filter(pk=staff_id).first()
    if staff is None:
        record(
            action="staff.read",
            outcome=Outcome.DENIED,
            object_type="user",
            object_id=staff_id,
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No staff member found.")
    if write and staff.pk == user.pk:
        # Nobody changes their own role or deactivates themselves.
        record(
            action="staff.write", outcome=Outcome.DENIED, target=staff, details={"reason": "self"}
        )
        raise PermissionDenied
    return staff


def roles_grantable_by(user: User) -> list[Role]:
    if user.role == Role.STATE_ADMIN:
        return list(Role)
    if user.can("manage_staff"):
        return [Role.HOME_VISITOR, Role.SUPERVISOR, Role.AGENCY_ADMIN]
    return []
