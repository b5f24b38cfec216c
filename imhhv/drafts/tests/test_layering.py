"""drafts sits beside accounts/agencies/audit (DESIGN.md, Layout): no module of it imports an
app above it. The forms of families and visits reach it through `imhhv.drafts.registry`."""

import ast
from pathlib import Path

import imhhv.drafts

HIGHER = ("imhhv.families", "imhhv.visits", "imhhv.reports", "imhhv.api", "imhhv.demo")
ROOT = Path(imhhv.drafts.__file__).parent


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_drafts_module_imports_a_higher_app():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for name in imports_of(path)
        if name.startswith(HIGHER)
    ]
    assert offenders == []


def test_the_forms_of_higher_apps_are_registered():
    from imhhv.drafts import registry

    assert {"visit-note", "enrollment", "referral"} <= set(registry._forms)
    assert registry.form_for_url("families:enroll", {"pk": 7}) == ("enrollment", "referral-7")
    assert registry.form_for_url("visits:edit", {"pk": 3}) == ("visit-note", "visit-3")
    assert registry.form_for_url("families:list", {}) is None
