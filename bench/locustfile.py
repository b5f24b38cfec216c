"""The simulated people of `make bench-state` (bench/README.md).

Each simulated user is signed in as one demo account and asks for one endpoint, over and
over: the path that account would open (its own family's chart, its team's page ...),
as written by `manage.py bench_queries` in the plan file. `bench/load.py` drives this
module through locust's library API, one endpoint at a time; the locust CLI can run it
for one endpoint too:

    BENCH_PLAN=plan.json BENCH_ENDPOINT=caseload .venv/bin/locust -f bench/locustfile.py \\
        --headless -u 20 -r 20 -t 15s --host http://127.0.0.1:8100

Decisions:

- Pages sign in as a person does, over HTTP: the login form, then the authenticator code
  for the roles that must use two-factor (the plan holds each bench device's key). Each
  account signs in once and its session cookie is shared by the simulated users mapped
  to it (round-robin), so 20 users need no 20 sign-ins per endpoint, and an account with
  a single person (the state administrator) still serves 20 users (an authenticator
  code is good only once, so one account cannot sign in 20 times at once).
- API endpoints send the account's token (`Authorization: Token ...`), as API clients do.
- Anything but a 200 is an error, redirects included (not followed: a session that timed
  out answers with a redirect to the sign-in page, which must not pass for the page).
- A request gets `TIMEOUT` seconds (BENCH_TIMEOUT, default 30); a timeout is an error.
"""

import itertools
import json
import os
import time
from pathlib import Path

import requests
from django_otp.oath import totp
from locust import FastHttpUser, between, constant, task

SESSION_COOKIE = "sessionid"  # SECURE_HTTPS=0 on the bench server: no __Secure- prefix
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "30"))
SIGN_IN_TIMEOUT = 60.0  # signing in is not measured


class SignInFailed(RuntimeError):
    pass


def wait_time_from(spec: str):
    """'0' -> back to back; '1' -> 1 s between requests; '0.5-1.5' -> uniform in that range."""
    low, _, high = spec.partition("-")
    if not high:
        return constant(float(low))
    return between(float(low), float(high))


def sign_in(host: str, account: dict, *, timeout: float = SIGN_IN_TIMEOUT) -> str:
    """Sign `account` in through the login form (and the two-factor form when asked);
    the session cookie's value."""
    http = requests.Session()
    login = f"{host}/account/login/"
    http.get(login, timeout=timeout).raise_for_status()
    answer = http.post(
        login,
        data={
            "username": account["username"],
            "password": account["password"],
            "csrfmiddlewaretoken": http.cookies.get("csrftoken", ""),
        },
        allow_redirects=False,
        timeout=timeout,
    )
    where = answer.headers.get("Location", "")
    if answer.status_code != 302 or where.startswith("/account/login"):
        raise SignInFailed(f"{account['username']}: sign-in answered {answer.status_code}")
    if where.startswith("/account/two-factor/"):
        if not account.get("totp_key"):
            raise SignInFailed(f"{account['username']}: two-factor asked, no bench device")
        for _ in range(2):
            code = totp(bytes.fromhex(account["totp_key"]))
            answer = http.post(
                f"{host}/account/two-factor/",
                data={"code": f"{code:06d}", "csrfmiddlewaretoken": http.cookies.get("csrftoken")},
                allow_redirects=False,
                timeout=timeout,
            )
            where = answer.headers.get("Location", "")
            if answer.status_code == 302 and not where.startswith("/account/"):
                break
            # A code is good once: after a recent sign-in, wait for the next 30-s step.
            time.sleep(31 - time.time() % 30)
        else:
            raise SignInFailed(f"{account['username']}: the authenticator code was refused")
    cookie = http.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise SignInFailed(f"{account['username']}: no session cookie after sign-in")
    return cookie


class EndpointUser(FastHttpUser):
    """One signed-in person asking for one endpoint. `load.py` makes a subclass per
    phase (`for_endpoint`) with the targets: (path, headers) per account."""

    abstract = True
    network_timeout = TIMEOUT
    connection_timeout = TIMEOUT
    wait_time = constant(0)
    label = ""
    targets: list[tuple[str, dict[str, str]]] = []
    started: list[float] = []  # when each request started (the driver's window)
    _numbers = itertools.count()

    def on_start(self):
        self.path, self.headers = self.targets[next(self._numbers) % len(self.targets)]

    @task
    def get(self):
        self.started.append(time.time())
        with self.client.get(
            self.path,
            name=self.label,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            error = getattr(response, "error", None)
            if response.status_code == 0 and error is not None:
                # No answer: a timeout or a refused or reset connection.
                response.failure(error)
            elif response.status_code != 200:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"HTTP {response.status_code}{' -> ' + where if where else ''}")


def targets_for(endpoint: dict, accounts: list[dict], cookies: dict[str, str], n: int):
    """(path, headers) for the first `n` accounts of the endpoint's role."""
    rows = []
    for path, account in list(zip(endpoint["paths"], accounts, strict=True))[:n]:
        if endpoint["api"]:
            headers = {"Authorization": f"Token {account['token']}"}
        else:
            headers = {"Cookie": f"{SESSION_COOKIE}={cookies[account['username']]}"}
        rows.append((path, headers))
    return rows


def for_endpoint(endpoint: dict, targets, *, wait: str = "0") -> type[EndpointUser]:
    return type(
        f"User_{endpoint['id']}",
        (EndpointUser,),
        {
            "abstract": False,
            "label": endpoint["label"],
            "targets": targets,
            "wait_time": wait_time_from(wait),
            "_numbers": itertools.count(),
            "started": [],
        },
    )


# The locust CLI: one endpoint from the plan, every account of its role signed in first.
if os.environ.get("BENCH_PLAN") and os.environ.get("BENCH_ENDPOINT"):
    _plan = json.loads(Path(os.environ["BENCH_PLAN"]).read_text())
    _endpoint = next(e for e in _plan["endpoints"] if e["id"] == os.environ["BENCH_ENDPOINT"])
    _accounts = _plan["accounts"][_endpoint["role"]]
    _host = os.environ.get("BENCH_HOST", "http://127.0.0.1:8100")
    _cookies = {} if _endpoint["api"] else {a["username"]: sign_in(_host, a) for a in _accounts}
    BenchUser = for_endpoint(
        _endpoint,
        targets_for(_endpoint, _accounts, _cookies, len(_accounts)),
        wait=os.environ.get("BENCH_WAIT", "0"),
    )
