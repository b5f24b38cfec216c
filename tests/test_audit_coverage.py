"""Every request that touches PHI writes exactly one audit event, denials included.

The walk takes every URL pattern from the resolver (not a hand list) whose kwargs name a
PHI object: a family, caregiver, child, consent, referral, visit, staff member or staff
proposal, or a team or home visitor as a unit of figures (their pages list families).
Each kwarg is classified by its name, or for a bare `pk` by the path segment before it;
a kwarg the walk cannot classify fails the walk, so a new URL must be placed (or
excluded here with a reason) by whoever adds it.

For each pattern, as the first of the agency-A cast fit for the object (home visitor,
supervisor, agency administrator; staff pages start with the administrator, team and
visitor figures with the supervisor) holding the capability the view declares:

- GET the agency-A object: 200 and one `success` event;
- the same GET as the same role at agency B: 404 and one `denied` event;
- the first id replaced by one that exists nowhere: 404 and one `denied` event;
- for a nested object (caregiver, child, consent …), the own family with agency B's
  nested id: 404 and one `denied` event (a foreign caregiver id is a denial, not silence).

No denial shows the agency-A family's name.

A view without GET (405, DRF class without `get`) is checked with an empty POST by the
agency-B user instead: 404 and one `denied` event, because the denial must come before
anything is read or validated. Its GET as the allowed user must answer 405 with no event
(nothing was read). API patterns (`api/…`) run with a token, pages with a session.

Every pattern without an id is walked too, as each role: never more than one event per
request, a refusal is exactly one denial, and a list of people (PEOPLE_LISTS) answered 200
is exactly one success. The hand list at the end pins the action names of a few of them.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from imhhv.accounts.models import Membership, MembershipProposal, User
from imhhv.accounts.policies import policy_of
from imhhv.api.services import issue_token
from imhhv.core.roles import Role
from imhhv.families.models import Caregiver, Child, Consent, Enrollment, Family, Referral
from imhhv.visits.models import Visit

# Kwarg name -> kind of object. A bare `pk` takes the kind of the segment before it.
KWARG_KINDS = {
    "family_id": "family",
    "caregiver_id": "caregiver",
    "child_id": "child",
    "consent_id": "consent",
    "referral_id": "referral",
    "visit_id": "visit",
    "user_id": "visitor",
    "staff_id": "staff",
    "team_id": "team",
    "proposal_id": "proposal",
}
SEGMENT_KINDS = {
    "families": "family",
    "caregivers": "caregiver",
    "children": "child",
    "consents": "consent",
    "referrals": "referral",
    "visits": "visit",
    "staff": "staff",
    "teams": "team",
    "proposals": "proposal",
}
# Who at agency A asks first, by the kind of the route's first object (then by capability):
# staff records are the administrator's, a team's or a visitor's figures the supervisor's.
CANDIDATES = {
    "staff": ("admin_a", "sup_a"),
    "proposal": ("admin_a",),
    "team": ("sup_a", "admin_a"),
    "visitor": ("sup_a", "admin_a"),
}
DEFAULT_CANDIDATES = ("hv_a", "sup_a", "admin_a")
# Patterns that take an object id but are not walked, with the reason.
EXCLUDED: dict[str, str] = {
    # A draft is named by form and record key ("visit-note", "family-12"), not by an id in
    # the URL; its access trio and audit are tested in imhhv/drafts/tests and the API's.
    "drafts:save": "a draft's form and record key, tested in imhhv/drafts/tests",
    "drafts:discard": "a draft's form and record key, tested in imhhv/drafts/tests",
    "api:draft": "a draft's form and record key, tested in imhhv/api/tests/test_drafts.py",
    # An agency's aggregates for the state, no person's data: its access and its one event
    # are tested in imhhv/reports/tests/test_state_agency.py.
    "reports:state_agency": "agency aggregates, tested in imhhv/reports/tests",
    # Workforce: a form's kind and a training entry are not objects the walk can make;
    # the cohorts are the state's, with no agency to scope by. Each has its access trio and
    # its one event tested beside it.
    "workforce:add": "a staff record's form kind, tested in imhhv/workforce/tests",
    "workforce:evidence": "a training entry's file, tested in imhhv/workforce/tests",
    "api:cohort_members": "a state cohort, tested in imhhv/api/tests/test_workforce_api.py",
    "api:cohort_member": "a state cohort member, tested in imhhv/api/tests/test_workforce_api.py",
}
# Patterns that need their object in another state than the default one.
OBJECT_VARIANTS = {
    # Re-enrollment is for a discharged family; an active one has nothing to re-enroll.
    "families:reenroll": {"family": "discharged_family"},
}
MISSING_ID = 987654  # no object of any kind has it in a test database
HIDDEN_NAME = "Test Family One"  # the cast's family_a: never on a page that denies it
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield prefix + str(p.pattern), name, p.callback


def kwarg_kinds(route: str) -> list[tuple[str, str | None]]:
    """[(kwarg, kind or None when unclassified)] in the order they appear in the route."""
    kinds = []
    for match in PARAM.finditer(route):
        name = match["name"]
        if name == "pk":
            segments = [s for s in route[: match.start()].split("/") if s]
            kinds.append((name, SEGMENT_KINDS.get(segments[-1]) if segments else None))
        else:
            kinds.append((name, KWARG_KINDS.get(name)))
    return kinds


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str
    callback: object
    kinds: tuple

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def capability(self) -> str | None:
        declared = policy_of(self.callback)
        return declared.capability if declared else None

    @property
    def has_get(self) -> bool | None:
        """False for a DRF view without `get`; None when only a request can tell."""
        cls = getattr(self.callback, "cls", None)
        if cls is not None:
            return hasattr(cls, "get")
        return None

    @property
    def write_method(self) -> str:
        """The method an id-only write is sent with: the DRF view's first write method."""
        cls = getattr(self.callback, "cls", None)
        for method in ("post", "patch", "put", "delete"):
            if cls is None or hasattr(cls, method):
                return method
        return "post"


