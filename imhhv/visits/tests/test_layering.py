"""Visit pages read family and visit rows only through access functions.

Rule (DESIGN.md §1): no view builds a `Family.objects` or `Visit.objects` query; the
lists come from `imhhv.visits.access` / `queries` / `fidelity`, which scope them. This
guard reads the source of every module that adapts HTTP for visits.
"""

import re
from pathlib import Path

import imhhv

ROOT = Path(imhhv.__file__).parent
ADAPTERS = [
    "visits/views.py",
    "visits/fidelity_views.py",
    "visits/catalogue_views.py",
    "visits/chart.py",
    "visits/forms.py",
    "api/visits.py",
    "api/fidelity.py",
]
UNSCOPED = re.compile(r"\b(Family|Visit|Enrollment|Assignment)\.objects\b")


def test_no_visit_adapter_builds_an_unscoped_family_or_visit_query():
    offenders = [
        f"{name}:{number}: {line.strip()}"
        for name in ADAPTERS
        if (ROOT / name).exists()
        for number, line in enumerate((ROOT / name).read_text().splitlines(), start=1)
        if UNSCOPED.search(line)
    ]
    assert offenders == []


def test_visits_registers_its_chart_section():
    from imhhv.families.chart import _sections
    from imhhv.visits.chart import chart_section

    assert chart_section in _sections
