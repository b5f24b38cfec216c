"""Users, their memberships (role, agency, team, FTE, dates), login sessions, proposals
of PHI-reading roles waiting for the agency, and failed sign-ins per address."""

from datetime import date
from decimal import Decimal
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from imhhv.core.roles import MFA_REQUIRED_ROLES, ROLE_SCOPE, Role, Scope, capabilities_of


class User(AbstractUser):
    """A staff member. What they may do comes from their active membership."""

    @cached_property
    def membership(self) -> "Membership | None":
        """The membership active today, or None (a user without one sees nothing)."""
        if not self.is_active or self.pk is None:
            return None
        return (
            Membership.objects.active_on(timezone.localdate())
            .filter(user=self)
            .select_related("agency", "team")
            .order_by("-start_date", "-pk")
            .first()
        )

    @property
    def role(self) -> Role | None:
        return Role(self.membership.role) if self.membership else None

    @property
    def scope(self) -> Scope:
        return ROLE_SCOPE[self.role] if self.role else Scope.NONE

    @property
    def capabilities(self) -> frozenset[str]:
        return capabilities_of(self.role)

    def can(self, capability: str) -> bool:
        return self.is_authenticated and capability in self.capabilities

    @property
    def mfa_required(self) -> bool:
        return self.role in MFA_REQUIRED_ROLES

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: date) -> "MembershipQuerySet":
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def active(self) -> "MembershipQuerySet":
        return self.active_on(timezone.localdate())


class Membership(models.Model):
    """A period in which a user holds a role at an agency (and team).

    A move between teams or a change of role ends one membership and starts another, so
    the history of who was where stays.
    """

    ROLE_CHOICES = [(r.value, r.label) for r in Role]

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    team = models.ForeignKey(
        "agencies.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    fte = models.DecimalField(
        "FTE",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1), name="membership_fte_in_range"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[Role.STATE_ADMIN, Role.EVALUATOR]) | Q(agency__isnull=False),
                name="membership_agency_roles_have_agency",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.HOME_VISITOR, Role.SUPERVISOR]) | Q(team__isnull=False),
                name="membership_team_roles_have_team",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "role"]),
            models.Index(fields=["user", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {self.start_date}..{self.end_date or ''}"


class UserSession(models.Model):
    """Which server-side sessions belong to which user, so they can be ended on demand."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"


class MembershipProposal(models.Model):
    """A PHI-reading role the state office proposed, waiting for the agency to confirm.

    Two-person rule (issue 7): an account that reads family records is created or elevated
    only by the agency's own administrator. When someone else with statewide reach (the
    state administrator) asks for one, the request waits here; the person has no
    membership from it until an administrator of that agency confirms on the proposals
    page. Confirmed, declined and withdrawn proposals stay as history.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the agency"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="membership_proposals")
    role = models.CharField(max_length=20, choices=Membership.ROLE_CHOICES)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="membership_proposals"
    )
    team = models.ForeignKey(
        "agencies.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fte = models.DecimalField("FTE", max_digits=3, decimal_places=2, default=Decimal("1.00"))
    start_date = models.DateField()
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_user",
            ),
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1), name="proposal_fte_in_range"
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"proposal {self.pk}: {self.role} for user {self.user_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def get_role_display_name(self) -> str:
        return Role(self.role).label


class SignInFailure(models.Model):
    """One failed sign-in from a source address, for the per-address limit.

    django-axes limits failures per username and address; this table limits them per
    address across usernames (password spraying), see `imhhv/accounts/throttling.py`. It
    lives in the database, not a per-process cache, so every app server behind the load
    balancer counts the same failures. Rows older than the window are deleted as new
    ones arrive. A successful sign-in does not clear them (one valid account must not
    reset an address's count).
    """

    source_ip = models.GenericIPAddressField()
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["source_ip", "occurred_at"])]

    def __str__(self) -> str:
        return f"failed sign-in at {self.occurred_at:%Y-%m-%d %H:%M}"
