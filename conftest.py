"""The cast for every access test, defined once (STYLE.md).

At agency A ("Alpha"): home visitor `hv_a` and `hv_a2` on team A1 with supervisor `sup_a`,
and agency administrator `admin_a`. At agency B ("Beta"): home visitor `hv_b` on team B1.
Statewide: `state_admin` and `evaluator`. `nobody` has no active membership.
Families: `family_a` (hv_a), `family_a2` (hv_a2), `family_b` (hv_b).

The cast's home visitors start with no workforce records (the workforce tests build what
they judge), so none may carry families yet (issue 10: assigning one needs a supervisor's
override). A test that assigns or enrolls with a home visitor asks for the
`qualified_visitors` fixture (a module: `pytestmark = pytest.mark.usefixtures(
"qualified_visitors")`): every home visitor of the cast then has a discussed
self-assessment and an Infant Family Specialist endorsement. One more visitor:
`qualify(user)` or `member(..., qualified=True)` (imhhv/accounts/tests/factories.py).

Every date is relative to today (the frozen today when a test travels in time); the rows are
made by the factories in `tests/factories.py`.

The test clock: when IMHHV_TEST_CLOCK holds an ISO datetime with its UTC offset (CI sets
one per run, e.g. 05:30 and 23:30 in Detroit), the session runs as if started at that
instant (from `pytest_configure`, so module-level values computed at import see it too),
every test starts again at exactly that instant, and the clock ticks on from there
(`time_machine`): this proves that no test depends on the hour it runs at. A test that
travels itself still does: the innermost travel wins.
"""

import os
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.utils import timezone

from imhhv.audit.models import AuditEvent
from imhhv.core.roles import Role
from imhhv.families.models import Child, Enrollment, Family
from tests.factories import (
    AgencyFactory,
    FamilyInCareFactory,
    MembershipFactory,
    StateFactory,
    TeamFactory,
    UserFactory,
    days_ago,
)

PASSWORD = "correct-horse-battery-staple-42"


