"""The person search: the start of any word of the name, without diacritics, or the start of
an ID number; always within the actor's scope; at most SEARCH_LIMIT answers, in list order.

Each case runs twice: over few villages (the rows in scope are read) and as over a whole
province (`_WIDE_SCOPE` lowered: the word index of migration 0003 is used), so that both ways
give the same answers on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection

from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import World
from hoctap.registry import selectors, services


def names(qs: Any) -> list[str]:
    return [p.full_name for p in qs]


def add_person(world: World, national_id: str, name: str, *, village: str = "a") -> None:
    services.person_create(
        actor=SYSTEM,
        national_id=national_id,
        full_name=name,
        birth_date=datetime.date(1990, 5, 1),
        sex="female" if " Thị " in name else "male",
        ethnicity="08",
        village_code=(world.village_a if village == "a" else world.village_b).code,
    )


@pytest.fixture(params=["few villages", "whole province"])
def searched(request: Any, world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    if request.param == "whole province":
        monkeypatch.setattr(selectors, "_WIDE_SCOPE", 0)
    add_person(world, "010190000001", "Hoàng Thị Mai")
    add_person(world, "010090000002", "Lò Văn Hoàng")
    add_person(world, "010190000003", "Giàng Thị Mai Anh")
    add_person(world, "015090000004", "Hoàng Seo Mai", village="b")
    return world


def test_a_word_prefix_without_diacritics_finds_the_name(searched: World) -> None:
    admin = searched.admin
    assert names(selectors.person_list(actor=admin, q="hoang thi")) == ["Hoàng Thị Mai"]
    assert names(selectors.person_list(actor=admin, q="Hoàng Thị")) == ["Hoàng Thị Mai"]
    assert names(selectors.person_list(actor=admin, q="HOANG")) == [
        "Hoàng Seo Mai",
        "Hoàng Thị Mai",
        "Lò Văn Hoàng",
    ]
    # a later word, and a phrase of later words, in list order (by the folded name)
    assert names(selectors.person_list(actor=admin, q="mai")) == [
        "Giàng Thị Mai Anh",
        "Hoàng Seo Mai",
        "Hoàng Thị Mai",
    ]
    assert names(selectors.person_list(actor=admin, q="thi mai")) == [
        "Giàng Thị Mai Anh",
        "Hoàng Thị Mai",
    ]
    assert names(selectors.person_list(actor=admin, q="mai a")) == ["Giàng Thị Mai Anh"]


def test_only_the_start_of_a_word_matches(searched: World) -> None:
    admin = searched.admin
    assert names(selectors.person_list(actor=admin, q="ai")) == []  # in "mai", not its start
    assert names(selectors.person_list(actor=admin, q="oang")) == []
    assert names(selectors.person_list(actor=admin, q="thi mai anh b")) == []
    assert names(selectors.person_list(actor=admin, q="%")) == []
    assert names(selectors.person_list(actor=admin, q="_")) == []


def test_an_id_number_prefix(searched: World) -> None:
    admin = searched.admin
    assert names(selectors.person_list(actor=admin, q="0101900")) == [
        "Giàng Thị Mai Anh",
        "Hoàng Thị Mai",
    ]
    assert names(selectors.person_list(actor=admin, q="015090000004")) == ["Hoàng Seo Mai"]
    assert names(selectors.person_list(actor=admin, q="0109")) == []
    assert names(selectors.person_list(actor=admin, q="999")) == []
    # the digits of a number, not of a name
    assert names(selectors.person_list(actor=admin, q="0000")) == []


def test_the_search_stays_within_the_scope(searched: World) -> None:
    officer_a, officer_b = searched.officer_a, searched.officer_b
    assert names(selectors.person_list(actor=officer_a, q="hoang")) == [
        "Hoàng Thị Mai",
        "Lò Văn Hoàng",
    ]
    assert names(selectors.person_list(actor=officer_b, q="hoang")) == ["Hoàng Seo Mai"]
    assert names(selectors.person_list(actor=officer_a, q="015")) == []
    assert names(selectors.person_list(actor=searched.org_officer_b, q="mai")) == []
    within_b = selectors.person_list(
        actor=searched.secretariat, q="mai", within_unit_code=searched.commune_b.code
    )
    assert names(within_b) == ["Hoàng Seo Mai"]
    assert (
        names(selectors.person_list(actor=searched.secretariat, q="mai", status="deceased")) == []
    )


def test_a_renamed_person_is_found_by_the_new_name(searched: World) -> None:
    person = selectors.person_get(actor=searched.admin, national_id="010190000001")
    services.person_update(actor=SYSTEM, person=person, full_name="Hoàng Thị Lan")

    assert names(selectors.person_list(actor=searched.admin, q="lan")) == ["Hoàng Thị Lan"]
    assert "Hoàng Thị Mai" not in names(selectors.person_list(actor=searched.admin, q="mai"))


def test_a_search_answers_its_first_matches_only(
    searched: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2)
    found = selectors.person_list(actor=searched.admin, q="mai")
    assert found.count() == 2
    assert names(found) == ["Giàng Thị Mai Anh", "Hoàng Seo Mai"]


def test_a_search_page_takes_few_queries(
    searched: World, django_assert_max_num_queries: Any
) -> None:
    selectors.person_list(actor=searched.secretariat, q="mai")  # the grants, read once
    with django_assert_max_num_queries(5):
        found = selectors.person_list(actor=searched.secretariat, q="mai")
        page = list(found[:100])
        assert found.count() == len(page) == 3
        [(p.village.code, p.household) for p in page]


def test_the_word_index_is_in_place(db: Any) -> None:
    """On SQLite, triggers keep the word table up to date: a migration that rebuilds
    `registry_person` drops them and must reinstall them (migration 0003, `install_sqlite`).
    On PostgreSQL, the trigram index on the later words."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'registry_person'"
            )
            expected = {
                "registry_person_words_insert",
                "registry_person_words_delete",
                "registry_person_words_update",
            }
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'registry_person' "
                "AND indexdef LIKE '%%gin_trgm_ops%%'"
            )
            expected = {"registry_person_words_trgm"}
        assert {row[0] for row in cursor.fetchall()} == expected