ALL = list(walk(get_resolver().url_patterns))
WITH_IDS = [(r, n, c, tuple(kwarg_kinds(r))) for r, n, c in ALL if PARAM.search(r)]
WALKED = [Pattern(r, n, c, k) for r, n, c, k in WITH_IDS if n not in EXCLUDED]
NESTED = [(p, i) for p in WALKED for i in range(1, len(p.kinds))]


def test_every_id_taking_pattern_is_classified_or_excluded():
    unclassified = [
        f"{name} ({route}): kwarg {kwarg}"
        for route, name, _, kinds in WITH_IDS
        if name not in EXCLUDED
        for kwarg, kind in kinds
        if kind is None
    ]
    assert not unclassified, "add these kwargs to KWARG_KINDS or EXCLUDED: " + "; ".join(
        unclassified
    )
    assert all(p.name for p in WALKED), "every walked pattern needs a name to reverse"
    stale = set(EXCLUDED) - {name for _, name, _, _ in WITH_IDS}
    assert not stale, f"excluded patterns that no longer exist: {sorted(stale)}"


def test_the_walk_sees_the_app():
    """A guard against the walk silently walking nothing."""
    names = {p.name for p in WALKED}
    assert {"families:detail", "families:caregiver_edit", "visits:detail", "api:family"} <= names
    assert len(WALKED) >= 25


