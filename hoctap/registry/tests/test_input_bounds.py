"""Input of any size is bad input, never a server error: a person search of thousands of digits,
and a poverty status year out of range whatever the status (negative, five digits, 10**30)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hoctap.conftest import World, client_for
from hoctap.core.errors import InvalidInput
from hoctap.registry import rules, selectors, services
from hoctap.registry.models import Household

pytestmark = pytest.mark.django_db


def households() -> list[Any]:
    return list(Household.objects.order_by("pk").values())


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


# ---------------------------------------------------------------------------------------------
# The person search
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "upper"),
    [
        ("0109", "0110"),
        ("1999", "2000"),
        ("0", "1"),
        ("999", None),
        ("0" * 4400, "0" * 4399 + "1"),
        ("1" + "9" * 5000, "2" + "0" * 5000),
        ("9" * 5000, None),
        ("nguyen", "nguyeo"),
    ],
)
def test_the_next_prefix_of_any_number_of_digits(prefix: str, upper: str | None) -> None:
    assert selectors._next_prefix(prefix) == upper


def test_a_search_of_thousands_of_digits_finds_nothing_and_does_not_fail(world: World) -> None:
    for actor in (world.officer_a, world.viewer):
        assert list(selectors.person_list(actor=actor, q="0" * 4400)) == []
        assert list(selectors.person_list(actor=actor, q="1" * 5000)) == []


@pytest.mark.parametrize("q", ["1" * 5000, "0" * 4400, "x" * 101])
def test_the_api_refuses_a_search_longer_than_the_page_allows(world: World, q: str) -> None:
    for actor in (world.officer_a, world.viewer):
        response = client_for(actor).get("/api/v1/persons", {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert response.json()["errors"] == {"q": "At most 100 characters."}


def test_the_household_and_clan_searches_are_bounded_as_on_their_pages(world: World) -> None:
    client = client_for(world.officer_a)
    for url in ("/api/v1/households", "/api/v1/clans"):
        long = client.get(url, {"q": "H" * 101}, HTTP_ACCEPT_LANGUAGE="en")
        assert long.status_code == 400
        assert long.json()["errors"] == {"q": "At most 100 characters."}
        assert client.get(url, {"q": "H" * 100}).status_code == 200


def test_a_search_of_a_hundred_characters_is_answered(world: World) -> None:
    client = client_for(world.officer_a)
    for q in ("0" * 100, world.person_a.national_id):
        response = client.get("/api/v1/persons", {"q": q})
        assert response.status_code == 200
    assert response.json()["count"] == 1


# ---------------------------------------------------------------------------------------------
# The poverty status year
# ---------------------------------------------------------------------------------------------

BAD_YEARS = [-1, 0, 1999, 70000, 10**30]


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("status", ["none", "near_poor", "poor"])
def test_the_rule_holds_the_year_to_its_range_whatever_the_status(status: str, year: int) -> None:
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        rules.clean_poverty(status, year)
    assert set(caught.value.errors) == {"poverty_year"}


def test_a_household_not_poor_may_keep_a_plausible_year_or_none() -> None:
    assert rules.clean_poverty("none", 2024) == ("none", 2024)
    assert rules.clean_poverty("none", None) == ("none", None)


@pytest.mark.parametrize("year", [-1, 1999, 70000])
def test_the_services_refuse_a_bad_year_with_status_none(world: World, year: int) -> None:
    before = households()
    with translation.override("en"):
        with pytest.raises(InvalidInput) as caught:
            services.household_create(
                actor=world.officer_a,
                code="HH-A-NEW",
                village_code=world.village_a.code,
                poverty_status="none",
                poverty_year=year,
            )
        assert caught.value.errors == {"poverty_year": f"The year {year} is not plausible."}
        with pytest.raises(InvalidInput):
            services.household_update(
                actor=world.officer_a,
                household=world.household_a,
                poverty_status="none",
                poverty_year=year,
            )
    assert households() == before


@pytest.mark.parametrize("year", [-1, 1999, 70000, 10**30])
def test_the_api_refuses_a_bad_year_with_status_none(world: World, year: int) -> None:
    client = client_for(world.officer_a)
    before = households()
    created = client.post(
        "/api/v1/households",
        json.dumps(
            {
                "code": "HH-A-NEW",
                "village": world.village_a.code,
                "poverty_status": "none",
                "poverty_year": year,
            }
        ),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    changed = client.patch(
        f"/api/v1/households/{world.household_a.code}",
        json.dumps({"poverty_status": "none", "poverty_year": year}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    for response in (created, changed):
        assert response.status_code == 400, response.content
        assert set(response.json()["errors"]) == {"poverty_year"}
    assert households() == before


@pytest.mark.parametrize("year", ["-3", "1999", "70000", str(10**30)])
def test_the_pages_refuse_a_bad_year_with_status_none_on_the_field(world: World, year: str) -> None:
    client = english(client_for(world.officer_a))
    before = households()
    created = client.post(
        reverse("registry:household_create"),
        {
            "code": "HH-A-NEW",
            "village": world.village_a.code,
            "poverty_status": "none",
            "poverty_year": year,
        },
    )
    changed = client.post(
        reverse("registry:household_edit", args=[world.household_a.code]),
        {"address": "", "poverty_status": "none", "poverty_year": year, "clan": ""},
    )
    for response in (created, changed):
        assert response.status_code == 200
        assert "poverty_year" in response.context["form"].errors
    assert households() == before


def test_a_plausible_year_with_status_none_is_kept_and_shown(world: World) -> None:
    client = english(client_for(world.officer_a))
    response = client.post(
        reverse("registry:household_create"),
        {
            "code": "HH-A-NEW",
            "village": world.village_a.code,
            "poverty_status": "none",
            "poverty_year": "2024",
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(code="HH-A-NEW")
    assert (household.poverty_status, household.poverty_year) == ("none", 2024)
    page = client.get(reverse("registry:household_detail", args=["HH-A-NEW"])).content.decode()
    assert "Not poor (2024)" in page
