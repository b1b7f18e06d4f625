from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """allauth counts login attempts in the cache: each test starts and ends with none."""
    cache.clear()
    yield
    cache.clear()
