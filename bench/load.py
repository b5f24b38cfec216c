"""The load phases of `make bench-state` (bench/README.md), through locust's library API.

    .venv/bin/python bench/load.py --plan plan.json --out load.json --host http://127.0.0.1:8100

It starts the server itself (`--serve`, the gunicorn command line; its pid in
`--pid-file` for the caller's clean-up) and stops it at the end. For every endpoint of the
plan (written by `manage.py bench_queries`), in the plan's order (grouped by role), two
phases: 1 user, then `--users` users (default 20). A phase starts its users at once, lets
them run `--warmup` seconds (not counted), then counts every request that *starts* in the
next `--seconds` seconds, or longer until at least 3 have started (at most the request
timeout twice more: a page slower than the window still gets measured); when the window
closes the users finish the request in flight (up to the request timeout), so a slow
request started in the window is counted, not cut off. Between phases the driver waits
until the server is idle (gunicorn workers use no CPU and the database runs no query of
this database), so one phase's backlog does not slow the next; after a phase in which a
request timed out it restarts the server instead, because gunicorn would go on working
through every request the users gave up on (minutes of abandoned work at 20 users).
When the 1 user's median already reaches the timeout, the 20 users are not run: they
could only time out.

Decisions:

- 1 user asks back to back: the latency of one request on an otherwise idle server.
  The `--users` users each wait `--wait` between requests (default 0.5-1.5 s, uniform):
  people working at once and clicking fast, about 20 requests per second offered.
  `--wait 0` makes them ask back to back too (saturation: throughput, not latency).
- Percentiles are nearest-rank over every request counted, failed ones included (a
  30-s timeout is what that person waited); errors are also counted apart. They are
  computed here from each request's own time, not from locust's rounded histogram.
- Requests per second: requests counted / window length.
- Sessions: each account signs in once (locustfile.sign_in) and again only if its last
  phase was more than 10 minutes ago (the server signs a session out after 15 idle).
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shlex  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import locustfile  # noqa: E402
from phase_stats import summarize  # noqa: E402

REFRESH_AFTER = 10 * 60  # seconds without use before an account signs in again
DRAIN_LIMIT = 120  # seconds to wait for an idle server at most
MIN_REQUESTS = 3  # a window stays open until this many requests started in it
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Server:
    """The gunicorn server the driver starts, restarts and stops (`--serve`), and what it
    watches of it: the workers' CPU and the database's running queries."""

    def __init__(self, command: list[str], *, host, log, pid_file, database_url):
        self.command = command
        self.host = host
        self.log = log
        self.pid_file = pid_file
        self.database_url = database_url
        self.process: subprocess.Popen | None = None
        self.gunicorn_pid: int | None = None
        self.restarts = 0

    def start(self) -> None:
        # The caller's own command line (bench/run-state), no shell; a session of its own,
        # so a lingering server and its workers can be killed as one group.
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(  # noqa: S603
                self.command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.gunicorn_pid = self.process.pid
        if self.pid_file:
            Path(self.pid_file).write_text(f"{self.gunicorn_pid}\n")
        began = time.monotonic()
        while time.monotonic() - began < 60:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}): see {self.log}")
            try:
                if requests.get(f"{self.host}/health/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            gevent.sleep(0.5)
        raise RuntimeError(f"the server did not answer on {self.host}: see {self.log}")

    def stop(self) -> None:
        """Quick shutdown (SIGINT: workers end now, queued connections are reset), then
        SIGKILL to the server's own process group if it lingers."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> float:
        began = time.monotonic()
        self.stop()
        self.start()
        self.restarts += 1
        return time.monotonic() - began

    def _workers(self) -> list[int]:
        if not self.gunicorn_pid:
            return []
        path = Path(f"/proc/{self.gunicorn_pid}/task/{self.gunicorn_pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def _cpu_ticks(self) -> int:
        total = 0
        for pid in self._workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total

    def _active_queries(self) -> int:
        if not self.database_url:
            return 0
        sql = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
        # A fixed argument list (no shell); psql from PATH, as bench/run-state uses it.
        out = subprocess.run(  # noqa: S603
            ["psql", self.database_url, "-Atc", sql],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        return int(out.stdout.strip() or 0) if out.returncode == 0 else 0

    def drain(self) -> float:
        """Wait until workers are idle (under 5% CPU for 1 s) and no query runs."""
        began = time.monotonic()
        quiet = 0
        before = self._cpu_ticks()
        while time.monotonic() - began < DRAIN_LIMIT:
            gevent.sleep(0.5)
            now = self._cpu_ticks()
            idle = (now - before) <= 0.05 * 0.5 * CLOCK_TICKS * max(1, len(self._workers()))
            before = now
            quiet = quiet + 1 if idle and not self._active_queries() else 0
            if quiet >= 2:
                break
        return time.monotonic() - began


class Sessions:
    """One session cookie per account, signed in when first needed (see module docstring)."""

    def __init__(self, host: str):
        self.host = host
        self.cookies: dict[str, str] = {}
        self.last_used: dict[str, float] = {}
        self.sign_ins = 0
        self.seconds = 0.0

    def ensure(self, accounts: list[dict]) -> dict[str, str]:
        now = time.monotonic()
        for account in accounts:
            name = account["username"]
            if name not in self.cookies or now - self.last_used.get(name, 0) > REFRESH_AFTER:
                began = time.monotonic()
                self.cookies[name] = locustfile.sign_in(self.host, account)
                self.seconds += time.monotonic() - began
                self.sign_ins += 1
            self.last_used[name] = time.monotonic()
        return self.cookies

    def touch(self, accounts: list[dict]) -> None:
        for account in accounts:
            self.last_used[account["username"]] = time.monotonic()


def run_phase(host, endpoint, targets, *, users, warmup, seconds, wait) -> dict:
    samples: list[tuple[float, float, str | None]] = []
    window = [float("inf"), float("inf")]  # [opened, closed): starts counted

    def on_request(response_time, exception, start_time=None, **_):
        if start_time is not None and window[0] <= start_time < window[1]:
            samples.append((start_time, response_time, _kind(exception)))

    user_class = locustfile.for_endpoint(endpoint, targets, wait=wait)
    env = Environment(user_classes=[user_class], host=host, stop_timeout=locustfile.TIMEOUT + 5)
    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users, 1))
    gevent.sleep(warmup)
    window[0] = time.time()
    gevent.sleep(seconds)
    longest = seconds + 2 * locustfile.TIMEOUT
    while (
        sum(1 for t in user_class.started if t >= window[0]) < MIN_REQUESTS
        and time.time() - window[0] < longest
    ):
        gevent.sleep(0.25)
    window[1] = time.time()
    runner.stop()  # the users finish the request in flight (stop_timeout)
    runner.quit()
    length = window[1] - window[0]
    return {"users": users, "seconds": round(length, 1), **summarize(samples, length)}


