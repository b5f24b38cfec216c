"""accounts sits low in the house (DESIGN.md, Layout): no module of it imports an app above
it. What the API must do when access ends goes through `imhhv.accounts.hooks`."""

import ast
from pathlib import Path

import imhhv.accounts

HIGHER = ("imhhv.families", "imhhv.visits", "imhhv.reports", "imhhv.api", "imhhv.demo")
ROOT = Path(imhhv.accounts.__file__).parent


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_accounts_module_imports_a_higher_app():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for name in imports_of(path)
        if name.startswith(HIGHER)
    ]
    assert offenders == []
