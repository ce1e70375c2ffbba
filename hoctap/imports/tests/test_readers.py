import datetime
import io

import pytest

from hoctap.imports.readers import (
    Column,
    ImportFileError,
    header_key,
    map_header,
    parse_date,
    read_rows,
)
from hoctap.imports.tests.helpers import csv_bytes, xlsx_bytes

COLUMNS = (Column("code", ("mã",)), Column("parent_code", ("mã đơn vị cha",), required=False))


def test_headers_match_ignoring_case_spaces_underscores_and_diacritics():
    assert header_key("Mã đơn vị cha") == header_key("ma don vi cha") == "madonvicha"
    assert header_key("Parent_Code") == header_key(" parent code ") == "parentcode"
    positions, problems = map_header(["MÃ", "Mã Đơn Vị Cha"], COLUMNS)
    assert positions == {"code": 0, "parent_code": 1}
    assert problems == []


def test_a_wrong_header_names_the_unknown_and_the_missing_columns():
    _positions, problems = map_header(["cod", "parent_code", "parent code"], COLUMNS)
    assert [(column, value) for column, value, _message in problems] == [
        ("cod", "cod"),
        ("parent_code", "parent code"),
        ("code", ""),
    ]


@pytest.mark.parametrize("text", ["2025-07-01", "01/07/2025", " 1/7/2025 "])
def test_dates_in_both_formats(text):
    assert parse_date(text) == datetime.date(2025, 7, 1)


@pytest.mark.parametrize("text", ["2025/07/01", "32/01/2025", "01-07-2025", "July 1"])
def test_other_date_formats_are_refused(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD or DD/MM/YYYY"):
        parse_date(text)


def test_csv_with_and_without_bom_reads_the_same():
    plain = list(read_rows(csv_bytes("code,name", "01,Ả")))
    bom = list(read_rows(csv_bytes("code,name", "01,Ả", bom=True)))
    assert plain == bom == [(1, ["code", "name"]), (2, ["01", "Ả"])]


def test_xlsx_cells_become_text():
    rows = list(
        read_rows(
            xlsx_bytes(
                [
                    ["code", "valid_from"],
                    ["02647-001", datetime.date(2025, 8, 1)],
                    [None, None],
                    [12.0, None],
                ]
            )
        )
    )
    assert rows[0] == (1, ["code", "valid_from"])
    assert rows[1] == (2, ["02647-001", "2025-08-01"])
    assert rows[-1] == (4, ["12", ""])


def test_neither_csv_nor_xlsx_is_refused():
    with pytest.raises(ImportFileError, match="neither a CSV"):
        list(read_rows(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")))
    with pytest.raises(ImportFileError, match="neither a CSV"):
        list(
            read_rows(
                io.BytesIO("Mã,Tên\nThôn Đồng,Bản Bắc\n".encode("latin-1", "replace") + b"\xe3\xf0")
            )
        )
    with pytest.raises(ImportFileError, match=r"\.xls"):
        list(read_rows(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)))


def test_a_truncated_xlsx_is_refused():
    data = xlsx_bytes([["code"], *[[f"x{i}"] for i in range(50)]]).getvalue()
    with pytest.raises(ImportFileError, match="damaged or truncated"):
        list(read_rows(io.BytesIO(data[: len(data) // 2])))


def test_the_reader_yields_lazily():
    """A large file is read row by row: the first rows arrive with most of it still unread."""
    stream = io.BytesIO(
        b"code,name\n" + b"".join(f"02647-{i:06d},Th\u00f4n {i}\n".encode() for i in range(200_000))
    )
    rows = read_rows(stream)
    assert next(rows) == (1, ["code", "name"])
    assert next(rows) == (2, ["02647-000000", "Thôn 0"])
    for _ in range(1_000):
        next(rows)
    assert stream.tell() < len(stream.getvalue()) // 10
