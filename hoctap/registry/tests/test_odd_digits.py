"""Digits that are not ASCII ("²", "٣") pass `str.isdigit()` but break `int()`: searches,
links and sheet cells holding them get a plain answer, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from hoctap.conftest import World
from hoctap.registry.ethnicity import ethnicity_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("odd", ["²", "٣", "1²"])
def test_searching_persons_for_odd_digits_finds_nobody(world: World, as_user: Any, odd: str):
    client = as_user(world.officer_a)
    page = client.get("/persons/", {"q": odd})
    api = client.get("/api/v1/persons", {"q": odd})
    assert page.status_code == 200
    assert (api.status_code, api.json()["count"]) == (200, 0)


def test_a_membership_link_naming_no_person_id_opens_the_empty_form(world: World, as_user: Any):
    response = as_user(world.officer_a).get("/memberships/new", {"person": "²"})
    assert response.status_code == 200


def test_sheet_cells_with_odd_digits_are_unknown_values():
    assert ethnicity_code("²") is None
    assert ethnicity_code("01") == "01"
