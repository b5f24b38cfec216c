"""Building synthetic demo data. Every name is obviously made up; nothing is real."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency, State, Team
from imhhv.core.roles import Role
from imhhv.families.models import Family

DEMO_PASSWORD = "synthetic-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.invalid"

# Michigan counties with a CMH agency; the agencies themselves are fictional.
COUNTIES = ["Washtenaw", "Kent", "Marquette", "Kalamazoo", "Saginaw"]
TREES = [
    "Alder",
    "Aspen",
    "Birch",
    "Cedar",
    "Elm",
    "Hazel",
    "Juniper",
    "Linden",
    "Maple",
    "Oak",
    "Pine",
    "Rowan",
    "Spruce",
    "Sumac",
    "Tamarack",
    "Willow",
]
STAFF_NAMES = [
    "Robin",
    "Wren",
    "Finch",
    "Heron",
    "Lark",
    "Plover",
    "Sparrow",
    "Swift",
    "Tern",
    "Kestrel",
    "Oriole",
    "Starling",
    "Thrush",
    "Warbler",
    "Vireo",
    "Junco",
]


@dataclass
class SeedResult:
    agencies: int
    users: int
    families: int


def _user(username: str, first: str, last: str, password_hash: str) -> User:
    return User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@{DEMO_EMAIL_DOMAIN}",
        password=password_hash,
    )


@transaction.atomic
def seed(
    *,
    families_per_visitor: tuple[int, int] = (12, 15),
    agencies: int = 5,
    teams_per_agency: int = 2,
    visitors_per_team: int = 3,
    rng_seed: int = 2026,
) -> SeedResult:
    """Create the state, agencies, teams, staff in every role and families.

    `families_per_visitor` is a (low, high) range per home visitor.
    """
    rng = random.Random(rng_seed)
    today = timezone.localdate()
    # One Argon2 hash shared by every demo account: they share one published password.
    password_hash = make_password(DEMO_PASSWORD)
    state, _ = State.objects.get_or_create(code="MI", defaults={"name": "Michigan"})
    start = today - timedelta(days=730)
    users: list[User] = []
    memberships: list[tuple[User, dict]] = []

    def add_user(username: str, last: str, role: Role, **membership) -> User:
        first = STAFF_NAMES[len(users) % len(STAFF_NAMES)]
        user = _user(username, f"Demo {first}", last, password_hash)
        users.append(user)
        memberships.append((user, {"role": role, "start_date": start, **membership}))
        return user

    add_user("state.admin", "State-Admin", Role.STATE_ADMIN)
    add_user("evaluator", "Evaluator", Role.EVALUATOR)
    visitor_slots: list[tuple[User, Agency, Decimal]] = []
    for a_index, county in enumerate(COUNTIES[:agencies]):
        agency = Agency.objects.create(
            state=state, name=f"{county} County CMH (demo)", county=county
        )
        slug = county.lower()
        add_user(f"admin.{slug}", f"{county}-Admin", Role.AGENCY_ADMIN, agency=agency)
        for t_index in range(teams_per_agency):
            team = Team.objects.create(agency=agency, name=f"Team {chr(ord('A') + t_index)}")
            letter = chr(ord("a") + t_index)
            add_user(
                f"sup.{slug}.{letter}",
                f"{county}-Supervisor",
                Role.SUPERVISOR,
                agency=agency,
                team=team,
            )
            for v_index in range(1, visitors_per_team + 1):
                # The last visitor of the first agency's first team works half time.
                fte = (
                    Decimal("0.50")
                    if (a_index, t_index, v_index) == (0, 0, visitors_per_team)
                    else Decimal("1.00")
                )
                user = add_user(
                    f"hv.{slug}.{letter}{v_index}",
                    f"{county}-Visitor",
                    Role.HOME_VISITOR,
                    agency=agency,
                    team=team,
                    fte=fte,
                )
                visitor_slots.append((user, agency, fte))
    # An account whose membership ended: signs in, sees nothing.
    former = _user("former.visitor", "Demo Former", "Visitor", password_hash)
    users.append(former)
    User.objects.bulk_create(users)
    saved = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    rows = [Membership(user=saved[u.username], **m) for u, m in memberships]
    first_agency = Agency.objects.order_by("pk").first()
    rows.append(
        Membership(
            user=saved["former.visitor"],
            role=Role.HOME_VISITOR,
            agency=first_agency,
            team=first_agency.teams.first(),
            start_date=start,
            end_date=today - timedelta(days=30),
        )
    )
    Membership.objects.bulk_create(rows)

    families: list[Family] = []
    counter = 0
    low, high = families_per_visitor
    for user, agency, fte in visitor_slots:
        n = rng.randint(low, high)
        if fte < 1:
            n = max(1, round(n * float(fte)))
        for _ in range(n):
            counter += 1
            families.append(
                Family(
                    agency=agency,
                    home_visitor=saved[user.username],
                    display_name=f"Demo Family {TREES[counter % len(TREES)]} {counter:04d}",
                    child_birth_date=_child_birth_date(rng, today),
                )
            )
    Family.objects.bulk_create(families, batch_size=2000)
    return SeedResult(agencies=len(COUNTIES[:agencies]), users=len(users), families=len(families))


def _child_birth_date(rng: random.Random, today: date) -> date:
    """About one family in six is prenatal (a due date ahead); the rest 0-34 months."""
    if rng.random() < 0.16:
        return today + timedelta(days=rng.randint(14, 200))
    return today - timedelta(days=rng.randint(3, 34 * 30))
