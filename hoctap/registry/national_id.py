"""The personal identification number (số định danh cá nhân, on the CCCD card): pure rules.

12 digits: 1–3 the province (old 63-province codes) or country of birth registration,
4 century and sex, 5–6 the last two digits of the birth year, 7–12 random. There is no check
digit, so validation is the format, a known prefix, and agreement with the birth date and sex.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from hoctap.core.errors import InvalidInput

NATIONAL_ID = re.compile(r"^[0-9]{12}$")
LEGACY_ID_CARD = re.compile(r"^[0-9]{9}$")

# Prefixes of birth registration in one of the 63 provinces as they were before the 2025
# merger. Data, not logic: the country codes of a birth registered abroad are not listed yet,
# so such numbers are refused until they are added here.
PROVINCE_PREFIXES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa – Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

MALE = "male"
FEMALE = "female"

# digit 4: the first year of the century → (male digit, female digit)
CENTURY_DIGITS: dict[int, tuple[str, str]] = {1900: ("0", "1"), 2000: ("2", "3"), 2100: ("4", "5")}


def century_sex_digit(birth_date: datetime.date, sex: str) -> str | None:
    """The 4th digit a person born on `birth_date` with `sex` must have (None: no such digit)."""
    digits = CENTURY_DIGITS.get(birth_date.year // 100 * 100)
    if digits is None or sex not in (MALE, FEMALE):
        return None
    return digits[0] if sex == MALE else digits[1]


def national_id_error(
    number: str, *, birth_date: datetime.date | None = None, sex: str | None = None
) -> str | None:
    """None if `number` is valid for this birth date and sex, else a message naming the rule.

    Without a birth date or a sex only the rules that do not need them are checked.
    """
    if birth_date is not None and sex in (MALE, FEMALE) and len(number) == 12:
        # the usual case, decided in one expression (an import checks a million of these);
        # anything it does not accept goes through the rules below for the message
        digits = CENTURY_DIGITS.get(birth_date.year // 100 * 100)
        if (
            digits is not None
            and number.isascii()
            and number.isdigit()
            and number[:3] in PROVINCE_PREFIXES
            and number[3] == digits[0 if sex == MALE else 1]
            and number[4:6] == f"{birth_date.year % 100:02d}"
        ):
            return None
    if not NATIONAL_ID.match(number or ""):
        return _("A personal ID number has exactly 12 digits.")
    prefix, digit, year_digits = number[:3], number[3], number[4:6]
    if prefix not in PROVINCE_PREFIXES:
        return _("The first three digits (%(prefix)s) are not a known province code.") % {
            "prefix": prefix
        }
    if int(digit) > 5:
        return _("The fourth digit (%(digit)s) must be 0–5 (century and sex).") % {"digit": digit}
    if birth_date is not None:
        digits = CENTURY_DIGITS.get(birth_date.year // 100 * 100)
        if digits is None or digit not in digits:
            return _(
                "The fourth digit (%(digit)s) gives another century than the birth year %(year)s."
            ) % {"digit": digit, "year": birth_date.year}
        if sex in (MALE, FEMALE) and digit != century_sex_digit(birth_date, sex):
            return _("The fourth digit (%(digit)s) does not agree with the sex.") % {"digit": digit}
        if year_digits != f"{birth_date.year % 100:02d}":
            return _(
                "Digits 5–6 (%(digits)s) must be the last two digits of the birth year %(year)s."
            ) % {"digits": year_digits, "year": birth_date.year}
    elif sex in (MALE, FEMALE) and int(digit) % 2 != (0 if sex == MALE else 1):
        return _("The fourth digit (%(digit)s) does not agree with the sex.") % {"digit": digit}
    return None


def validate_national_id(
    number: str, *, birth_date: datetime.date | None = None, sex: str | None = None
) -> str:
    """The number if valid, else `InvalidInput({"national_id": <which rule failed>})`."""
    number = (number or "").strip()
    error = national_id_error(number, birth_date=birth_date, sex=sex)
    if error is not None:
        raise InvalidInput({"national_id": error})
    return number


def is_legacy_id_card(number: str) -> bool:
    """An old 9-digit identity card (CMND) number, as found in legacy files."""
    return bool(LEGACY_ID_CARD.match(number or ""))


def mask_national_id(number: str) -> str:
    """`001203006789` → `********6789`: only the last four digits shown."""
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]
