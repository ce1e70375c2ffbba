"""A clan's representative who moved out of the clan's commune lives outside the commune
officer's scope: there the person does not exist (their page is a 404), so the clan's pages and
the API do not show them either; the stored representative stays as it is."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import World, client_for
from hoctap.registry import services
from hoctap.registry.models import Clan

pytestmark = pytest.mark.django_db

NAME = "Trần Thị Bình"  # person_a2


@pytest.fixture
def moved(world: World) -> World:
    """person_a2 represents clan A, then moves to commune B."""
    services.clan_update(
        actor=SYSTEM, clan=world.clan_a, representative_national_id=world.person_a2.national_id
    )
    services.person_update(
        actor=SYSTEM,
        person=world.person_a2,
        village_code=world.village_b.code,
        household_code="",
    )
    return world


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_the_officer_of_the_old_commune_no_longer_sees_the_representative(moved: World) -> None:
    client = english(client_for(moved.officer_a))
    masked = moved.person_a2.masked_national_id
    assert (
        client.get(reverse("registry:person_detail", args=[moved.person_a2.pk])).status_code == 404
    )
    for url in (
        reverse("registry:clan_detail", args=[moved.clan_a.code]),
        reverse("registry:clan_list"),
        reverse("registry:clan_edit", args=[moved.clan_a.code]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert NAME not in page, url
        assert masked not in page, url
        assert reverse("registry:person_detail", args=[moved.person_a2.pk]) not in page, url
        assert "Outside your scope" in page, url
    expected = {"representative": None, "representative_outside_scope": True}
    detail = client.get(f"/api/v1/clans/{moved.clan_a.code}").json()
    assert {k: detail[k] for k in expected} == expected
    (item,) = [c for c in client.get("/api/v1/clans").json()["items"] if c["code"] == "HO-NGUYEN-A"]
    assert {k: item[k] for k in expected} == expected


def test_whoever_sees_the_person_still_sees_the_representative(moved: World) -> None:
    client = english(client_for(moved.secretariat))
    page = client.get(reverse("registry:clan_detail", args=[moved.clan_a.code])).content.decode()
    assert NAME in page
    assert "Outside your scope" not in page
    detail = client.get(f"/api/v1/clans/{moved.clan_a.code}").json()
    assert detail["representative"] == moved.person_a2.masked_national_id
    assert detail["representative_outside_scope"] is False


def test_a_clan_without_representative_is_not_outside_anyones_scope(world: World) -> None:
    client = english(client_for(world.officer_a))
    detail = client.get(f"/api/v1/clans/{world.clan_a.code}").json()
    assert detail["representative"] is None
    assert detail["representative_outside_scope"] is False
    page = client.get(reverse("registry:clan_detail", args=[world.clan_a.code])).content.decode()
    assert "Outside your scope" not in page


def test_renaming_the_clan_keeps_the_hidden_representative_stored(moved: World) -> None:
    client = english(client_for(moved.officer_a))
    response = client.patch(
        f"/api/v1/clans/{moved.clan_a.code}",
        json.dumps({"name": "Họ Nguyễn Mới"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["representative"] is None
    assert response.json()["representative_outside_scope"] is True
    assert NAME not in response.content.decode()
    saved = client.post(
        reverse("registry:clan_edit", args=[moved.clan_a.code]),
        {"name": "Họ Nguyễn Cốc Lếu", "representative": ""},
    )
    assert saved.status_code == 302
    clan = Clan.objects.get(code=moved.clan_a.code)
    assert clan.name == "Họ Nguyễn Cốc Lếu"
    assert clan.representative_id == moved.person_a2.pk
