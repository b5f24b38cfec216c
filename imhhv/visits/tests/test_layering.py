"""Visits sit above families: families reaches visits only through its chart registry.

(The guard that no view builds an unscoped family or visit query is
`tests/test_one_way_in.py`, over every module.)
"""


def test_visits_registers_its_chart_section():
    from imhhv.families.chart import _sections
    from imhhv.visits.chart import chart_section

    assert chart_section in _sections
