"""The chart's section registry: apps above families add to the chart without families
importing them (the layering finding of issue 7)."""

import ast
from pathlib import Path

from django.urls import reverse

from imhhv.families import chart


def test_a_registered_section_reaches_the_chart_context(cast, login, monkeypatch):
    seen = []

    def provider(family, today):
        seen.append((family.pk, today))
        return {"extra_section": f"for {family.pk}"}

    monkeypatch.setattr(chart, "_sections", [])
    chart.register_chart_section(provider)
    chart.register_chart_section(provider)  # idempotent
    response = login(cast.hv_a).get(reverse("families:detail", args=[cast.family_a.pk]))
    assert response.context["extra_section"] == f"for {cast.family_a.pk}"
    assert "extra_section" in response.context["section_keys"]
    assert len(seen) == 1


def test_without_a_visits_section_the_chart_has_no_visits(cast, login, monkeypatch):
    monkeypatch.setattr(chart, "_sections", [])
    response = login(cast.hv_a).get(reverse("families:detail", args=[cast.family_a.pk]))
    assert response.status_code == 200 and b'id="h-visits"' not in response.content


def test_families_imports_nothing_from_the_apps_above_it():
    above = ("imhhv.visits", "imhhv.reports", "imhhv.api", "imhhv.demo", "imhhv.workforce")
    root = Path(chart.__file__).parent
    for source in root.rglob("*.py"):
        if "tests" in source.parts:
            continue
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(above), (source, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith(above), (source, alias.name)
