"""The results of `make bench-state` as markdown and JSON (bench/README.md).

    .venv/bin/python bench/report.py --plan plan.json --load load.json --label state

Reads the plan (`manage.py bench_queries`: data sizes, queries per request, the
statewide fidelity timing) and the load results (`bench/load.py`), adds the machine and
the commit, and writes bench/<date>-<label>.md and .json; prints the markdown.

Decisions:

- The budgets are DESIGN.md's: a row is within budget when its p95 is at most 150 ms
  with 1 and with 20 users and no request failed; the statewide report when it takes at
  most 1.5 times the hand-written SQL and both compute the same figures.
- The JSON keeps every figure the markdown shows and more (p90, p99, max, mean, error
  kinds, drain times, each timed run), but no secrets: the plan's API tokens,
  authenticator keys and passwords, and each account's paths, stay in the run's
  temporary directory.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

P95_BUDGET_MS = 150.0
SQL_RATIO_BUDGET = 1.5
ROOT = Path(__file__).resolve().parent.parent
FIGURE_LABELS = {
    "families": "families enrolled in the period",
    "completed_home_visits": "completed home visits",
    "completed_contacts": "completed contacts (not in the home)",
    "expected_weeks": "expected weeks",
    "covered_weeks": "covered weeks",
}

# The data sizes the report shows, in its column order.
SIZE_KEYS = (
    "agencies",
    "teams",
    "staff",
    "home_visitors",
    "active_families",
    "past_families",
    "enrollments",
    "visits",
    "completed_visits",
    "visit_plans",
    "audit_events",
)


def _git(*args: str) -> str:
    # A fixed argument list (no shell); git from PATH.
    command = ["git", *args]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    return out.stdout.strip()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def machine(load_start: str) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    # BENCH_COMMIT (and BENCH_COMMIT_SUBJECT) name the commit measured when the run is
    # from an export of it (`git archive`), which has no .git to ask.
    given = os.environ.get("BENCH_COMMIT", "").strip()
    dirty = not given and bool(_git("status", "--porcelain", "--untracked-files=no"))
    commit = given or _git("rev-parse", "--short=12", "HEAD")
    subject = (_git("log", "-1", "--format=%s", commit) if commit else "") or os.environ.get(
        "BENCH_COMMIT_SUBJECT", ""
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "load_average_start": load_start,
        "load_average_end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": _version("django"),
        "gunicorn": _version("gunicorn"),
        "locust": _version("locust"),
        "commit": (commit or "?") + (" (+ uncommitted changes)" if dirty else ""),
        "commit_subject": subject[:120],
    }


def phase_verdict(*phases: dict) -> tuple[bool, str]:
    problems = []
    for phase in phases:
        p95 = phase.get("p95_ms")
        who = f"{phase['users']} user{'s' if phase['users'] != 1 else ''}"
        if phase.get("skipped"):
            problems.append(f"{who}: not run ({phase['skipped']})")
        elif p95 is None:
            problems.append(f"{who}: no request")
        elif p95 > P95_BUDGET_MS:
            problems.append(f"{who}: p95 {p95:,.0f} ms")
        if phase.get("errors"):
            problems.append(f"{who}: {phase['errors']} errors")
    return (not problems, "within" if not problems else "OVER: " + "; ".join(problems))


def _ms(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def build(plan: dict, load: dict, meta: dict) -> tuple[str, dict]:
    db = plan["database"]
    cfg = load["config"]
    endpoints = {e["id"]: e for e in plan["endpoints"]}
    rows = []
    for result in load["endpoints"]:
        ep = endpoints[result["id"]]
        one, many = result["users_1"], result["users_n"]
        ok, verdict = phase_verdict(one, many)
        rows.append(
            {
                "id": ep["id"],
                "label": ep["label"],
                "role": ep["role"],
                "api": ep["api"],
                "example_path": ep["paths"][0],
                "queries": ep["queries"],
                "status_in_process": ep["status"],
                "in_process_ms": ep["in_process_ms"],
                "users_1": one,
                "users_n": many,
                "within_budget": ok,
                "verdict": verdict,
            }
        )
    fidelity = plan.get("fidelity")
    lines = [
        f"# Statewide bench, {meta['date']} ({meta['label']})",
        "",
        f"`make bench-state` (bench/README.md), {meta['when']}. Indicative figures: the "
        f"machine's {meta['machine']['cores']} cores are shared with other work (load "
        f"average {meta['machine']['load_average_start']} at the start, "
        f"{meta['machine']['load_average_end']} at the end).",
        "",
        "## Data",
        "",
        "| agencies | teams | staff | home visitors | active families | past families "
        "| enrollments | visits | completed visits | visit plans | audit events |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        "| " + " | ".join(f"{db[k]:,}" for k in SIZE_KEYS) + " |",
        "",
        f"Data set: `seed_demo --scale {meta['scale']}`, {meta['seeded']}. "
        f"Database: PostgreSQL {db.get('server_version', '?')}.",
        "",
        "## Machine and run",
        "",
        f"- Machine: {meta['machine']['cores']} cores ({meta['machine']['cpu']}), "
        f"{meta['machine']['memory_gb']} GB; Python {meta['machine']['python']}, "
        f"Django {meta['machine']['django']}, gunicorn {meta['machine']['gunicorn']}, "
        f"locust {meta['machine']['locust']}.",
        f"- Commit: `{meta['machine']['commit']}`"
        + (
            f" ({meta['machine']['commit_subject']})." if meta["machine"]["commit_subject"] else "."
        ),
        f"- Server: `{meta['server']}`, DEBUG off, on loopback; the load generator runs on "
        "the same machine.",
        f"- Load per endpoint: 1 user back to back, then {cfg['users']} users each waiting "
        f"{cfg['wait']} s between requests; {cfg['warmup']:g} s warm-up (not counted), then "
        f"every request started in the next {cfg['seconds']:g} s is counted (longer, until "
        f"{cfg.get('min_requests', 3)} have started, for slow pages); request timeout "
        f"{cfg['timeout']:g} s (a timeout is an error; the server is restarted after a "
        f"phase with one, {load.get('server_restarts', 0)} times in this run; the "
        f"{cfg['users']} users are not run when 1 user's median reaches the timeout). "
        f"{load['sign_ins']['count']} sign-ins over HTTP took {load['sign_ins']['seconds']} s.",
        f"- Durations: {meta['durations']}.",
        "",
        "## Pages and endpoints",
        "",
        f"Budget (DESIGN.md): p95 ≤ {P95_BUDGET_MS:.0f} ms and no error. Times in ms; "
        "queries per request counted in-process once, as the role's first account.",
        "",
        f"| endpoint | role | queries | 1 user p50 | p95 | req/s | errors | "
        f"{cfg['users']} users p50 | p95 | req/s | errors | budget |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['role'].replace('_', ' ')} | {r['queries']} | "
            f"{_cells(r['users_1'])} | {_cells(r['users_n'])} | {r['verdict']} |"
        )
    within = sum(r["within_budget"] for r in rows)
    lines += ["", f"{within} of {len(rows)} endpoints within budget."]
    errors = [
        f"{r['label']} ({phase['users']} user{'s' if phase['users'] != 1 else ''}): "
        f"{phase['error_kinds']}"
        for r in rows
        for phase in (r["users_1"], r["users_n"])
        if phase.get("errors")
    ]
    if errors:
        lines += ["", "Errors:", "", *[f"- {e}" for e in errors]]
    if fidelity:
        ratio = fidelity["ratio"]
        verdict = "within" if ratio is not None and ratio <= SQL_RATIO_BUDGET else "OVER"
        agree = (
            "the five figures agree"
            if fidelity["agree"]
            else "the figures DIFFER (the ratio compares different work until they agree): "
            + "; ".join(fidelity["differences"])
        )
        best = "jit off" if fidelity["sql_best"] == "sql_jit_off" else "server settings"
        lines += [
            "",
            "## Statewide fidelity report against hand-written SQL",
            "",
            f"Period {fidelity['period']['start']} to {fidelity['period']['end']} (the last "
            f"{fidelity['period']['months']} months), every agency of the state. App: "
            "`fidelity_report(state administrator, level='state')` in-process (the use case "
            "of the state page and `GET /api/v1/fidelity/?level=state`, which computes more "
            f"than these five figures); SQL: `{fidelity['sql_file']}`, one statement over the "
            "raw tables. One untimed run of each, then timed runs alternating.",
            "",
            "| | median ms | runs ms |",
            "|---|---:|---|",
            f"| app | {fidelity['app_median_ms']:,.0f} | {_runs(fidelity['app_ms'])} |",
            f"| SQL, server settings (jit {fidelity.get('server_jit', '?')}) | "
            f"{fidelity['sql_median_ms']:,.0f} | {_runs(fidelity['sql_ms'])} |",
            f"| SQL, jit off for its transaction | "
            f"{fidelity['sql_jit_off_median_ms']:,.0f} | {_runs(fidelity['sql_jit_off_ms'])} |",
            "",
            f"Ratio app / best SQL ({best}): **{ratio}×** (budget ≤ {SQL_RATIO_BUDGET}×): "
            f"{verdict}; {agree}.",
            "",
            "| figure | app | SQL | |",
            "|---|---:|---:|---|",
        ]
        app, sql = fidelity["figures"]["app"], fidelity["figures"]["sql"]
        for key, label in FIGURE_LABELS.items():
            a, s = app.get(key), sql.get(key)
            lines.append(
                f"| {label} | {_count(a)} | {_count(s)} | {'same' if a == s else 'DIFFERENT'} |"
            )
    lines += [
        "",
        "Raw figures: the JSON file of the same name. How it is measured: bench/README.md.",
        "",
    ]
    raw = {
        "date": meta["date"],
        "label": meta["label"],
        "meta": meta,
        "database": db,
        "load_config": cfg,
        "sign_ins": load["sign_ins"],
        "accounts_per_role": {role: len(a) for role, a in plan["accounts"].items()},
        "endpoints": rows,
        "fidelity": fidelity,
        "budgets": {"p95_ms": P95_BUDGET_MS, "sql_ratio": SQL_RATIO_BUDGET},
    }
    return "\n".join(lines), raw


def _cells(phase: dict) -> str:
    """p50 | p95 | req/s | errors of a phase, or 'not run' four times."""
    if phase.get("skipped"):
        return " | ".join(["not run"] * 4)
    return f"{_ms(phase['p50_ms'])} | {_ms(phase['p95_ms'])} | {phase['rps']} | {phase['errors']}"


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:,.0f}" for t in times)


def _count(value) -> str:
    return "hidden" if value is None else f"{value:,}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--load", required=True)
    parser.add_argument("--label", required=True, help="'state' or e.g. 'scale2'")
    parser.add_argument("--scale", required=True)
    parser.add_argument("--seeded", default="", help="how the data came to be, for the text")
    parser.add_argument("--server", default="gunicorn")
    parser.add_argument("--durations", default="")
    parser.add_argument("--load-start", default="")
    parser.add_argument("--out-dir", default=str(ROOT / "bench"))
    args = parser.parse_args()
    plan = json.loads(Path(args.plan).read_text())
    load = json.loads(Path(args.load).read_text())
    now = datetime.now().astimezone()
    meta = {
        "date": now.date().isoformat(),
        "when": now.strftime("%Y-%m-%d %H:%M %Z"),
        "label": args.label,
        "scale": args.scale,
        "seeded": args.seeded,
        "server": args.server,
        "durations": args.durations,
        "machine": machine(args.load_start),
    }
    text, raw = build(plan, load, meta)
    out = Path(args.out_dir)
    stem = f"{meta['date']}-{args.label}"
    (out / f"{stem}.md").write_text(text)
    (out / f"{stem}.json").write_text(json.dumps(raw, indent=2) + "\n")
    print(text)
    print(f"Written: {out / stem}.md and .json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
