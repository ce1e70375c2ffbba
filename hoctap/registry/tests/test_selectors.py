"""Scoped reads: commune A's officer does not see commune B's registers; search ignores
diacritics and matches ID-number prefixes; list queries do not grow with the rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import World
from hoctap.core.errors import NotFound
from hoctap.registry import selectors, services


def names(qs: object) -> set[str]:
    return {p.full_name for p in qs}  # type: ignore[attr-defined]


def test_person_list_is_scoped(world: World) -> None:
    assert names(selectors.person_list(actor=world.officer_a)) == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert names(selectors.person_list(actor=world.officer_b)) == {"Lù Thị Zeta", "Vàng A Zeta"}
    assert len(names(selectors.person_list(actor=world.secretariat))) == 4
    assert len(names(selectors.person_list(actor=world.viewer))) == 4
    assert names(selectors.person_list(actor=world.org_officer_b)) == set()


def test_person_list_filters(world: World) -> None:
    admin = world.admin
    assert names(selectors.person_list(actor=admin, within_unit_code=world.commune_b.code)) == {
        "Lù Thị Zeta",
        "Vàng A Zeta",
    }
    assert names(selectors.person_list(actor=admin, q="nguyen van")) == {"Nguyễn Văn An"}
    assert names(selectors.person_list(actor=admin, q="  NGUYỄN  văn ")) == {"Nguyễn Văn An"}
    assert names(selectors.person_list(actor=admin, q="zeta")) == {"Lù Thị Zeta", "Vàng A Zeta"}
    assert names(selectors.person_list(actor=admin, q="015190")) == {"Lù Thị Zeta"}
    assert names(selectors.person_list(actor=admin, q="010085001234")) == {"Nguyễn Văn An"}
    assert names(selectors.person_list(actor=world.officer_a, q="zeta")) == set()
    assert names(selectors.person_list(actor=world.officer_a, q="0151")) == set()
    services.person_change_status(
        actor=SYSTEM, person=world.person_a2, status="moved_away", on=datetime.date(2025, 9, 1)
    )
    assert names(selectors.person_list(actor=admin, status="moved_away")) == {"Trần Thị Bình"}


def test_person_list_queries_do_not_grow_with_rows(world: World) -> None:
    list(selectors.person_list(actor=world.secretariat))  # the grants, read once per user
    with CaptureQueriesContext(connection) as small:
        list(selectors.person_list(actor=world.secretariat))
    for n in range(5):
        services.person_create(
            actor=SYSTEM,
            national_id=f"01009000{n:04d}",
            full_name=f"Người {n}",
            birth_date=datetime.date(1990, 1, 1),
            sex="male",
            ethnicity="01",
            village_code=world.village_a.code,
        )
    with CaptureQueriesContext(connection) as large:
        rows = list(selectors.person_list(actor=world.secretariat))
        [(p.village.code, p.household) for p in rows]
    assert len(rows) == 9
    assert len(large.captured_queries) == len(small.captured_queries) == 1


def test_person_get_outside_scope_is_not_found(world: World) -> None:
    assert selectors.person_get(actor=world.officer_a, national_id="010085001234") == world.person_a
    with pytest.raises(NotFound):
        selectors.person_get(actor=world.officer_a, national_id=world.person_b.national_id)
    with pytest.raises(NotFound):
        selectors.person_get(actor=world.officer_a, national_id="987654321")


def test_households_clans_memberships_are_scoped(world: World) -> None:
    a = world.officer_a
    assert [h.code for h in selectors.household_list(actor=a)] == ["HH-A-001"]
    assert [c.code for c in selectors.clan_list(actor=a)] == ["HO-NGUYEN-A"]
    assert [c.code for c in selectors.clan_list(actor=world.admin, q="zeta")] == ["HO-ZETA-B"]
    assert list(selectors.membership_list(actor=a)) == []
    assert list(selectors.membership_list(actor=world.officer_b)) == [world.membership_b]
    with pytest.raises(NotFound):
        selectors.household_get(actor=a, code="HH-ZETA-001")
    with pytest.raises(NotFound):
        selectors.clan_get(actor=a, code="HO-ZETA-B")
    with pytest.raises(NotFound):
        selectors.membership_get(actor=a, membership_id=world.membership_b.pk)
    assert selectors.household_head(household=world.household_b) == world.person_b


def test_can_view_national_id(world: World) -> None:
    assert selectors.can_view_national_id(world.officer_a, world.person_a)
    assert not selectors.can_view_national_id(world.officer_a, world.person_b)
    assert not selectors.can_view_national_id(world.viewer, world.person_a)
    assert selectors.can_view_national_id(world.admin, world.person_b)


def test_a_masked_id_number_is_found_whole_not_by_its_start(world: World) -> None:
    """The province secretariat sees the register with ID numbers masked: searching digit by
    digit would spell them out, so for them only the whole number finds a person."""
    secretariat, number = world.secretariat, world.person_b.national_id
    assert names(selectors.person_list(actor=secretariat, q="zeta")) == {
        "Lù Thị Zeta",
        "Vàng A Zeta",
    }
    assert names(selectors.person_list(actor=secretariat, q=number[:6])) == set()
    assert names(selectors.person_list(actor=secretariat, q=number[:11])) == set()
    assert names(selectors.person_list(actor=secretariat, q=number)) == {"Lù Thị Zeta"}
    # who may read the numbers in full still finds them by their start
    assert names(selectors.person_list(actor=world.officer_b, q=number[:6])) == {"Lù Thị Zeta"}
