"""The API's safety net for numbers too large for the database, and the helpers that read ids
strictly (`hoctap.core.ids`). The endpoints' own refusals are tested in their apps
(`hoctap/learning/tests/test_odd_numbers.py`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import translation
from ninja import NinjaAPI
from ninja.testing import TestClient

from hoctap.core.api import install_error_handlers
from hoctap.core.ids import MAX_ID, parse_digits, parse_id

SUPERSCRIPT_TWO = "²"  # "²".isdigit() is True, int("²") raises ValueError
THOUSANDS_OF_DIGITS = "7" * 5000  # int() refuses more than 4,300 digits


@pytest.mark.parametrize(
    "odd",
    [SUPERSCRIPT_TWO, THOUSANDS_OF_DIGITS, str(2**64), "٣", "0", "-3", " ", "", "1e3", "12a",
     "1" * 19, "+5"],
)  # fmt: skip
def test_only_a_few_ascii_digits_make_an_id(odd: str) -> None:
    assert parse_id(odd) is None


def test_an_id_is_read_as_written() -> None:
    assert parse_id("42") == 42
    assert parse_id(" 007 ") == 7
    assert parse_id("9" * 18) == 10**18 - 1 < MAX_ID
    assert parse_digits("0", maximum=60) == 0
    assert parse_digits("61", maximum=60) is None
    assert parse_digits(SUPERSCRIPT_TWO, maximum=60) is None


def _api() -> NinjaAPI:
    """An API with the project's error handlers and one endpoint that writes a row, then meets
    a number the database refuses."""
    api = NinjaAPI(urls_namespace="odd-numbers-test")
    install_error_handlers(api)

    @api.post("/write-then-overflow")
    def write_then_overflow(request: Any) -> dict[str, str]:
        with transaction.atomic():
            Group.objects.create(name="written before the overflow")
            # SQLite's driver raises OverflowError here; PostgreSQL's does not, hence the raise
            list(Group.objects.filter(pk__in=[10**30]))
            raise OverflowError("Python int too large to convert to SQLite INTEGER")

    return api


@pytest.mark.django_db
def test_an_overflow_is_bad_input_and_what_was_written_is_rolled_back() -> None:
    """A 400 in the API's error shape, not a 500; the write is gone when it is answered (the
    exception left the atomic block first)."""
    with translation.override("en"):
        response = TestClient(_api()).post("/write-then-overflow")
    assert response.status_code == 400
    assert response.json() == {"detail": "A number or a date in the request is too large."}
    assert not Group.objects.filter(name="written before the overflow").exists()
