"""The house's lower floors import nothing from above (DESIGN.md: core <- reference <-
accounts/agencies/audit/drafts <- families/workforce <- visits …), one test for every app
that must not look up. Regression: agencies imported families for
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
        "reports",
        "api",
        "demo",
    },
    "reference": {"accounts", "agencies", "families", "visits", "reports", "api", "demo"},
    "agencies": {"families", "visits", "reports", "api", "demo"},
    # What accounts must tell the API when access ends goes through accounts.hooks.
    "accounts": {"families", "visits", "reports", "api", "demo"},
    # The forms of families and visits reach drafts through imhhv.drafts.registry.
    "drafts": {"families", "visits", "reports", "api", "demo"},
    # workforce sits beside families: it may use families, never what stands above.
    "workforce": {"visits", "reports", "api", "demo", "jobs"},
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
