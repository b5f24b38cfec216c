"""One way in (DESIGN.md rule 1): people's records are read only through access functions.

A review found pages that listed families by visitor id instead of through
`families_visible_to`, and leaked names after a home visitor changed agency. This guard
reads every module of the project and fails when a module outside the rooms meant for it
(`access.py`, `queries.py`, `services.py` or such packages, `models.py`, migrations) builds
a query over a model that holds people's data (every model of the apps listed below).
Views, API endpoints, exports and reports call a scoped function instead.

The few other modules allowed are named below with the reason. Synthetic data builders
(the demo seed and the benchmarks) create rows; they never serve a request.
"""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent / "imhhv"

# Apps whose models hold people's data (add later apps here: screening, workforce …).
PEOPLE_APPS = ["families", "visits", "drafts", "workforce"]
# Models of those apps that hold no person's data: the fidelity catalogue is reference data.
NOT_PEOPLE = {"Catalogue", "KeyComponent", "Strategy"}

ALLOWED_NAMES = {"access.py", "queries.py", "services.py", "models.py", "errors.py"}
ALLOWED_DIRS = {"access", "queries", "services", "migrations", "tests"}
ALLOWED_FILES = {
    # The fidelity read use case (fidelity_report), scoped by visits/access.py.
    "visits/fidelity.py": "fidelity query module",
    "visits/facts.py": "fidelity facts maintained inside the services' transactions",
    # The one optimistic-locking helper bumps the version of the instance it is given.
    "audit/locking.py": "locking helper",
}
ALLOWED_PREFIXES = {
    "demo/": "synthetic data builders (seed_demo, benchmarks)",
    "visits/management/commands/benchmark": "synthetic data for the fidelity benchmark",
}


def _people_models() -> list[str]:
    names = set()
    for label in PEOPLE_APPS:
        names |= {model.__name__ for model in apps.get_app_config(label).get_models()}
    return sorted(names - NOT_PEOPLE)


def _allowed(relative: str) -> bool:
    path = Path(relative)
    if path.name in ALLOWED_NAMES or ALLOWED_DIRS & set(path.parts[:-1]):
        return True
    if path.name.startswith("test_") or relative in ALLOWED_FILES:
        return True
    return any(relative.startswith(prefix) for prefix in ALLOWED_PREFIXES)


def offending_lines() -> list[str]:
    models = "|".join(_people_models())
    pattern = re.compile(rf"\b({models})\.(objects|_default_manager|_base_manager)\b")
    hits = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if _allowed(relative):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line):
                hits.append(f"imhhv/{relative}:{number}: {line.strip()}")
    return hits


def test_the_guard_knows_the_people_models():
    models = _people_models()
    assert {"Family", "Caregiver", "Child", "Referral", "Visit"} <= set(models)


def test_the_guard_catches_a_query_in_a_view():
    models = "|".join(_people_models())
    pattern = re.compile(rf"\b({models})\.(objects|_default_manager|_base_manager)\b")
    assert pattern.search("families = Family.objects.filter(home_visitor_id=user_id)")
    assert pattern.search("Visit._default_manager.all()")
    assert not pattern.search("families = families_visible_to(request.user)")
    assert not _allowed("visits/views.py") and not _allowed("api/families.py")
    assert _allowed("families/access.py") and _allowed("families/services/intake.py")


def test_no_module_outside_access_queries_services_queries_people_records():
    hits = offending_lines()
    assert not hits, "Query people's records through an access/queries function:\n" + "\n".join(
        hits
    )
