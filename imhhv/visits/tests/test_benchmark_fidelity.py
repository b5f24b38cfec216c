"""The fidelity benchmark runs, prints its figures and leaves nothing behind."""

from io import StringIO

from django.core.management import call_command

from imhhv.families.models import Family
from imhhv.visits.models import Visit


def test_prints_figures_and_rolls_back(catalogue):
    out = StringIO()
    call_command(
        "benchmark_fidelity",
        "--visitors",
        "2",
        "--families",
        "2",
        "--weeks",
        "6",
        "--repeat",
        "1",
        stdout=out,
    )
    text = out.getvalue()
    assert "build the week facts" in text and "agency page (agency admin)" in text
    assert "verify_facts: equal" in text and "fidelity_report, state" in text
    assert "GROWS" not in text
    assert not Family.objects.exists() and not Visit.objects.exists()
