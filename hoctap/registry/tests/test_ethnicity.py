from __future__ import annotations

import pytest

from hoctap.registry.ethnicity import ETHNIC_GROUPS, ethnicity_code, ethnicity_name


def test_the_54_groups_with_two_digit_codes() -> None:
    assert len(ETHNIC_GROUPS) == 54
    assert list(ETHNIC_GROUPS) == [f"{n:02d}" for n in range(1, 55)]
    assert ETHNIC_GROUPS["01"] == "Kinh"
    assert ETHNIC_GROUPS["54"] == "Rơ măm"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("01", "01"),
        ("1", "01"),
        ("54", "54"),
        ("Kinh", "01"),
        ("kinh", "01"),
        ("  TÀY ", "02"),
        ("tay", "02"),
        ("Thái", "03"),
        ("H'Mông", "08"),
        ("HMông", "08"),
        ("hmong", "08"),
        ("Mông", None),
        ("Khơ-me", "05"),
        ("khome", "05"),
        ("Khơ me", "05"),
        ("Ê-đê", "12"),
        ("ede", "12"),
        ("Bru-Vân Kiều", "23"),
        ("ro mam", "54"),
        ("Ơ Đu", "53"),
        ("00", None),
        ("55", None),
        ("", None),
        ("Martian", None),
    ],
)
def test_lookup_by_code_or_name(value: str, code: str | None) -> None:
    assert ethnicity_code(value) == code


def test_names_do_not_collide_once_folded() -> None:
    assert all(ethnicity_code(name) == code for code, name in ETHNIC_GROUPS.items())
    assert ethnicity_name("25") == "Giáy"
    assert ethnicity_name("99") == "99"
