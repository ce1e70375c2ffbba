"""The 54 ethnic groups of Vietnam with their official 2-digit codes (danh mục dân tộc Việt Nam,
General Statistics Office). A fixed national list: kept as data in code, not as a table (ADR 0010).
A person stores the code."""

from __future__ import annotations

from hoctap.core.text import fold

ETHNIC_GROUPS: dict[str, str] = {
    "01": "Kinh",
    "02": "Tày",
    "03": "Thái",
    "04": "Hoa",
    "05": "Khơ-me",
    "06": "Mường",
    "07": "Nùng",
    "08": "HMông",
    "09": "Dao",
    "10": "Gia-rai",
    "11": "Ngái",
    "12": "Ê-đê",
    "13": "Ba na",
    "14": "Xơ-Đăng",
    "15": "Sán Chay",
    "16": "Cơ-ho",
    "17": "Chăm",
    "18": "Sán Dìu",
    "19": "Hrê",
    "20": "Mnông",
    "21": "Ra-glai",
    "22": "Xtiêng",
    "23": "Bru-Vân Kiều",
    "24": "Thổ",
    "25": "Giáy",
    "26": "Cơ-tu",
    "27": "Gié Triêng",
    "28": "Mạ",
    "29": "Khơ-mú",
    "30": "Co",
    "31": "Tà-ôi",
    "32": "Chơ-ro",
    "33": "Kháng",
    "34": "Xinh-mun",
    "35": "Hà Nhì",
    "36": "Chu ru",
    "37": "Lào",
    "38": "La Chí",
    "39": "La Ha",
    "40": "Phù Lá",
    "41": "La Hủ",
    "42": "Lự",
    "43": "Lô Lô",
    "44": "Chứt",
    "45": "Mảng",
    "46": "Pà Thẻn",
    "47": "Co Lao",
    "48": "Cống",
    "49": "Bố Y",
    "50": "Si La",
    "51": "Pu Péo",
    "52": "Brâu",
    "53": "Ơ Đu",
    "54": "Rơ măm",
}


def _key(name: str) -> str:
    """Folded, with hyphens, apostrophes and spaces ignored: "H'Mông", "HMông", "hmong" agree."""
    return "".join(ch for ch in fold(name) if ch.isalnum())


_BY_NAME: dict[str, str] = {_key(name): code for code, name in ETHNIC_GROUPS.items()}


def ethnicity_code(value: str) -> str | None:
    """The code of an ethnic group given by code ("8", "08") or by name in any spelling of
    diacritics, case and hyphens ("Khơ-me", "khome", "H'Mông"); None if unknown."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit():  # not "²", which isdigit() takes and int() not
        code = f"{int(value):02d}"
        return code if code in ETHNIC_GROUPS else None
    return _BY_NAME.get(_key(value)) if value else None


def ethnicity_name(code: str) -> str:
    return ETHNIC_GROUPS.get(code, code)


CHOICES: list[tuple[str, str]] = list(ETHNIC_GROUPS.items())
