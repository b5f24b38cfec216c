"""Which job names exist and what runs for each.

An app declares its jobs in its own `jobs.py`:

    from imhhv.jobs.registry import job

    @job("facts.rebuild", lease=timedelta(hours=1))
    def rebuild_facts(*, agency_id: int, since: str) -> dict:
        ...
        return {"rows": n}

`JobsConfig.ready()` imports every installed app's `jobs` module
(`autodiscover_modules("jobs")`), so a worker knows every job without a list to keep. A job
function takes keyword arguments only (the job's kwargs: ids and dates, as JSON gives
them: ISO strings for dates) and returns a small JSON object, stored as the job's result.
It runs outside any transaction: it opens its own where it needs one.

This module imports no models, so any app can import it at load time.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from imhhv.jobs.errors import UnknownJob

DEFAULT_LEASE = timedelta(minutes=10)
DEFAULT_MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., dict | None]
    queue: str
    max_attempts: int
    # How long a worker may hold the job before others presume it dead: longer than the
    # job's worst run time, or a slow run is taken over and run twice.
    lease: timedelta


_registry: dict[str, JobSpec] = {}


def job(
    name: str,
    *,
    queue: str = "default",
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    lease: timedelta = DEFAULT_LEASE,
) -> Callable:
    """Register the decorated function as the job `name` (e.g. "facts.rebuild")."""
    if max_attempts < 1:
        raise ImproperlyConfigured(f"job {name!r}: max_attempts must be at least 1")
    if lease <= timedelta(0):
        raise ImproperlyConfigured(f"job {name!r}: the lease must be positive")

    def register(func: Callable) -> Callable:
        existing = _registry.get(name)
        if existing is not None and _qualname(existing.func) != _qualname(func):
            raise ImproperlyConfigured(
                f"job {name!r} is registered twice: {_qualname(existing.func)} and "
                f"{_qualname(func)}"
            )
        _registry[name] = JobSpec(
            name=name, func=func, queue=queue, max_attempts=max_attempts, lease=lease
        )
        return func

    return register


def get_job(name: str) -> JobSpec:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownJob(f"No job is registered under the name {name!r}.") from None


def registered_jobs() -> dict[str, JobSpec]:
    return dict(sorted(_registry.items()))


def unregister(name: str) -> None:
    """Forget a job (tests register throwaway jobs and remove them afterwards)."""
    _registry.pop(name, None)


def _qualname(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"
