"""Fixtures for the accounts tests, beside the cast in the root conftest."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """DRF's throttles count in the cache: every test starts and ends with none counted."""
    cache.clear()
    yield
    cache.clear()
