"""Production settings pass Django's deployment checks; security headers are sent; `make
run` serves the demo with DEBUG off; the README's commands work after it (and say clearly
what is missing before it)."""

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
# What a user's shell would not have: pytest's marker, make's own variables, and every
# setting `make run` or a test chooses itself.
NOT_INHERITED = {
    "PYTEST_VERSION",
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "DEBUG",
    "DEMO_MODE",
    "SECURE_HTTPS",
    "SECRET_KEY",
    "AUDIT_HMAC_KEYS",
    "AUDIT_HMAC_KEY_ID",
    "ALLOWED_HOSTS",
    "IMHHV_ENV_FILE",
    "DATABASE_URL",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
}


def user_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell in this checkout, with a throwaway database and
    env file under `tmp_path` instead of the checkout's own."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env["IMHHV_ENV_FILE"] = str(tmp_path / "env.local")
    env.update(extra)
    return env


def test_check_deploy_is_clean_under_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DEMO_MODE", "PYTEST_VERSION", "SECURE_HTTPS"}
    }
    env.update(
        SECRET_KEY="x9!" + "k" * 30 + "production-like-random-secret-value-0123456789",
        AUDIT_HMAC_KEYS="prod1:" + "q" * 40,
        ALLOWED_HOSTS="imhhv.example.org",
        DEBUG="0",
        IMHHV_ENV_FILE=str(ROOT / "no-such-env-file"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "PYTEST_VERSION", "SECRET_KEY"}
    }
    env["IMHHV_ENV_FILE"] = str(ROOT / "no-such-env-file")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_security_headers(client, db):
    response = client.get("/account/login/")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
    assert len(response["X-Request-ID"]) == 32


def test_hsts_is_sent_behind_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/account/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_command_before_make_run_says_what_is_missing_without_a_traceback(tmp_path):
    # A fresh clone: no SECRET_KEY exported, no env file written by `make run` yet.
    result = subprocess.run(
        [str(PYTHON), "manage.py", "demo_logins", "--json"],
        cwd=ROOT,
        env=user_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "make run" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Demo:
    """`make run` in the background, its output collected; stopped with its process group."""

    def __init__(self, env: dict[str, str], port: int, env_file: Path):
        self.port = port
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [
                "make",
                "run",
                f"PORT={port}",
                f"ENV_FILE={env_file}",
                "SEED_ARGS=--families-per-visitor 1 1",
                "GUNICORN_ARGS=--workers 1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_until_serving(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"make run stopped (exit {self.proc.returncode}):\n{self.output}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.5)
                continue
            # The port answers before the health probe does; the logins and the address
            # are printed once it has, as the last lines.
            if "Serving at http://" in self.output:
                return
            time.sleep(0.5)
        pytest.fail(f"make run did not serve within {timeout} s:\n{self.output}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_make_run_serves_the_demo_with_debug_off(tmp_path):
    """The demo as `make run` serves it: gunicorn, DEBUG off, static files by WhiteNoise,
    demo data seeded, logins printed, a generated key kept in the env file; afterwards the
    README's commands work as written (here with the test's database and env file)."""
    env_file = tmp_path / "env.local"
    env = user_env(tmp_path)
    port = _free_port()
    demo = _Demo(env, port, env_file)
    try:
        demo.wait_until_serving()
        base = f"http://127.0.0.1:{port}"
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())

        def get(path: str):
            try:
                response = opener.open(base + path, timeout=30)
            except urllib.error.HTTPError as error:
                response = error
            return response, response.read().decode(errors="replace")

        # A 404 is the site's own page, not Django's debug page with the URL configuration.
        response, body = get("/no-such-page/")
        assert response.status == 404
        assert "URLconf" not in body and "DEBUG = True" not in body and "Traceback" not in body

        # The sign-in page over plain HTTP on localhost: no redirect to HTTPS, plain cookies.
        response, body = get("/account/login/")
        assert response.status == 200, body
        assert "synthetic" in body.lower()  # the demo banner: DEMO_MODE is on
        assert {c.name for c in jar} >= {"csrftoken"} and not any(c.secure for c in jar)

        # The stylesheet: a content-hashed name, served by WhiteNoise with DEBUG off.
        css = re.search(r'<link rel="stylesheet" href="([^"]+)"', body).group(1)
        assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", css), css
        response, text = get(css)
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/css")
        assert "immutable" in response.headers["Cache-Control"] and text.strip()

        # A printed demo login signs in.
        assert "Demo logins, one per role" in demo.output and "hv.washtenaw.a1" in demo.output
        # The address comes after the logins: the last thing `make run` itself prints.
        assert demo.output.index("Serving at http://127.0.0.1:") > demo.output.index("hv.")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "hv.washtenaw.a1",
                "password": "synthetic-demo-2026",
                "next": "",
            }
        ).encode()
        request = urllib.request.Request(
            base + "/account/login/", data=form, headers={"Referer": base + "/account/login/"}
        )
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        assert response.status == 302, response.read().decode(errors="replace")
        assert "login" not in response.headers["Location"]
    finally:
        demo.stop()

    # The generated secrets stay in the git-ignored env file, readable by the owner only,
    # and a second `make run` keeps them.
    written = env_file.read_text()
    assert re.search(r"^SECRET_KEY=\S{40,}$", written, re.MULTILINE)
    assert re.search(r"^AUDIT_HMAC_KEYS=\S+:\S{32,}$", written, re.MULTILINE)
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    again = subprocess.run(
        ["make", "-s", str(env_file), f"ENV_FILE={env_file}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and env_file.read_text() == written

    # The README's commands, exactly as written (the shell has no SECRET_KEY, no DEBUG).
    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    logins = manage("demo_logins", "--json")
    assert logins.returncode == 0, logins.stderr
    usernames = {row["username"] for row in json.loads(logins.stdout)}
    assert {"state.admin", "evaluator", "hv.washtenaw.a1", "sup.washtenaw.a"} <= usernames
    verified = manage("verify_audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # Outside `make run` (no DEMO_MODE) seeding refuses, with one clear line.
    seeded = manage("seed_demo", "--if-empty")
    assert seeded.returncode != 0 and "DEMO_MODE=1" in seeded.stderr
    assert "Traceback" not in seeded.stderr
    assert manage("seed_demo", "--if-empty", "--force").stdout.strip().endswith("nothing to do.")


def test_the_env_file_fills_only_what_the_environment_leaves_unset(tmp_path, monkeypatch):
    from config.settings import load_env_file

    path = tmp_path / "env.local"
    path.write_text("# generated\n\nIMHHV_T_KEPT=from-file\nIMHHV_T_NEW = a=b \nnot a line\n")
    monkeypatch.setenv("IMHHV_T_KEPT", "from-environment")
    monkeypatch.delenv("IMHHV_T_NEW", raising=False)
    load_env_file(path)
    assert os.environ["IMHHV_T_KEPT"] == "from-environment"
    assert os.environ["IMHHV_T_NEW"] == "a=b"
    monkeypatch.delenv("IMHHV_T_NEW")