def _kind(exception) -> str | None:
    """A short name for a failure: 'HTTP 500', 'HTTP 302 -> /account/login/', 'timeout' ..."""
    if exception is None:
        return None
    text = str(exception)
    if "timed out" in text.lower() or "timeout" in type(exception).__name__.lower():
        return "timeout"
    if text.startswith("HTTP "):
        return text.split("?")[0][:80]
    return f"{type(exception).__name__}: {text[:60]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--host", default="http://127.0.0.1:8100")
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", "20")))
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "10"))
    )
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", "3")))
    parser.add_argument("--wait", default=os.environ.get("BENCH_WAIT", "0.5-1.5"))
    parser.add_argument(
        "--only",
        default=os.environ.get("BENCH_ONLY", ""),
        help="comma-separated endpoint ids (default: all)",
    )
    parser.add_argument("--serve", required=True, help="the server's command line")
    parser.add_argument("--server-log", default="gunicorn.log")
    parser.add_argument("--pid-file", default="")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()

    plan = json.loads(Path(args.plan).read_text())
    only = {e.strip() for e in args.only.split(",") if e.strip()}
    endpoints = [e for e in plan["endpoints"] if not only or e["id"] in only]
    server = Server(
        shlex.split(args.serve),
        host=args.host,
        log=args.server_log,
        pid_file=args.pid_file,
        database_url=args.database_url,
    )
    # SIGTERM (the caller's clean-up) ends the run through `finally`: the server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.monotonic()
    server.start()
    try:
        results, sessions = run_all(args, plan, endpoints, server)
    finally:
        server.stop()
    out = {
        "config": {
            "host": args.host,
            "users": args.users,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "wait": args.wait,
            "timeout": locustfile.TIMEOUT,
            "min_requests": MIN_REQUESTS,
        },
        "server_restarts": server.restarts,
        "sign_ins": {"count": sessions.sign_ins, "seconds": round(sessions.seconds, 1)},
        "seconds": round(time.monotonic() - began, 1),
        "endpoints": results,
    }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    return 0


def run_all(args, plan, endpoints, server):
    sessions = Sessions(args.host)
    results = []
    for endpoint in endpoints:
        accounts = plan["accounts"][endpoint["role"]]
        row = {"id": endpoint["id"], "label": endpoint["label"], "role": endpoint["role"]}
        for users in (1, args.users):
            if users > 1 and _times_out(row["users_1"]):
                row["users_n"] = {"users": users, "skipped": "1 user already times out"}
                print(f"  {endpoint['label']:<30} {users:>3} users: not run", file=sys.stderr)
                continue
            used = accounts[: min(users, len(accounts))]
            cookies = {} if endpoint["api"] else sessions.ensure(used)
            targets = locustfile.targets_for(endpoint, accounts, cookies, len(used))
            phase = run_phase(
                args.host,
                endpoint,
                targets,
                users=users,
                warmup=args.warmup,
                seconds=args.seconds,
                wait="0" if users == 1 else args.wait,
            )
            phase["accounts"] = len(used)
            if phase["error_kinds"].get("timeout") or any(
                not k.startswith("HTTP") for k in phase["error_kinds"]
            ):
                phase["restart_s"] = round(server.restart(), 1)
            else:
                phase["drain_s"] = round(server.drain(), 1)
            sessions.touch(used)
            row[f"users_{'1' if users == 1 else 'n'}"] = phase
            print(
                f"  {endpoint['label']:<30} {users:>3} users: {phase['requests']:>5} requests, "
                f"p50 {phase['p50_ms']} ms, p95 {phase['p95_ms']} ms, {phase['rps']} /s, "
                f"{phase['errors']} errors {phase['error_kinds'] or ''}",
                file=sys.stderr,
                flush=True,
            )
        results.append(row)
    return results, sessions


def _times_out(phase: dict) -> bool:
    """Whether one user's median request already reached the timeout."""
    p50 = phase.get("p50_ms")
    return p50 is not None and p50 >= locustfile.TIMEOUT * 1000


if __name__ == "__main__":
    sys.exit(main())
