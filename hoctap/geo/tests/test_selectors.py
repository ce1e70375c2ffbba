"""Scoped reads of units and organisations, and search that ignores Vietnamese diacritics."""

from __future__ import annotations

import datetime

import pytest

from hoctap.accounts.permissions import SYSTEM
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.geo import selectors, services
from hoctap.geo.models import OrganisationKind, UnitKind, UnitLevel

START = datetime.date(2025, 7, 1)


def codes(queryset) -> list[str]:
    return [item.code for item in queryset]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Lào Cai", "lao cai"),
        ("Đồng Đăng", "dong dang"),
        ("Đ", "d"),
        ("đ", "d"),
        ("  Xã   Khao\tMang ", "xa khao mang"),
        ("Bản Zơ Zeta", "ban zo zeta"),
        ("Trường THCS Cốc Lếu", "truong thcs coc leu"),
        ("Tuyên Quang", "tuyen quang"),
    ],
)
def test_fold_strips_diacritics_case_and_extra_spaces(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lao cai", ["15", "02647"]),
        ("Lào Cai", ["15", "02647"]),
        ("LAO CAI", ["15", "02647"]),
        ("khao mang", ["04465"]),
        ("Xã Khao Mang", ["04465"]),
        ("coc leu", ["02647-001"]),
        ("zo zeta", ["04465-001"]),
        ("0446", ["04465", "04465-001"]),  # code prefix
        ("hà nội", []),
    ],
)
def test_unit_list_search_ignores_diacritics(world, query, expected):
    assert codes(selectors.unit_list(actor=world.secretariat, q=query)) == expected


def test_search_folds_d_with_stroke(world):
    village = services.village_create(
        actor=SYSTEM, parent_code="04465", name="Thôn Đồng Tâm", valid_from=START
    )
    assert codes(selectors.unit_list(actor=world.secretariat, q="dong tam")) == [village.code]
    assert codes(selectors.unit_list(actor=world.secretariat, q="ĐỒNG")) == [village.code]


def test_unit_list_filters_by_parent_kind_and_level(world):
    secretariat = world.secretariat
    assert codes(selectors.unit_list(actor=secretariat, parent_code="15")) == ["02647", "04465"]
    assert codes(selectors.unit_list(actor=secretariat, kind=UnitKind.WARD)) == ["02647"]
    assert codes(selectors.unit_list(actor=secretariat, level=UnitLevel.VILLAGE)) == [
        "02647-001",
        "04465-001",
    ]


def test_unit_list_can_leave_out_closed_units(world):
    services.unit_close(actor=SYSTEM, unit=world.village_a, valid_to=datetime.date(2025, 12, 31))
    secretariat = world.secretariat
    assert "02647-001" in codes(selectors.unit_list(actor=secretariat))
    assert "02647-001" not in codes(selectors.unit_list(actor=secretariat, include_closed=False))


def test_unit_list_is_scoped_to_the_actor(world):
    assert codes(selectors.unit_list(actor=world.officer_a)) == ["02647", "02647-001"]
    assert codes(selectors.unit_list(actor=world.secretariat)) == [
        "15",
        "02647",
        "04465",
        "02647-001",
        "04465-001",
    ]
    # the other province is the superuser's alone
    assert "08" in codes(selectors.unit_list(actor=world.admin))
    assert "08" not in codes(selectors.unit_list(actor=world.secretariat))


def test_an_organisation_officer_sees_the_units_of_their_organisations(world):
    assert codes(selectors.unit_list(actor=world.org_officer_b)) == ["04465", "04465-001"]


def test_unit_get_outside_scope_is_not_found(world):
    assert selectors.unit_get(actor=world.officer_a, code="02647-001") == world.village_a
    with pytest.raises(NotFound):
        selectors.unit_get(actor=world.officer_a, code="04465")
    with pytest.raises(NotFound):
        selectors.unit_get(actor=world.officer_a, code="nope")


def test_unit_roots_children_and_ancestors(world):
    assert codes(selectors.unit_roots(actor=world.officer_a)) == ["02647"]
    roots = selectors.unit_roots(actor=world.secretariat)
    assert [(unit.code, vars(unit)["child_count"]) for unit in roots] == [("15", 2)]
    assert codes(selectors.unit_children(actor=world.officer_a, unit=world.province)) == ["02647"]
    assert codes(selectors.unit_ancestors(unit=world.village_b)) == ["15", "04465"]
    assert codes(selectors.unit_ancestors(unit=world.province)) == []


