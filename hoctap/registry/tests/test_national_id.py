"""The personal ID number rules (PRODUCT.md §4): format, known prefix, century/sex digit and
year agreeing with the birth date and sex; masking; the old 9-digit card."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from hoctap.core.errors import InvalidInput
from hoctap.registry.national_id import (
    PROVINCE_PREFIXES,
    century_sex_digit,
    is_legacy_id_card,
    mask_national_id,
    national_id_error,
    validate_national_id,
)

D = datetime.date


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("001085001234", D(1985, 3, 12), "male"),  # Hà Nội, 1900s male
        ("010190009876", D(1990, 1, 20), "female"),  # Lào Cai, 1900s female
        ("015201005555", D(2001, 9, 9), "male"),  # Yên Bái, 2000s male
        ("096303004567", D(2003, 6, 1), "female"),  # Cà Mau, 2000s female
        ("079200000000", D(2000, 1, 1), "male"),  # first year of the century
        ("046099999999", D(1999, 12, 31), "male"),
        ("077325000001", D(2025, 1, 1), "female"),  # Bà Rịa – Vũng Tàu
        ("001000123456", D(1900, 1, 1), "male"),
    ],
)
def test_valid_numbers(number: str, born: datetime.date, sex: str) -> None:
    assert national_id_error(number, birth_date=born, sex=sex) is None
    assert validate_national_id(f" {number} ", birth_date=born, sex=sex) == number


@pytest.mark.parametrize(
    ("number", "born", "sex", "rule"),
    [
        ("", D(1985, 3, 12), "male", "exactly 12 digits"),
        ("01008500123", D(1985, 3, 12), "male", "exactly 12 digits"),  # 11 digits
        ("0100850012345", D(1985, 3, 12), "male", "exactly 12 digits"),  # 13 digits
        ("01008500123A", D(1985, 3, 12), "male", "exactly 12 digits"),
        ("010 85001234", D(1985, 3, 12), "male", "exactly 12 digits"),
        ("０１００８５００１２３４", D(1985, 3, 12), "male", "exactly 12 digits"),  # full-width
        ("003085001234", D(1985, 3, 12), "male", "not a known province code"),  # no 003
        ("097085001234", D(1985, 3, 12), "male", "not a known province code"),
        ("000085001234", D(1985, 3, 12), "male", "not a known province code"),
        ("999085001234", D(1985, 3, 12), "male", "not a known province code"),
        ("010685001234", D(1985, 3, 12), "male", "must be 0–5"),
        ("010985001234", D(1985, 3, 12), "male", "must be 0–5"),
        ("010185001234", D(1985, 3, 12), "male", "does not agree with the sex"),
        ("010085001234", D(1985, 3, 12), "female", "does not agree with the sex"),
        ("010201001234", D(2001, 3, 12), "female", "does not agree with the sex"),
        ("010285001234", D(1985, 3, 12), "male", "another century"),  # 2000s digit, born 1985
        ("010001001234", D(2001, 3, 12), "male", "another century"),  # 1900s digit, born 2001
        ("010401001234", D(2001, 3, 12), "male", "another century"),  # 2100s digit
        ("010086001234", D(1985, 3, 12), "male", "last two digits of the birth year"),
        ("010084001234", D(1985, 3, 12), "male", "last two digits of the birth year"),
        ("010299001234", D(2000, 3, 12), "male", "last two digits of the birth year"),
    ],
)
def test_invalid_numbers_name_the_rule(
    number: str, born: datetime.date, sex: str, rule: str
) -> None:
    message = national_id_error(number, birth_date=born, sex=sex)
    assert message is not None
    assert rule in message
    with pytest.raises(InvalidInput) as caught:
        validate_national_id(number, birth_date=born, sex=sex)
    assert list(caught.value.errors) == ["national_id"]
    assert rule in caught.value.errors["national_id"]


def test_without_birth_date_only_format_prefix_and_sex_are_checked() -> None:
    assert national_id_error("010085001234") is None
    assert national_id_error("010185001234", sex="female") is None
    assert "sex" in (national_id_error("010185001234", sex="male") or "")
    assert "12 digits" in (national_id_error("12345") or "")


def test_century_sex_digit() -> None:
    assert century_sex_digit(D(1950, 1, 1), "male") == "0"
    assert century_sex_digit(D(1950, 1, 1), "female") == "1"
    assert century_sex_digit(D(2010, 1, 1), "male") == "2"
    assert century_sex_digit(D(2010, 1, 1), "female") == "3"
    assert century_sex_digit(D(2100, 1, 1), "male") == "4"
    assert century_sex_digit(D(2100, 1, 1), "female") == "5"
    assert century_sex_digit(D(1899, 1, 1), "male") is None
    assert century_sex_digit(D(1950, 1, 1), "other") is None


def test_the_prefix_table_is_the_63_old_provinces() -> None:
    assert len(PROVINCE_PREFIXES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_PREFIXES)
    assert PROVINCE_PREFIXES["010"] == "Lào Cai"
    assert PROVINCE_PREFIXES["001"] == "Hà Nội"
    assert PROVINCE_PREFIXES["096"] == "Cà Mau"


def test_the_message_is_translated() -> None:
    with translation.override("vi"):
        message = national_id_error("12345")
    assert message is not None
    assert "12 chữ số" in message


@pytest.mark.parametrize(
    ("number", "legacy"),
    [("123456789", True), ("012345678", True), ("12345678", False), ("1234567890", False),
     ("12345678A", False), ("", False), ("010085001234", False)],
)  # fmt: skip
def test_is_legacy_id_card(number: str, legacy: bool) -> None:
    assert is_legacy_id_card(number) is legacy


@pytest.mark.parametrize(
    ("number", "masked"),
    [("001203006789", "********6789"), ("123456789", "*****6789"), ("1234", "****"), ("", "")],
)
def test_mask(number: str, masked: str) -> None:
    assert mask_national_id(number) == masked