def _test_clock() -> datetime | None:
    value = os.environ.get("IMHHV_TEST_CLOCK", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise pytest.UsageError(
            f"IMHHV_TEST_CLOCK={value!r}: give an ISO datetime with a UTC offset, "
            "e.g. 2026-12-02T05:30:00-05:00"
        )
    return moment


TEST_CLOCK = _test_clock()


_session_travel = None


def pytest_configure(config):
    global _session_travel
    if TEST_CLOCK is not None:
        _session_travel = time_machine.travel(TEST_CLOCK, tick=True)
        _session_travel.start()


def pytest_unconfigure(config):
    if _session_travel is not None:
        _session_travel.stop()


def pytest_report_header(config):
    if TEST_CLOCK is not None:
        return f"test clock: every test starts at {TEST_CLOCK.isoformat()} (IMHHV_TEST_CLOCK)"
    return None


@pytest.fixture(autouse=True)
def _test_clock_travel():
    """Start every test at IMHHV_TEST_CLOCK, ticking, when it is set."""
    if TEST_CLOCK is None:
        yield
        return
    with time_machine.travel(TEST_CLOCK, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits count in the cache (DRF's throttles): every test starts and ends with
    none counted, whichever tests ran before it on the same worker."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def password_hash(django_db_blocker):
    # Hash once with the real Argon2 hasher; each login still verifies with Argon2.
    return make_password(PASSWORD)


class Cast:
    def __init__(self, password_hash: str):
        today = timezone.localdate()
        start = today - timedelta(days=365)
        self.state = StateFactory(name="Michigan", code="MI")
        self.agency_a = AgencyFactory(state=self.state, name="Alpha CMH", county="Washtenaw")
        self.agency_b = AgencyFactory(state=self.state, name="Beta CMH", county="Kent")
        self.team_a = TeamFactory(agency=self.agency_a, name="A1")
        self.team_a_other = TeamFactory(agency=self.agency_a, name="A2")
        self.team_b = TeamFactory(agency=self.agency_b, name="B1")

        def person(username, role, agency=None, team=None, end=None):
            user = UserFactory(username=username, password=password_hash)
            MembershipFactory(
                user=user, role=role, agency=agency, team=team, start_date=start, end_date=end
            )
            return user

        self.hv_a = person("hv_a", Role.HOME_VISITOR, self.agency_a, self.team_a)
        self.hv_a2 = person("hv_a2", Role.HOME_VISITOR, self.agency_a, self.team_a)
        self.hv_a_other_team = person("hv_a3", Role.HOME_VISITOR, self.agency_a, self.team_a_other)
        self.sup_a = person("sup_a", Role.SUPERVISOR, self.agency_a, self.team_a)
        self.admin_a = person("admin_a", Role.AGENCY_ADMIN, self.agency_a)
        self.hv_b = person("hv_b", Role.HOME_VISITOR, self.agency_b, self.team_b)
        self.state_admin = person("state_admin", Role.STATE_ADMIN)
        self.evaluator = person("evaluator", Role.EVALUATOR)
        self.nobody = person(
            "nobody", Role.HOME_VISITOR, self.agency_a, self.team_a, end=today - timedelta(days=1)
        )

        def family(name, agency, visitor):
            return FamilyInCareFactory(
                agency=agency, home_visitor=visitor, display_name=name, enrolled_on=start
            )

        self.family_a = family("Test Family One", self.agency_a, self.hv_a)
        self.family_a2 = family("Test Family Two", self.agency_a, self.hv_a2)
        self.family_a3 = family("Test Family Three", self.agency_a, self.hv_a_other_team)
        self.family_b = family("Test Family Four", self.agency_b, self.hv_b)

    def home_visitors(self):
        return [self.hv_a, self.hv_a2, self.hv_a_other_team, self.hv_b]

    def users(self):
        return [
            self.hv_a,
            self.hv_a2,
            self.hv_a_other_team,
            self.sup_a,
            self.admin_a,
            self.hv_b,
            self.state_admin,
            self.evaluator,
            self.nobody,
        ]


@pytest.fixture
def cast(db, password_hash) -> Cast:
    return Cast(password_hash)


@pytest.fixture
def qualified_visitors(cast) -> Cast:
    """The cast, with every home visitor allowed to carry families (see the docstring)."""
    from imhhv.accounts.tests.factories import qualify

    qualify(*cast.home_visitors())
    return cast


@pytest.fixture
def new_events(db):
    """Audit events written since the test's setup finished: `new_events(action=...)`."""
    marker = {}

    def _new_events(**filters):
        return list(AuditEvent.objects.filter(seq__gt=marker["seq"], **filters).order_by("seq"))

    def _reset():
        last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        marker["seq"] = last or 0

    _reset()
    _new_events.reset = _reset
    return _new_events


def verified_device(user):
    """A confirmed authenticator for `user` (for roles that must use two-factor)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test app", confirmed=True)


@pytest.fixture
def login(client, new_events):
    """Sign `user` in on the test client: a fresh session past the two-factor step.

    Resets `new_events`, so a test sees only the events its own requests write.
    """

    def _login(user, *, verified=True):
        client.force_login(user)
        session = client.session
        now = timezone.now().isoformat()
        session["imhhv_started_at"] = now
        session["imhhv_last_seen_at"] = now
        if verified and user.mfa_required:
            session["otp_device_id"] = verified_device(user).persistent_id
        session.save()
        new_events.reset()
        return client

    return _login


def add_families(agency, visitor, n, *, prefix="Bulk"):
    from imhhv.families.hooks import family_changed

    """`n` active families (open episode, one child) on `visitor`'s caseload, in bulk."""
    start = timezone.localdate() - timedelta(days=100)
    families = Family.objects.bulk_create(
        Family(agency=agency, home_visitor=visitor, display_name=f"{prefix} {i}") for i in range(n)
    )
    Enrollment.objects.bulk_create(Enrollment(family=f, enrolled_on=start) for f in families)
    birth = days_ago(275)  # an infant of about 9 months, whichever day the suite runs
    Child.objects.bulk_create(Child(family=f, birth_date=birth) for f in families)
    for family in families:  # the week facts, as the services would keep them
        family_changed(family.pk)
    return families


@pytest.fixture
def catalogue(db):
    """The starter fidelity catalogue (re-created if a transactional test emptied it)."""
    import importlib

    from django.apps import apps

    from imhhv.visits.models import Catalogue

    if not Catalogue.objects.exists():
        importlib.import_module("imhhv.visits.migrations.0002_starter_catalogue").forwards(
            apps, None
        )
    return Catalogue.objects.order_by("-version").first()
