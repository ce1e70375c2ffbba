"""Shared fixtures: a small province with two communes, each with villages, organisations and
users. Tests of one commune's officer check that the other commune does not exist for them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connections
from django.test import Client

from hoctap.accounts import services as accounts
from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.core.text import fold
from hoctap.geo import services as geo
from hoctap.geo.models import AdminUnit, Organisation, OrganisationKind, UnitKind, UnitLevel
from hoctap.registry import services as registry
from hoctap.registry.models import Clan, Household, OrganisationMembership, Person

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PASSWORD = "correct-horse-battery-staple-42"
START = datetime.date(2025, 7, 1)


@dataclass
class World:
    province: AdminUnit
    other_province: AdminUnit
    commune_a: AdminUnit
    commune_b: AdminUnit
    village_a: AdminUnit
    village_b: AdminUnit
    org_a: Organisation
    org_b: Organisation
    school_b: Organisation
    province_org: Organisation
    admin: User  # superuser
    secretariat: User  # province_secretariat on the province
    officer_a: User  # unit_officer on commune A
    officer_b: User  # unit_officer on commune B
    org_officer_b: User  # org_officer on org B
    sysadmin_a: User  # system_admin on commune A
    viewer: User  # viewer on the province
    # registers: one clan and household per commune, two persons each (valid ID numbers)
    clan_a: Clan
    clan_b: Clan
    household_a: Household
    household_b: Household
    person_a: Person  # head of household_a, male, 1985
    person_a2: Person  # spouse in household_a, female, 2003
    person_b: Person  # head of household_b, female, 1990, "Zeta"
    person_b2: Person  # child in household_b, male, 2001, "Zeta"
    membership_b: OrganisationMembership  # person_b in org_b


def _unit(code: str, name: str, kind: str, parent: AdminUnit | None) -> AdminUnit:
    level = {
        UnitKind.PROVINCE: UnitLevel.PROVINCE,
        UnitKind.COMMUNE: UnitLevel.COMMUNE,
        UnitKind.WARD: UnitLevel.COMMUNE,
        UnitKind.VILLAGE: UnitLevel.VILLAGE,
    }[UnitKind(kind)]
    return AdminUnit.objects.create(
        code=code,
        name=name,
        search_name=fold(name),
        kind=kind,
        level=level,
        parent=parent,
        valid_from=START,
    )


def _user(username: str, role: str, **scope: Any) -> User:
    return accounts.user_create(
        actor=SYSTEM, username=username, role=role, password=PASSWORD, **scope
    )


def build_world() -> World:
    province = _unit("15", "Lào Cai", UnitKind.PROVINCE, None)
    other_province = _unit("08", "Tuyên Quang", UnitKind.PROVINCE, None)
    commune_a = _unit("02647", "Phường Lào Cai", UnitKind.WARD, province)
    commune_b = _unit("04465", "Xã Khao Mang", UnitKind.COMMUNE, province)
    _unit("02215", "Xã Hồng Thái", UnitKind.COMMUNE, other_province)
    geo.unit_closure_rebuild()
    village_a = geo.village_create(
        actor=SYSTEM, parent_code=commune_a.code, name="Tổ dân phố Cốc Lếu", valid_from=START
    )
    village_b = geo.village_create(
        actor=SYSTEM, parent_code=commune_b.code, name="Bản Zơ Zeta", valid_from=START
    )
    province_org = geo.organisation_create(
        actor=SYSTEM,
        code="SGDDT-15",
        name="Sở Giáo dục và Đào tạo",
        kind=OrganisationKind.PROVINCIAL_DEPARTMENT,
        unit_code=province.code,
    )
    org_a = geo.organisation_create(
        actor=SYSTEM,
        code="THCS-A",
        name="Trường THCS Cốc Lếu",
        kind=OrganisationKind.SCHOOL,
        unit_code=commune_a.code,
        parent_code="SGDDT-15",
    )
    org_b = geo.organisation_create(
        actor=SYSTEM,
        code="HKH-B",
        name="Hội Khuyến học Khao Mang",
        kind=OrganisationKind.ASSOCIATION_BODY,
        unit_code=commune_b.code,
    )
    school_b = geo.organisation_create(
        actor=SYSTEM,
        code="TH-B",
        name="Trường Tiểu học Khao Mang",
        kind=OrganisationKind.SCHOOL,
        unit_code=village_b.code,
        parent_code="HKH-B",
    )
    admin = User.objects.create_superuser(username="root", password=PASSWORD)
    registers = _build_registers(village_a, village_b, org_b)
    return World(
        province=province,
        other_province=other_province,
        commune_a=commune_a,
        commune_b=commune_b,
        village_a=village_a,
        village_b=village_b,
        org_a=org_a,
        org_b=org_b,
        school_b=school_b,
        province_org=province_org,
        admin=admin,
        secretariat=_user("secretariat", Role.PROVINCE_SECRETARIAT, unit_code="15"),
        officer_a=_user("officer_a", Role.UNIT_OFFICER, unit_code=commune_a.code),
        officer_b=_user("officer_b", Role.UNIT_OFFICER, unit_code=commune_b.code),
        org_officer_b=_user("org_officer_b", Role.ORG_OFFICER, organisation_code="HKH-B"),
        sysadmin_a=_user("sysadmin_a", Role.SYSTEM_ADMIN, unit_code=commune_a.code),
        viewer=_user("viewer", Role.VIEWER, unit_code="15"),
        **registers,
    )


def _person(national_id: str, name: str, born: datetime.date, sex: str, **kw: Any) -> Person:
    return registry.person_create(
        actor=SYSTEM,
        national_id=national_id,
        full_name=name,
        birth_date=born,
        sex=sex,
        status_since=START,
        **kw,
    )


def _build_registers(village_a: AdminUnit, village_b: AdminUnit, org_b: Organisation) -> Any:
    clan_a = registry.clan_create(
        actor=SYSTEM, code="HO-NGUYEN-A", name="Họ Nguyễn Cốc Lếu", commune_code="02647"
    )
    clan_b = registry.clan_create(
        actor=SYSTEM, code="HO-ZETA-B", name="Họ Zeta Khao Mang", commune_code="04465"
    )
    household_a = registry.household_create(
        actor=SYSTEM, code="HH-A-001", village_code=village_a.code, clan_code=clan_a.code
    )
    household_b = registry.household_create(
        actor=SYSTEM,
        code="HH-ZETA-001",
        village_code=village_b.code,
        poverty_status="poor",
        poverty_year=2025,
        clan_code=clan_b.code,
    )
    a = {"village_code": village_a.code, "household_code": household_a.code}
    b = {"village_code": village_b.code, "household_code": household_b.code}
    person_a = _person(
        "010085001234", "Nguyễn Văn An", datetime.date(1985, 3, 12), "male",
        ethnicity="01", relation_to_head="head", **a,
    )  # fmt: skip
    person_a2 = _person(
        "010303004567", "Trần Thị Bình", datetime.date(2003, 6, 1), "female",
        ethnicity="02", relation_to_head="spouse", **a,
    )  # fmt: skip
    person_b = _person(
        "015190009876", "Lù Thị Zeta", datetime.date(1990, 1, 20), "female",
        ethnicity="08", relation_to_head="head", **b,
    )  # fmt: skip
    person_b2 = _person(
        "015201005555", "Vàng A Zeta", datetime.date(2001, 9, 9), "male",
        ethnicity="08", relation_to_head="child", **b,
    )  # fmt: skip
    membership_b = registry.membership_create(
        actor=SYSTEM,
        national_id=person_b.national_id,
        organisation_code=org_b.code,
        position="member",
        start_date=START,
    )
    return {
        "clan_a": clan_a,
        "clan_b": clan_b,
        "household_a": household_a,
        "household_b": household_b,
        "person_a": person_a,
        "person_a2": person_a2,
        "person_b": person_b,
        "person_b2": person_b2,
        "membership_b": membership_b,
    }


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user() -> Any:
    """`as_user(user)` → a test client signed in as that user (session, as a browser)."""
    return client_for


# --- browser tests ----------------------------------------------------------------------------

# Debian's Chromium, not one downloaded by Playwright (that download does not work offline):
# without it a browser test fails, it does not skip.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """Headless Chromium for a test with `live_server`."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # plain synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()
            # Playwright runs the test in a greenlet of its own, and Django keeps one database
            # connection per context: close the test's, or PostgreSQL cannot drop the test
            # database at the end
            connections.close_all()
