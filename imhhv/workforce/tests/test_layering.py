"""workforce sits beside families (DESIGN.md, Layout): it may import accounts, agencies,
audit, core, reference and families, never visits, reports, api or demo."""

import ast
from pathlib import Path

import imhhv.workforce

HIGHER = ("imhhv.visits", "imhhv.reports", "imhhv.api", "imhhv.demo", "imhhv.jobs")
ROOT = Path(imhhv.workforce.__file__).parent


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_workforce_module_imports_a_higher_app():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
        for name in imports_of(path)
        if name.startswith(HIGHER)
    ]
    assert offenders == []
