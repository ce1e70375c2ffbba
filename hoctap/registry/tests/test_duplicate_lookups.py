"""Whether an ID number, a household code or a clan code is already taken is answered only to
someone who may manage the village or commune of the new record: anyone else could otherwise
test any number or code against the whole province, outside their scope too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from hoctap.accounts import services as accounts
from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World, client_for
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.registry import services
from hoctap.registry.models import Clan, Household, OrganisationMembership, Person

pytestmark = pytest.mark.django_db

TABLES = (Person, Household, Clan, OrganisationMembership, AuditEntry)
FREE_NUMBER = "015190001111"  # valid for a woman born in 1990, registered nowhere


def snapshot() -> dict[str, Any]:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in TABLES}


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(
        url, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(
        url, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def a_person(number: str, village: str) -> dict[str, Any]:
    """A woman born in 1990: person_b's number fits her too."""
    return {
        "national_id": number,
        "full_name": "Người Thử",
        "birth_date": "1990-01-20",
        "sex": "female",
        "ethnicity": "01",
        "village": village,
    }


def learner() -> User:
    """A learner's account: no role grant at all."""
    return accounts.sign_in_user_create(username="hv0001", full_name="Học Viên", password=PASSWORD)


def viewer_and_officer_a() -> User:
    """Sees the whole province, may change the registers of commune A only."""
    user = accounts.user_create(
        actor=SYSTEM, username="mixed", role=Role.VIEWER, unit_code="15", password=PASSWORD
    )
    accounts.role_grant(actor=SYSTEM, user=user, role=Role.UNIT_OFFICER, unit_code="02647")
    return user


def actor_named(world: World, who: str) -> Any:
    return learner() if who == "learner" else getattr(world, who)


@pytest.mark.parametrize("who", ["learner", "org_officer_b", "viewer", "secretariat"])
def test_without_the_manage_right_anywhere_a_taken_number_or_code_is_not_told(
    world: World, who: str
) -> None:
    """403 whatever the number or code, taken or free, and whatever the village: the same
    answer for both, and nothing written."""
    client = client_for(actor_named(world, who))
    before = snapshot()
    for village in ("NOPE", world.village_b.code):
        taken = post(client, "/api/v1/persons", a_person(world.person_b.national_id, village))
        free = post(client, "/api/v1/persons", a_person(FREE_NUMBER, village))
        assert taken.status_code == free.status_code == 403, taken.content
        assert taken.json() == free.json()
        assert "already" not in taken.content.decode()
        for code, free_code in ((world.household_b.code, "HH-FREE-1"),):
            taken = post(client, "/api/v1/households", {"code": code, "village": village})
            free = post(client, "/api/v1/households", {"code": free_code, "village": village})
            assert taken.status_code == free.status_code == 403
            assert taken.json() == free.json()
    for commune in ("NOPE", world.commune_b.code):
        taken = post(
            client, "/api/v1/clans", {"code": world.clan_b.code, "name": "Họ X", "commune": commune}
        )
        free = post(
            client, "/api/v1/clans", {"code": "HO-FREE", "name": "Họ X", "commune": commune}
        )
        assert taken.status_code == free.status_code == 403
        assert taken.json() == free.json()
    assert snapshot() == before


def test_a_learner_is_refused_a_membership_before_any_look_up(world: World) -> None:
    response = post(
        client_for(learner()),
        "/api/v1/memberships",
        {
            "national_id": world.person_b.national_id,
            "organisation": world.org_b.code,
            "position": "member",
            "start_date": "2025-01-01",
        },
    )
    assert response.status_code == 403