def test_successions_both_ways(world):
    new = services.village_create(
        actor=SYSTEM, parent_code="02647", name="Tổ mới", valid_from=START
    )
    services.unit_close(
        actor=SYSTEM,
        unit=world.village_a,
        valid_to=datetime.date(2025, 12, 31),
        successor_codes=[new.code],
    )
    assert [
        s.successor for s in selectors.unit_successions(unit=world.village_a)["successors"]
    ] == [new]
    assert [s.predecessor for s in selectors.unit_successions(unit=new)["predecessors"]] == [
        world.village_a
    ]


def test_current_successors_of_a_merger_and_a_dead_end(world):
    merged = services.village_create(
        actor=SYSTEM, parent_code="04465", name="Bản hợp nhất", valid_from=START
    )
    other = services.village_create(
        actor=SYSTEM, parent_code="04465", name="Bản cũ", valid_from=START
    )
    end = datetime.date(2025, 12, 31)
    for unit in (world.village_b, other):
        services.unit_close(actor=SYSTEM, unit=unit, valid_to=end, successor_codes=[merged.code])

    assert selectors.unit_current_successors(unit=world.village_b) == [merged]
    assert selectors.unit_current_successors(unit=other) == [merged]

    gone = services.village_create(
        actor=SYSTEM, parent_code="04465", name="Bản bỏ", valid_from=START
    )
    services.unit_close(actor=SYSTEM, unit=gone, valid_to=end)
    assert selectors.unit_current_successors(unit=gone) == []


def test_organisation_list_is_scoped(world):
    assert codes(selectors.organisation_list(actor=world.officer_a)) == ["THCS-A"]
    assert codes(selectors.organisation_list(actor=world.org_officer_b)) == ["HKH-B", "TH-B"]
    assert codes(selectors.organisation_list(actor=world.secretariat)) == [
        "HKH-B",
        "SGDDT-15",
        "TH-B",
        "THCS-A",
    ]


def test_organisation_list_filters(world):
    secretariat = world.secretariat
    assert codes(selectors.organisation_list(actor=secretariat, q="khao mang")) == [
        "HKH-B",
        "TH-B",
    ]
    assert codes(selectors.organisation_list(actor=secretariat, q="Sở Giáo dục")) == ["SGDDT-15"]
    assert codes(selectors.organisation_list(actor=secretariat, q="thcs")) == ["THCS-A"]
    assert codes(selectors.organisation_list(actor=secretariat, unit_code="04465")) == ["HKH-B"]
    assert codes(selectors.organisation_list(actor=secretariat, within_unit_code="04465")) == [
        "HKH-B",
        "TH-B",
    ]
    assert codes(selectors.organisation_list(actor=secretariat, kind=OrganisationKind.SCHOOL)) == [
        "TH-B",
        "THCS-A",
    ]
    assert codes(selectors.organisation_list(actor=secretariat, parent_code="SGDDT-15")) == [
        "THCS-A"
    ]


def test_inactive_organisations_are_left_out_unless_asked(world):
    services.organisation_deactivate(actor=SYSTEM, organisation=world.school_b)
    assert "TH-B" not in codes(selectors.organisation_list(actor=world.secretariat))
    assert "TH-B" in codes(
        selectors.organisation_list(actor=world.secretariat, include_inactive=True)
    )
    # still found by code: records keep pointing at it
    assert selectors.organisation_get(actor=world.secretariat, code="TH-B").is_active is False


def test_organisation_get_outside_scope_is_not_found(world):
    with pytest.raises(NotFound):
        selectors.organisation_get(actor=world.officer_a, code="HKH-B")
    with pytest.raises(NotFound):
        selectors.organisation_get(actor=world.org_officer_b, code="SGDDT-15")
    assert selectors.organisation_get(actor=world.org_officer_b, code="TH-B") == world.school_b


def test_organisation_children_are_scoped(world):
    assert codes(
        selectors.organisation_children(actor=world.secretariat, organisation=world.province_org)
    ) == ["THCS-A"]
    assert (
        codes(
            selectors.organisation_children(actor=world.officer_b, organisation=world.province_org)
        )
        == []
    )


def test_a_units_child_count_is_of_the_children_the_reader_sees(world):
    """An organisation's officer sees the commune the organisation belongs to, not its villages:
    the tree must not tell them how many villages it has."""
    services.village_create(actor=SYSTEM, parent_code="04465", name="Bản Mới", valid_from=START)
    roots = selectors.unit_roots(actor=world.org_officer_b)
    seen = {unit.code: vars(unit)["child_count"] for unit in roots}
    visible_children = selectors.unit_children(actor=world.org_officer_b, unit=world.commune_b)
    assert seen == {"04465": visible_children.count()}
    assert world.commune_b.children.count() > visible_children.count()
    # the secretariat sees both communes
    assert vars(selectors.unit_roots(actor=world.secretariat)[0])["child_count"] == 2
