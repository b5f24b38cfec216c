"""Figures of one load phase, from each request's own time (bench/load.py)."""

import math
from collections import Counter


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an already sorted list (None when empty)."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def summarize(samples: list[tuple[float, float, str | None]], seconds: float) -> dict:
    times = sorted(t for _, t, _ in samples)
    errors = Counter(e for _, _, e in samples if e)
    return {
        "requests": len(samples),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors.most_common()),
        "rps": round(len(samples) / seconds, 2) if seconds else None,
        "min_ms": round(times[0], 1) if times else None,
        "p50_ms": _round(percentile(times, 0.50)),
        "p90_ms": _round(percentile(times, 0.90)),
        "p95_ms": _round(percentile(times, 0.95)),
        "p99_ms": _round(percentile(times, 0.99)),
        "max_ms": round(times[-1], 1) if times else None,
        "mean_ms": round(sum(times) / len(times), 1) if times else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
