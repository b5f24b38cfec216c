"""What every part of the demo data shares: the published password, the e-mail domain that
marks a demo account, and small helpers for dates and weighted draws."""

import random
from datetime import date, timedelta

DEMO_PASSWORD = "synthetic-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.invalid"


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _between(rng: random.Random, low: date, high: date) -> date:
    return low + _days(rng.randint(0, max(0, (high - low).days)))
