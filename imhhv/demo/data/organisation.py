"""The state, its agencies (fictional, in Michigan counties with a CMH), their teams and the
staff in every role. No random draws here: the staff are the same for every seed."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency, State, Team
from imhhv.core.roles import Role
from imhhv.demo.data.common import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, _days
from imhhv.demo.data.names import STAFF_NAMES
from imhhv.families.models import Family

STAFF_YEARS = 6  # memberships start this long ago, before the oldest demo episode


@dataclass(frozen=True)
class County:
    name: str
    area_code: str
    places: tuple[tuple[str, str], ...]  # (town, real ZIP3 prefix)


# Michigan counties with a CMH agency; the agencies themselves are fictional.
COUNTIES = [
    County("Washtenaw", "734", (("Ann Arbor", "481"), ("Ypsilanti", "481"), ("Saline", "481"))),
    County("Kent", "616", (("Grand Rapids", "495"), ("Wyoming", "495"), ("Rockford", "493"))),
    County("Marquette", "906", (("Marquette", "498"), ("Ishpeming", "498"), ("Negaunee", "498"))),
    County("Kalamazoo", "269", (("Kalamazoo", "490"), ("Portage", "490"))),
    County("Saginaw", "989", (("Saginaw", "486"), ("Frankenmuth", "487"))),
]


@dataclass
class _Agency:
    agency: Agency
    county: County
    index: int = 0
    admin: User | None = None
    supervisors: dict[int, User] = field(default_factory=dict)  # team id -> supervisor
    visitors: list[tuple[User, Team, Decimal]] = field(default_factory=list)
    former: User | None = None
    former_team: Team | None = None
    former_end: date | None = None
    families: list[Family] = field(default_factory=list)

    def supervisor(self, team: Team | None) -> User | None:
        if team is not None and team.pk in self.supervisors:
            return self.supervisors[team.pk]
        return next(iter(self.supervisors.values()), self.admin)


def _user(username: str, first: str, last: str, password_hash: str) -> User:
    return User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@{DEMO_EMAIL_DOMAIN}",
        password=password_hash,
    )


def build_organisation(
    *,
    today: date,
    agencies: int,
    teams_per_agency: int,
    visitors_per_team: int,
    counties: list[County] | None = None,
    staff_years: int = STAFF_YEARS,
) -> tuple[list[_Agency], list[User]]:
    """The state, `agencies` agencies with their teams and staff, and one former visitor.

    `counties` defaults to `COUNTIES`; memberships start `staff_years` ago."""
    # One Argon2 hash shared by every demo account: they share one published password.
    password_hash = make_password(DEMO_PASSWORD)
    state, _ = State.objects.get_or_create(code="MI", defaults={"name": "Michigan"})
    start = today - _days(staff_years * 365)
    former_end = today - _days(30)
    users: list[User] = []
    memberships: list[tuple[User, dict]] = []
    contexts: list[_Agency] = []

    def add_user(username: str, last: str, role: Role, **membership) -> User:
        first = STAFF_NAMES[len(users) % len(STAFF_NAMES)]
        user = _user(username, f"Demo {first}", last, password_hash)
        users.append(user)
        memberships.append((user, {"role": role, "start_date": start, **membership}))
        return user

    add_user("state.admin", "State-Admin", Role.STATE_ADMIN)
    add_user("evaluator", "Evaluator", Role.EVALUATOR)
    for a_index, county in enumerate((counties or COUNTIES)[:agencies]):
        agency = Agency.objects.create(
            state=state, name=f"{county.name} County CMH (demo)", county=county.name
        )
        ctx = _Agency(agency=agency, county=county, index=a_index)
        contexts.append(ctx)
        slug = county.name.lower().replace(". ", "-").replace(" ", "-")
        ctx.admin = add_user(
            f"admin.{slug}", f"{county.name}-Admin", Role.AGENCY_ADMIN, agency=agency
        )
        for t_index in range(teams_per_agency):
            team = Team.objects.create(agency=agency, name=f"Team {chr(ord('A') + t_index)}")
            letter = chr(ord("a") + t_index)
            ctx.supervisors[team.pk] = add_user(
                f"sup.{slug}.{letter}",
                f"{county.name}-Supervisor",
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
                    f"{county.name}-Visitor",
                    Role.HOME_VISITOR,
                    agency=agency,
                    team=team,
                    fte=fte,
                )
                ctx.visitors.append((user, team, fte))
    # An account whose membership ended: signs in, sees nothing.
    former = _user("former.visitor", "Demo Former", "Visitor", password_hash)
    users.append(former)
    User.objects.bulk_create(users)
    rows = [Membership(user=u, **m) for u, m in memberships]
    if contexts:
        first = contexts[0]
        first.former, first.former_end = former, former_end
        first.former_team = first.agency.teams.order_by("pk").first()
        rows.append(
            Membership(
                user=former,
                role=Role.HOME_VISITOR,
                agency=first.agency,
                team=first.former_team,
                start_date=start,
                end_date=former_end,
            )
        )
    Membership.objects.bulk_create(rows)
    return contexts, users
