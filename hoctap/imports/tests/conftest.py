import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English; the Vietnamese ones are checked by test_language."""
    with translation.override("en"):
        yield
