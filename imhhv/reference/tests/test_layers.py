"""The house's lower floors import nothing from above (DESIGN.md: core <- reference <-
accounts/agencies/audit/drafts <- families <- visits <- workforce … <- reports <- api <-
demo), one test for every app that must not look up. Regression: agencies imported families for
the risk factor list, and families and agencies shared reference data both ways."""

import ast
from pathlib import Path

import pytest

IMHHV = Path(__file__).resolve().parents[2]
ABOVE = {
    "core": {
        "reference",
        "accounts",
        "agencies",
        "audit",
        "families",
        "visits",
        "workforce",
        "reports",
        "api",
        "demo",
    },
    "reference": {
        "accounts",
        "agencies",
        "families",
        "visits",
        "workforce",
        "reports",
        "api",
        "demo",
    },
    "agencies": {"families", "visits", "workforce", "reports", "api", "demo"},
    # What accounts must tell the API when access ends goes through accounts.hooks.
    "accounts": {"families", "visits", "workforce", "reports", "api", "demo"},
    # The forms of families and visits reach drafts through imhhv.drafts.registry.
    "drafts": {"families", "visits", "workforce", "reports", "api", "demo"},
    # families asks workforce (the assignment gate) through imhhv.families.hooks.
    "families": {"visits", "workforce", "reports", "api", "demo"},
    # visits asks workforce (fidelity's staff columns, My week) through imhhv.visits.hooks.
    "visits": {"workforce", "reports", "api", "demo"},
    # workforce stands above visits: it may use families and visits, never what is above.
    "workforce": {"reports", "api", "demo", "jobs"},
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n.split(".")[1] for n in names if n.startswith("imhhv.") and n.count(".") >= 1}


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_no_import_runs_up_the_house(app):
    offending = {}
    for path in sorted((IMHHV / app).rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        wrong = imported_apps(path) & ABOVE[app]
        if wrong:
            offending[str(path.relative_to(IMHHV))] = sorted(wrong)
    assert offending == {}
