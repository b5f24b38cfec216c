"""Who may see which family and referral: the one way in to these records.

Pages, API, exports, reports and commands all start here.

Families: a home visitor sees their own caseload, a supervisor the families of the home
visitors on their team plus the agency's families not yet assigned to anyone, an agency
administrator the agency's families. State administrators and evaluators see no family
rows (they work with aggregates and de-identified data). A user without an active
membership sees nothing.

Referrals: intake staff (capability `manage_intake`: supervisors and agency
administrators) see every referral of their agency while it is a referral: intake is
agency-wide. Once a referral is enrolled, the family's data on it (caregivers, children,
risk factors, Medicaid id, notes, the link to the chart) follows the family's scope
(`families_visible_to`): a supervisor of team A1 sees that a referral was enrolled, not
whose family it became when the family is with team A2. `referrals_visible_to` marks each
row with `family_in_scope`; `referral_identity_visible` answers it for one referral.

Out of scope is a 404, exactly like a missing record, and the attempt is audited once. An
id outside the 64-bit range (`?family=` with 20 digits) is "not found" too: it is refused
here before it reaches the database, which would overflow on it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.refusals import record_refusal
from imhhv.audit.services import record
from imhhv.core.roles import Role, Scope
from imhhv.families.errors import FamilyIsDischarged
from imhhv.families.models import Caregiver, Child, Consent, Family, Referral

MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL bigint can hold


def parse_id(value: object) -> int | None:
    """`value` as a record id (a positive integer in the 64-bit range), or None.

    Accepts ints and strings of digits; anything else (text, 20 digits, 0, negatives,
    booleans) is None, which callers treat as "not found".
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def _denied_read(action: str, object_type: str, object_id: object, **details) -> None:
    record(
        action=action,
        outcome=Outcome.DENIED,
        object_type=object_type,
        object_id=str(object_id)[:40],
        details={"reason": "not found or out of scope", **details},
    )


def families_visible_to(user: User) -> QuerySet[Family]:
    """Every family `user` may see (an empty queryset when they may see none)."""
    if not user.is_authenticated or not user.can("view_families"):
        return Family.objects.none()
    membership = user.membership
    scope = user.scope
    families = Family.objects.filter(agency_id=membership.agency_id)
    if scope == Scope.AGENCY:
        return families
    if scope == Scope.TEAM:
        team_visitors = (
            Membership.objects.active()
            .filter(team_id=membership.team_id, role=Role.HOME_VISITOR)
            .values("user_id")
        )
        # Supervisors who carry a small caseload of their own see it too, and every
        # family of the agency still waiting for a home visitor: assigning is their job.
        return families.filter(
            Q(home_visitor_id__in=team_visitors)
            | Q(home_visitor_id=user.pk)
            | Q(home_visitor__isnull=True)
        )
    if scope == Scope.CASELOAD:
        return families.filter(home_visitor_id=user.pk)
    return Family.objects.none()


def get_family_for_user(
    user: User,
    family_id: int | str,
    *,
    write: bool = False,
    capability: str = "edit_families",
    allow_discharged: bool = False,
    prefetch: tuple = (),
) -> Family:
    """The family if `user` may see it; out of scope is a 404, like missing (audited).

    With `write=True` the user also needs `capability` (403, audited), and the family must
    have an open episode unless `allow_discharged` (re-enrollment): a discharged family is
    read-only, `FamilyIsDischarged` (409, audited). `prefetch` (lookups or `Prefetch`
    objects) loads related rows with the same scoped query, e.g. for the chart.
    """
    pk = parse_id(family_id)
    family = (
        families_visible_to(user)
        .filter(pk=pk)
        .select_related("agency", "home_visitor")
        .prefetch_related(*prefetch)
        .first()
        if pk is not None
        else None
    )
    if family is None:
        _denied_read("family.read", "family", family_id)
        raise Http404("No family found.")
    if write:
        if not user.can(capability):
            record(
                action="family.write",
                outcome=Outcome.DENIED,
                target=family,
                details={"reason": f"missing capability {capability}"},
            )
            raise PermissionDenied
        if not allow_discharged and not is_open(family):
            refused = FamilyIsDischarged()
            record_refusal(
                refused, action="family.write", target=family, state="discharged: read-only"
            )
            raise refused
    return family


def is_open(family: Family) -> bool:
    """Whether the family has an open episode (its record can be edited)."""
    return family.enrollments.filter(discharged_on__isnull=True).exists()


