"""`hoctap demo`: a real province's communes, generated villages, organisations and users —
the same for the same seed, and never loaded twice."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from hoctap.accounts.models import RoleGrant, User
from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm, Role
from hoctap.audit.models import AuditEntry
from hoctap.demo.services import DEMO_PASSWORD
from hoctap.geo.models import AdminUnit, Organisation, UnitKind, UnitLevel
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatusChange,
)

TABLES = (
    AdminUnit,
    Organisation,
    User,
    RoleGrant,
    AuditEntry,
    Clan,
    Household,
    Person,
    PersonStatusChange,
    OrganisationMembership,
)


class _Undo(Exception):
    """Raised to roll a block back."""


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[Any]]:
    return {
        "villages": list(
            AdminUnit.objects.filter(level=UnitLevel.VILLAGE)
            .order_by("code")
            .values_list("code", "name", "kind", "parent__code")
        ),
        "organisations": list(
            Organisation.objects.order_by("code").values_list("code", "name", "unit__code")
        ),
        "users": list(User.objects.order_by("username").values_list("username", "is_superuser")),
        "persons": list(
            Person.objects.order_by("national_id").values_list(
                "national_id",
                "full_name",
                "birth_date",
                "sex",
                "ethnicity",
                "village__code",
                "household__code",
                "relation_to_head",
                "eid_level",
                "eid_linked_on",
                "status",
            )
        ),
        "households": list(
            Household.objects.order_by("code").values_list("code", "poverty_status", "clan__code")
        ),
        "memberships": list(
            OrganisationMembership.objects.order_by(
                "person__national_id", "organisation__code", "position"
            ).values_list("person__national_id", "organisation__code", "position", "start_date")
        ),
    }


def demo_snapshot_undone(*args: str) -> dict[str, list[Any]]:
    """Run the demo on an empty database, take a snapshot, and roll it all back."""
    assert not AdminUnit.objects.exists()
    taken: dict[str, list[Any]] = {}
    try:
        with transaction.atomic():
            demo(*args)
            taken.update(snapshot())
            raise _Undo
    except _Undo:
        pass
    assert not AdminUnit.objects.exists()
    return taken


@pytest.mark.django_db
def test_demo_loads_the_province_villages_organisations_and_users():
    output = demo("--province", "15", "--scale", "small", "--seed", "1")

    assert "Dữ liệu mẫu tỉnh 15: 99 xã, phường," in output
    persons = f"{Person.objects.count():,}".replace(",", ".")  # 3.812: grouped the Vietnamese way
    assert f"{persons} nhân khẩu," in output
    assert AdminUnit.objects.filter(parent__code="15").count() == 99
    villages = AdminUnit.objects.filter(level=UnitLevel.VILLAGE)
    communes_with_villages = set(villages.values_list("parent__code", flat=True))
    assert len(communes_with_villages) == 3
    for code in communes_with_villages:
        assert 8 <= villages.filter(parent__code=code).count() <= 14
    # villages follow the commune kind: residential groups in wards, villages in communes
    for kind, commune_kind in villages.values_list("kind", "parent__kind"):
        expected = UnitKind.RESIDENTIAL_GROUP if commune_kind == UnitKind.WARD else UnitKind.VILLAGE
        assert kind == expected
    assert (
        Organisation.objects.filter(code__in=["SGDDT-15", "CA-15", "HKH-15", "BCD-15"]).count() == 4
    )
    assert Organisation.objects.filter(code__startswith="CNS-").count() == villages.count()
    # organisations and users through the services, one audit entry each; the bulk of villages
    # and registers in one summary entry; all from the command line
    assert AuditEntry.objects.filter(action="organisation.create").count() == (
        Organisation.objects.count()
    )
    load = AuditEntry.objects.get(action="demo.load")
    assert load.changes["villages"] == villages.count()
    assert load.changes["persons"] == Person.objects.count()
    assert not AuditEntry.objects.filter(action__in=["unit.create", "person.create"]).exists()
    assert set(AuditEntry.objects.values_list("channel", flat=True)) == {"cli"}
    # the registers of a small demo: a few thousand persons in the three communes
    assert 3000 <= Person.objects.count() <= 5000
    assert Household.objects.count() == 1000
    assert set(Person.objects.values_list("village__parent__code", flat=True)) == (
        communes_with_villages
    )


@pytest.mark.django_db
def test_demo_users_sign_in_with_their_roles():
    demo("--province", "15", "--scale", "small", "--seed", "1")

    expected = {
        "secretariat": Role.PROVINCE_SECRETARIAT,
        "commune1": Role.UNIT_OFFICER,
        "commune2": Role.UNIT_OFFICER,
        "education": Role.ORG_OFFICER,
        "inspector": Role.INSPECTOR,
        "viewer": Role.VIEWER,
    }
    for username, role in expected.items():
        assert RoleGrant.objects.get(user__username=username).role == role
        assert Client().login(username=username, password=DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert Client().login(username="admin", password=DEMO_PASSWORD)
    commune1 = User.objects.get(username="commune1")
    first_commune = AdminUnit.objects.filter(parent__code="15").earliest("code")
    assert scope_for(commune1, Perm.MANAGE_UNITS).unit_ids == {first_commune.id}
    education = User.objects.get(username="education")
    assert RoleGrant.objects.filter(user=education).get().organisation == (
        Organisation.objects.get(code="SGDDT-15")
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    first = demo_snapshot_undone("--province", "15", "--scale", "small", "--seed", "1")
    second = demo_snapshot_undone("--province", "15", "--scale", "small", "--seed", "1")
    other_seed = demo_snapshot_undone("--province", "15", "--scale", "small", "--seed", "2")

    assert first["villages"]
    assert first["persons"]
    assert first == second
    assert first["villages"] != other_seed["villages"]
    assert first["persons"] != other_seed["persons"]


@pytest.mark.django_db
def test_running_the_demo_twice_changes_nothing():
    demo("--province", "15", "--scale", "small", "--seed", "1")
    before = snapshot()
    rows = counts()

    demo("--province", "15", "--scale", "small", "--seed", "1")

    assert snapshot() == before
    assert counts() == rows


@pytest.mark.django_db
def test_if_empty_does_not_load_into_a_database_with_data():
    call_command("units", "load-official", "--province", "15", stdout=io.StringIO())
    rows = counts()

    output = demo("--if-empty", "--province", "15")

    assert "Cơ sở dữ liệu đã có dữ liệu: không nạp lại dữ liệu mẫu." in output
    assert not AdminUnit.objects.filter(level=UnitLevel.VILLAGE).exists()
    assert not Organisation.objects.exists()
    # not even the demo administrator: its password is published, the data may be real
    assert counts() == rows
    assert not User.objects.exists()


@pytest.mark.django_db
def test_if_empty_loads_into_an_empty_database():
    output = demo("--if-empty", "--province", "15", "--seed", "1")
    assert "Dữ liệu mẫu tỉnh 15" in output
    assert AdminUnit.objects.filter(level=UnitLevel.VILLAGE).exists()
