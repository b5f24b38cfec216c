"""Tests of the bench's helpers: `.venv/bin/pytest bench/test_bench.py` (not in the suite's
testpaths: the bench is a tool, not the app). The hand-written SQL is checked against the
app by every bench run itself (the figures must agree)."""

from datetime import date

import phase_stats
import pytest
import report

from imhhv.core.fidelity import Coverage
from imhhv.demo.management.commands.bench_queries import _app_figures, _months_before


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]  # 1 .. 20
    assert phase_stats.percentile(values, 0.50) == 10
    assert phase_stats.percentile(values, 0.95) == 19
    assert phase_stats.percentile(values, 1.0) == 20
    assert phase_stats.percentile([7.0], 0.95) == 7
    assert phase_stats.percentile([], 0.5) is None


def test_summary_counts_failed_requests_in_times_and_apart():
    samples = [(0.0, 10.0, None)] * 18 + [(0.0, 30000.0, "timeout"), (0.0, 5.0, "HTTP 500")]
    figures = phase_stats.summarize(samples, seconds=10)
    assert figures["requests"] == 20
    assert figures["errors"] == 2
    assert figures["error_kinds"] == {"timeout": 1, "HTTP 500": 1}
    assert figures["rps"] == 2.0
    assert figures["p50_ms"] == 10.0
    assert figures["p95_ms"] == 10.0  # 19th of 20 sorted: the 18 fast ones, then 30000
    assert figures["p99_ms"] == 30000.0
    assert figures["min_ms"] == 5.0


def test_summary_of_no_request():
    figures = phase_stats.summarize([], seconds=10)
    assert figures["requests"] == 0
    assert figures["p95_ms"] is None
    assert figures["mean_ms"] is None


def _phase(users, p95, errors=0):
    return {"users": users, "p95_ms": p95, "errors": errors}


def test_verdict_needs_both_phases_within_and_no_error():
    assert report.phase_verdict(_phase(1, 40), _phase(20, 150)) == (True, "within")
    ok, text = report.phase_verdict(_phase(1, 40), _phase(20, 151))
    assert not ok and text == "OVER: 20 users: p95 151 ms"
    ok, text = report.phase_verdict(_phase(1, 40, errors=1), _phase(20, 90))
    assert not ok and text == "OVER: 1 user: 1 errors"
    ok, text = report.phase_verdict(_phase(1, None), _phase(20, 90))
    assert not ok and "no request" in text


def _plan_and_load(app_covered=90):
    phase = {
        "requests": 50,
        "errors": 0,
        "error_kinds": {},
        "rps": 5.0,
        "p50_ms": 20.0,
        "p95_ms": 30.0,
        "seconds": 10,
    }
    sizes = dict.fromkeys(
        report.SIZE_KEYS,
        1,
    )
    figures = {
        "families": 10,
        "completed_home_visits": 100,
        "completed_contacts": 5,
        "expected_weeks": 120,
        "covered_weeks": 90,
    }
    plan = {
        "database": {"server_version": "15", **sizes},
        "accounts": {"home_visitor": [{"username": "hv", "token": "secret-token"}]},
        "endpoints": [
            {
                "id": "caseload",
                "label": "Caseload",
                "role": "home_visitor",
                "api": False,
                "paths": ["/families/"],
                "queries": 16,
                "status": 200,
                "in_process_ms": 12.0,
            }
        ],
        "fidelity": {
            "period": {"start": "2025-12-02", "end": "2026-12-01", "months": 12},
            "sql_file": "bench/sql/state_fidelity.sql",
            "server_jit": "on",
            "app_ms": [300.0, 310.0, 320.0],
            "sql_ms": [200.0, 210.0, 220.0],
            "sql_jit_off_ms": [100.0, 110.0, 120.0],
            "app_median_ms": 310.0,
            "sql_median_ms": 210.0,
            "sql_jit_off_median_ms": 110.0,
            "sql_best": "sql_jit_off",
            "ratio": 2.82,
            "figures": {"app": {**figures, "covered_weeks": app_covered}, "sql": figures},
            "agree": app_covered == 90,
            "differences": [] if app_covered == 90 else [f"covered_weeks: app {app_covered}"],
        },
    }
    load = {
        "config": {"users": 20, "wait": "0.5-1.5", "warmup": 3, "seconds": 10, "timeout": 30},
        "sign_ins": {"count": 1, "seconds": 0.2},
        "endpoints": [
            {
                "id": "caseload",
                "users_1": {**phase, "users": 1},
                "users_n": {**phase, "users": 20, "p95_ms": 200.0},
            }
        ],
    }
    return plan, load


META = {
    "date": "2026-12-01",
    "when": "2026-12-01 10:00 UTC",
    "label": "state",
    "scale": "state",
    "seeded": "built",
    "server": "gunicorn",
    "durations": "",
    "machine": {
        "cores": 2,
        "cpu": "cpu",
        "memory_gb": 8,
        "load_average_start": "1",
        "load_average_end": "1",
        "python": "3.11",
        "django": "5.2",
        "gunicorn": "27",
        "locust": "2",
        "commit": "abc",
        "commit_subject": "s",
    },
}


def test_report_rows_ratio_and_no_secrets():
    plan, load = _plan_and_load()
    text, raw = report.build(plan, load, META)
    assert "| Caseload | home visitor | 16 | 20.0 | 30.0 | 5.0 | 0 | 20.0 | 200 |" in text
    assert "OVER: 20 users: p95 200 ms" in text
    assert "0 of 1 endpoints within budget." in text
    assert "Ratio app / best SQL (jit off): **2.82×** (budget ≤ 1.5×): OVER; the five" in text
    assert raw["endpoints"][0]["within_budget"] is False
    assert "secret-token" not in text and "secret-token" not in str(raw)
    assert raw["accounts_per_role"] == {"home_visitor": 1}


def test_report_flags_differing_figures():
    plan, load = _plan_and_load(app_covered=89)
    text, _ = report.build(plan, load, META)
    assert "the figures DIFFER" in text
    assert "| covered weeks | 89 | 90 | DIFFERENT |" in text
    assert "| expected weeks | 120 | 120 | same |" in text


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 1), 12, date(2025, 12, 1)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert _months_before(day, months) == expected


def test_app_figures_from_the_suppressed_dict_and_from_a_summary():
    shown = {
        "families": 12,
        "completed_home_visits": None,  # hidden
        "completed_contacts": 3,
        "coverage": {"expected_weeks": 40, "covered_weeks": 30, "share": 0.75},
    }
    assert _app_figures(shown) == {
        "families": 12,
        "completed_home_visits": None,
        "completed_contacts": 3,
        "expected_weeks": 40,
        "covered_weeks": 30,
    }

    class Summary:
        families, completed_home_visits, completed_contacts = 12, 50, 3
        coverage = Coverage(40, 30, 0.75)

    assert _app_figures(Summary())["covered_weeks"] == 30
    assert _app_figures(None) == {}


def test_a_phase_not_run_is_over_budget_and_shown_as_such():
    skipped = {"users": 20, "skipped": "1 user already times out"}
    ok, text = report.phase_verdict(_phase(1, 30000.0, errors=3), skipped)
    assert not ok
    assert (
        text == "OVER: 1 user: p95 30,000 ms; 1 user: 3 errors; "
        "20 users: not run (1 user already times out)"
    )
    plan, load = _plan_and_load()
    load["endpoints"][0]["users_n"] = skipped
    table, _ = report.build(plan, load, META)
    assert "| not run | not run | not run | not run |" in table