def _part_of_family(user: User, family: Family, model, part_id, action: str, **filters):
    """A caregiver, child or consent of a family already in scope; a foreign or missing
    id is a 404, audited like a family out of scope."""
    pk = parse_id(part_id)
    found = model.objects.filter(family=family, pk=pk, **filters).first() if pk else None
    if found is None:
        _denied_read(action, model._meta.model_name, part_id, family_id=family.pk)
        raise Http404(f"No {model._meta.verbose_name} found.")
    return found


def get_caregiver_for_user(
    user: User, family_id: int | str, caregiver_id: int | str, *, write: bool = False
) -> tuple[Family, Caregiver]:
    """The family and one of its caregivers; another family's caregiver is a 404."""
    family = get_family_for_user(user, family_id, write=write)
    return family, _part_of_family(user, family, Caregiver, caregiver_id, "caregiver.read")


def get_expected_child_for_user(
    user: User, family_id: int | str, child_id: int | str, *, write: bool = False
) -> tuple[Family, Child]:
    """The family and one of its children not born yet (to record the birth)."""
    family = get_family_for_user(user, family_id, write=write)
    child = _part_of_family(user, family, Child, child_id, "child.read", birth_date__isnull=True)
    return family, child


def get_consent_for_user(family: Family, user: User, consent_id: int | str) -> Consent:
    """One of the family's consents (the family already passed `get_family_for_user`)."""
    return _part_of_family(user, family, Consent, consent_id, "consent.read")


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """The agency's referrals for intake staff, each marked `family_in_scope`.

    `family_in_scope` is False for a referral enrolled into a family outside the user's
    family scope: the row may be listed (that a referral came in and was enrolled is
    intake's business), but nothing identifying the family may be shown.
    """
    if not user.is_authenticated or not user.can("manage_intake"):
        return Referral.objects.none()
    in_scope = families_visible_to(user).values("pk")
    return Referral.objects.filter(agency_id=user.membership.agency_id).annotate(
        family_in_scope=Case(
            When(family__isnull=True, then=Value(True)),
            When(family_id__in=in_scope, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def referral_identity_visible(referral: Referral) -> bool:
    """Whether the family's data on this referral may be shown (see the module docstring).

    Needs a referral from `referrals_visible_to` (it carries the mark)."""
    return bool(getattr(referral, "family_in_scope", False))


def get_referral_for_user(user: User, referral_id: int | str) -> Referral:
    """The referral if `user` does intake at its agency; otherwise a 404 (audited)."""
    pk = parse_id(referral_id)
    referral = (
        referrals_visible_to(user).filter(pk=pk).select_related("agency").first()
        if pk is not None
        else None
    )
    if referral is None:
        _denied_read("referral.read", "referral", referral_id)
        raise Http404("No referral found.")
    return referral


ASK_ABOUT_HIDDEN_MATCH = (
    "Ask your agency administrator, who can see every family of the agency, before going on."
)


def scoped_matches(user: User, *, referrals: list[Referral], families: list[Family]) -> dict:
    """Possible duplicates as `user` may see them.

    Referrals are intake's (agency-wide), so they are listed with their id, except one
    enrolled into a family out of the user's scope. Families are listed with id and name
    only when in scope. A match the user may not see is neither named nor numbered: only
    counted (`hidden`), with whom to ask (`ask`), so the duplicate check cannot be used to
    find out who is served elsewhere in the agency.
    """
    visible_families = set(
        families_visible_to(user)
        .filter(pk__in=[f.pk for f in families] + [r.family_id for r in referrals if r.family_id])
        .values_list("pk", flat=True)
    )
    hidden: set[int] = set()
    shown_referrals = []
    for referral in referrals:
        if referral.family_id and referral.family_id not in visible_families:
            hidden.add(referral.family_id)
            continue
        shown_referrals.append(
            {
                "id": referral.pk,
                "referral_date": referral.referral_date,
                "status": referral.status,
                "status_label": referral.get_status_display(),
            }
        )
    shown_families = []
    for family in families:
        if family.pk in visible_families:
            shown_families.append({"id": family.pk, "name": family.display_name})
        else:
            hidden.add(family.pk)
    return {
        "referrals": shown_referrals,
        "families": shown_families,
        "hidden": len(hidden),
        "ask": ASK_ABOUT_HIDDEN_MATCH if hidden else "",
    }