def test_a_village_seen_but_not_managed_is_refused_before_the_number_is_looked_up(
    world: World,
) -> None:
    user = viewer_and_officer_a()
    client = client_for(user)
    before = snapshot()
    taken = post(
        client, "/api/v1/persons", a_person(world.person_b.national_id, world.village_b.code)
    )
    free = post(client, "/api/v1/persons", a_person(FREE_NUMBER, world.village_b.code))
    assert taken.status_code == free.status_code == 403
    assert taken.json() == free.json()
    taken = post(
        client,
        "/api/v1/households",
        {"code": world.household_a.code, "village": world.village_b.code},
    )
    free = post(
        client, "/api/v1/households", {"code": "HH-FREE-2", "village": world.village_b.code}
    )
    assert taken.status_code == free.status_code == 403
    assert taken.json() == free.json()
    taken = post(
        client,
        "/api/v1/clans",
        {"code": world.clan_a.code, "name": "Họ X", "commune": world.commune_b.code},
    )
    free = post(
        client,
        "/api/v1/clans",
        {"code": "HO-FREE", "name": "Họ X", "commune": world.commune_b.code},
    )
    assert taken.status_code == free.status_code == 403
    assert taken.json() == free.json()
    assert snapshot() == before


def test_moving_a_person_to_a_village_not_managed_is_refused_before_the_number_is_looked_up(
    world: World,
) -> None:
    """Correcting the ID number to one that is taken, while moving the person to a village the
    actor may see but not manage: 403, not "already registered"."""
    client = client_for(viewer_and_officer_a())
    before = snapshot()
    response = patch(
        client,
        f"/api/v1/persons/{world.person_a2.national_id}",
        {
            "village": world.village_b.code,
            "household": "",
            "national_id": world.person_b.national_id,
            "birth_date": "1990-01-20",
        },
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_with_no_valid_village_a_taken_number_or_code_is_not_looked_up(world: World) -> None:
    client = client_for(world.officer_a)
    before = snapshot()
    response = post(client, "/api/v1/persons", a_person(world.person_b.national_id, "NOPE"))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"village"}
    response = post(
        client, "/api/v1/households", {"code": world.household_b.code, "village": "NOPE"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"village"}
    response = post(
        client, "/api/v1/clans", {"code": world.clan_b.code, "name": "Họ X", "commune": "NOPE"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"commune"}
    assert snapshot() == before


def test_who_manages_the_village_learns_that_the_number_is_taken_but_not_where(
    world: World,
) -> None:
    """Officer A registering in village A a number already registered in commune B: told it is
    taken (a person has one number), with nothing about where."""
    client = client_for(world.officer_a)
    before = snapshot()
    response = post(
        client, "/api/v1/persons", a_person(world.person_b.national_id, world.village_a.code)
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "national_id": "A person with this ID number is already registered."
    }
    text = response.content.decode()
    for elsewhere in (world.village_b.code, world.commune_b.code, world.commune_b.name, "Zeta"):
        assert elsewhere not in text
    response = post(
        client,
        "/api/v1/households",
        {"code": world.household_b.code, "village": world.village_a.code},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"code"}
    assert world.village_b.code not in response.content.decode()
    response = post(
        client,
        "/api/v1/clans",
        {"code": world.clan_b.code, "name": "Họ X", "commune": world.commune_a.code},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"code"}
    assert world.commune_b.code not in response.content.decode()
    assert snapshot() == before


def test_the_services_refuse_first_and_write_nothing(world: World) -> None:
    """The same order in the services, which the pages and the importer's callers share."""
    before = snapshot()
    with translation.override("en"):
        for actor in (world.viewer, world.org_officer_b, learner()):
            with pytest.raises(PermissionDenied):
                services.person_create(
                    actor=actor,
                    national_id=world.person_b.national_id,
                    full_name="X",
                    birth_date=world.person_b.birth_date,
                    sex="female",
                    ethnicity="01",
                    village_code="NOPE",
                )
            with pytest.raises(PermissionDenied):
                services.household_create(
                    actor=actor, code=world.household_b.code, village_code="NOPE"
                )
            with pytest.raises(PermissionDenied):
                services.clan_create(
                    actor=actor, code=world.clan_b.code, name="X", commune_code="NOPE"
                )
        with pytest.raises(InvalidInput) as caught:
            services.person_create(
                actor=world.officer_a,
                national_id=world.person_b.national_id,
                full_name="X",
                birth_date=world.person_b.birth_date,
                sex="female",
                ethnicity="01",
                village_code="NOPE",
            )
        assert set(caught.value.errors) == {"village"}
    assert snapshot() == before
