import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Statistics cache what they compute from rollups; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()
