"""Jobs are declared with `@job` in each app's `jobs.py` and found at start-up."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

from imhhv.jobs.registry import get_job, job, registered_jobs
from imhhv.jobs.tests.conftest import manage

SHOW_REGISTRY = (
    "import json, sys; from imhhv.jobs.registry import registered_jobs; "
    "print(json.dumps({'jobs': {n: s.func.__module__ for n, s in registered_jobs().items()}, "
    "'modules': sorted(m for m in sys.modules if m.endswith('.jobs'))}))"
)


def first():
    return None


def second():
    return None


def test_every_installed_apps_jobs_module_is_imported_at_start_up():
    """A fresh process knows every job of every app with a `jobs.py` (the lead's
    "facts.rebuild" will arrive this way), with no list to keep."""
    ran = manage("shell", "-v", "0", "-c", SHOW_REGISTRY, database_url="sqlite:///:memory:")
    assert ran.returncode == 0, ran.stderr
    shown = json.loads(ran.stdout.strip().splitlines()[-1])
    job_modules = {
        f"{config.name}.jobs"
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "jobs")
    }
    assert "imhhv.jobs.jobs" in job_modules
    assert job_modules <= set(shown["modules"])
    assert set(shown["jobs"].values()) <= job_modules
    assert shown["jobs"]["audit.verify"] == shown["jobs"]["jobs.ping"] == "imhhv.jobs.jobs"
    assert set(shown["jobs"]) == set(registered_jobs()) - {
        name for name in registered_jobs() if name.startswith("test.")
    }


def test_a_registration_carries_its_defaults():
    spec = get_job("audit.verify")
    assert (spec.queue, spec.max_attempts, spec.lease) == ("default", 3, timedelta(hours=2))


def test_one_name_cannot_name_two_functions(registered):
    registered("test.twice", first)
    registered("test.twice", first)  # the same function again (a module re-imported) is fine
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        job("test.twice")(second)
    assert get_job("test.twice").func is first


@pytest.mark.parametrize(
    "options", [{"max_attempts": 0}, {"lease": timedelta(0)}, {"lease": timedelta(seconds=-1)}]
)
def test_a_registration_needs_an_attempt_and_a_lease(options):
    with pytest.raises(ImproperlyConfigured):
        job("test.bad", **options)