class World:
    """The cast's agency A and B, each with one object of every kind."""

    def __init__(self, cast):
        self.cast = cast
        today = timezone.localdate()
        start = today - timedelta(days=365)

        def person(username, role, agency, team=None):
            user = User.objects.create(
                username=username,
                password=cast.hv_a.password,
                first_name="Test",
                last_name=username,
            )
            Membership.objects.create(
                user=user, role=role, agency=agency, team=team, start_date=start
            )
            return user

        # The same roles at agency B as the agency-A users who are allowed in.
        self.counterpart = {
            cast.hv_a.pk: cast.hv_b,
            cast.sup_a.pk: person("sup_b", Role.SUPERVISOR, cast.agency_b, cast.team_b),
            cast.admin_a.pk: person("admin_b", Role.AGENCY_ADMIN, cast.agency_b),
        }
        self.objects = {
            "a": self._objects(cast.family_a, cast.hv_a, cast.team_a, start, today),
            "b": self._objects(cast.family_b, cast.hv_b, cast.team_b, start, today),
        }

    @staticmethod
    def _objects(family, visitor, team, start, today):
        caregiver = Caregiver.objects.create(
            family=family, relationship="primary", first_name="Test", last_name="Caregiver"
        )
        unborn = Child.objects.create(
            family=family, first_name="Expected", due_date=today + timedelta(days=30)
        )
        consent = Consent.objects.create(
            family=family, kind=Consent.Kind.SERVICES, given_on=start, recorded_by=visitor
        )
        yesterday = timezone.now() - timedelta(days=1)
        visit = Visit.objects.create(
            family=family,
            visitor=visitor,
            scheduled_at=yesterday,
            outcome=Visit.Outcome.COMPLETED,
            started_at=yesterday,
            ended_at=yesterday + timedelta(minutes=90),
            place=Visit.Place.HOME,
            note="Synthetic note.",
            documented_at=yesterday,
            created_by=visitor,
        )
        referral = Referral.objects.create(
            agency=family.agency,
            referral_date=start,
            source="self",
            status=Referral.Status.ELIGIBLE,
            screened_on=start,
        )
        discharged = Family.objects.create(
            agency=family.agency, home_visitor=visitor, display_name="Test Family Discharged"
        )
        Enrollment.objects.create(
            family=discharged, enrolled_on=start, discharged_on=today - timedelta(days=7)
        )
        return {
            "family": family,
            "discharged_family": discharged,
            "caregiver": caregiver,
            "child": unborn,
            "consent": consent,
            "visit": visit,
            "referral": referral,
            "staff": visitor,
            "visitor": visitor,
            "team": team,
            "proposal": MembershipProposal.objects.create(
                user=User.objects.create(username=f"proposed_{family.pk}", password="!"),
                role=Role.HOME_VISITOR,
                agency=family.agency,
                team=team,
                start_date=today,
                proposed_by=User.objects.get(username="state_admin"),
            ),
        }

    def allowed_user(self, pattern: Pattern):
        """The first agency-A user fit for the route's object who holds the view's capability."""
        names = CANDIDATES.get(pattern.kinds[0][1], DEFAULT_CANDIDATES)
        needed = pattern.capability
        for user in (getattr(self.cast, name) for name in names):
            if needed is None or user.can(needed):
                return user
        pytest.fail(f"nobody at agency A holds {needed} for {pattern.name}")

    def url(
        self, pattern: Pattern, *, foreign_at: int | None = None, missing_at: int | None = None
    ) -> str:
        """The pattern with agency A's objects; kwarg number `foreign_at` takes agency B's,
        kwarg number `missing_at` an id that exists nowhere."""
        variants = OBJECT_VARIANTS.get(pattern.name, {})
        kwargs = {}
        for index, (kwarg, kind) in enumerate(pattern.kinds):
            side = "b" if index == foreign_at else "a"
            kwargs[kwarg] = self.objects[side][variants.get(kind, kind)].pk
            if index == missing_at:
                kwargs[kwarg] = MISSING_ID
        return reverse(pattern.name, kwargs=kwargs)


@pytest.fixture
def world(cast, catalogue):
    return World(cast)


@pytest.fixture
def send(client, login, new_events):
    """`send(user, method, url, api)`: the response, and the events it wrote."""

    def _send(user, method, url, *, api):
        if api:
            key, _ = issue_token(user=user)
            client.logout()
            new_events.reset()
            response = getattr(client, method)(url, HTTP_AUTHORIZATION=f"Token {key}")
        else:
            response = getattr(login(user), method)(url)
        return response, new_events()

    return _send


def assert_one_event(response, events, user, outcome):
    summary = [(e.action, e.outcome, e.object_type, e.object_id) for e in events]
    assert len(events) == 1, f"{len(events)} audit events, expected exactly one: {summary}"
    event = events[0]
    assert event.outcome == outcome, f"expected one {outcome} event, got {summary}"
    assert event.username == user.username
    assert event.request_id == response["X-Request-ID"]


def get_or_post_only(send, world, pattern, user, url):
    """GET `url` as `user`; None when the view has no GET (checked: 405 and no event)."""
    if pattern.has_get is False:
        response, events = send(user, "get", url, api=pattern.is_api)
        assert response.status_code == 405 and not events
        return None
    response, events = send(user, "get", url, api=pattern.is_api)
    if response.status_code == 405 and pattern.has_get is None:
        assert not events, "a 405 read nothing and must write no event"
        return None
    return response, events


@pytest.mark.parametrize("pattern", WALKED, ids=[p.name for p in WALKED])
def test_the_allowed_read_writes_one_success_event(world, send, pattern):
    user = world.allowed_user(pattern)
    result = get_or_post_only(send, world, pattern, user, world.url(pattern))
    if result is None:
        return  # POST only: the denial test below covers it
    response, events = result
    assert response.status_code == 200, f"GET {pattern.name} answered {response.status_code}"
    assert_one_event(response, events, user, "success")


def denied_request(send, pattern, user, url):
    """GET `url` (an empty POST when the view has no GET); asserts a 404 and one denial.

    The 404 must not show the agency-A family it hides (out of scope looks like missing).
    """
    method = pattern.write_method if pattern.has_get is False else "get"
    response, events = send(user, method, url, api=pattern.is_api)
    if response.status_code == 405 and method == "get":
        method = pattern.write_method
        response, events = send(user, method, url, api=pattern.is_api)
    assert response.status_code == 404, (
        f"{method.upper()} {url} ({pattern.name}) by {user.username} answered "
        f"{response.status_code}"
    )
    assert_one_event(response, events, user, "denied")
    assert HIDDEN_NAME not in response.content.decode()


