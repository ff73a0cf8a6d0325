import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _thai_and_fresh_cache():
    """Thai messages whatever an earlier test in this process activated."""
    cache.clear()
    with translation.override("th"):
        yield