@pytest.mark.parametrize("pattern", WALKED, ids=[p.name for p in WALKED])
def test_another_agency_is_denied_with_one_event(world, send, pattern):
    user = world.counterpart[world.allowed_user(pattern).pk]
    denied_request(send, pattern, user, world.url(pattern))


@pytest.mark.parametrize("pattern", WALKED, ids=[p.name for p in WALKED])
def test_a_missing_id_is_denied_with_one_event(world, send, pattern):
    """A missing object answers and is audited exactly like one out of scope."""
    user = world.allowed_user(pattern)
    denied_request(send, pattern, user, world.url(pattern, missing_at=0))


@pytest.mark.parametrize(
    ("pattern", "index"), NESTED, ids=[f"{p.name}-{p.kinds[i][1]}" for p, i in NESTED]
)
def test_a_foreign_nested_id_is_denied_with_one_event(world, send, pattern, index):
    """The own family with agency B's caregiver (child, consent …): one denial, a 404."""
    user = world.allowed_user(pattern)
    denied_request(send, pattern, user, world.url(pattern, foreign_at=index))


WITHOUT_IDS = [(r, n, c) for r, n, c in ALL if not PARAM.search(r)]
# Pages and endpoints without an id that list people: every 200 writes one success event.
# (The home page is one only for a home visitor, whose home is the caseload: see below.)
PEOPLE_LISTS = {
    "families:list",
    "families:referrals",
    "families:waitlist",
    "visits:week",
    "visits:team_week",
    "audit:log",
    "api:families",
    "api:referrals",
    "api:waitlist",
    "api:visits",
}
WALKERS = ("hv_a", "sup_a", "admin_a", "state_admin", "evaluator")


@pytest.mark.parametrize(
    ("route", "name", "callback"), WITHOUT_IDS, ids=[n for _, n, _ in WITHOUT_IDS]
)
def test_every_page_without_an_id_writes_at_most_one_event(cast, send, route, name, callback):
    """As each role: never two events for one request; a refusal is one denial; a list of
    people answered 200 is one success."""
    assert not set(PEOPLE_LISTS) - {n for _, n, _ in WITHOUT_IDS}, "stale PEOPLE_LISTS"
    for who in WALKERS:
        user = getattr(cast, who)
        response, events = send(user, "get", reverse(name), api=route.startswith("api/"))
        summary = [(e.action, e.outcome) for e in events]
        assert len(events) <= 1, f"GET {name} as {who} wrote {len(events)} events: {summary}"
        if response.status_code in (401, 403, 404):
            assert len(events) == 1 and events[0].outcome == "denied", (
                f"GET {name} as {who} answered {response.status_code} with {summary}"
            )
        if name in PEOPLE_LISTS and response.status_code == 200:
            assert summary and summary[0][1] == "success", f"GET {name} as {who}: {summary}"


# Reads without an object id: (who, how, path builder, status, action, outcome).
LIST_CASES = [
    ("hv_a", "page", lambda c: "/families/", 200, "family.list", "success"),
    ("hv_a", "page", lambda c: "/", 200, "family.list", "success"),
    ("state_admin", "page", lambda c: "/families/", 403, "access.capability", "denied"),
    ("admin_a", "page", lambda c: "/audit/", 200, "audit.view", "success"),
    ("hv_a", "page", lambda c: "/audit/", 403, "access.capability", "denied"),
    ("sup_a", "api", lambda c: "/api/v1/families/", 200, "family.list", "success"),
    ("evaluator", "api", lambda c: "/api/v1/families/", 403, "access.capability", "denied"),
    (
        "evaluator",
        "page",
        lambda c: f"/families/{c.family_a.pk}/",
        403,
        "access.capability",
        "denied",
    ),
]


@pytest.mark.parametrize(
    ("who", "how", "path", "status", "action", "outcome"),
    LIST_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[4]}-{c[3]}" for c in LIST_CASES],
)
def test_reads_without_an_id_write_one_event(cast, send, who, how, path, status, action, outcome):
    user = getattr(cast, who)
    response, events = send(user, "get", path(cast), api=how == "api")
    assert response.status_code == status
    assert [(e.action, e.outcome) for e in events] == [(action, outcome)]
    event = events[0]
    assert event.username == who and event.request_id == response["X-Request-ID"]
    assert event.source_ip == "127.0.0.1" and event.occurred_at is not None
