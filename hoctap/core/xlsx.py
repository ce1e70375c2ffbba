"""Spreadsheets for people: one sheet, written row by row (openpyxl's write-only mode) to a
spooled temporary file, so a province's list never sits in memory as cells.

Dates and times stay date cells (Excel sorts and filters them) shown the way the active
language writes them: 22/11/2026 and 22/11/2026 14:05 in Vietnamese, 2026-11-22 in English.
openpyxl alone would show every date as 2026-11-22."""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.utils import translation

SPOOL_BYTES = 8 * 1024 * 1024  # a small sheet stays in memory, a province's goes to disk
_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")


def _formats() -> tuple[str, str]:
    if (translation.get_language() or "").startswith("vi"):
        return "DD/MM/YYYY", "DD/MM/YYYY HH:MM"
    return "YYYY-MM-DD", "YYYY-MM-DD HH:MM"


def sheet_title(title: str) -> str:
    """Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\\."""
    return _NOT_IN_SHEET_TITLES.sub(" ", str(title)).strip()[:31] or "Sheet"


def xlsx_file(title: str, header: list[str], rows: Iterable[list[Any]]) -> IO[bytes]:
    """A workbook of one sheet named `title`: the header, then `rows`; returned rewound."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    date_format, datetime_format = _formats()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.append(header)
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, datetime.date):  # a datetime is a date too
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = (
                    datetime_format if isinstance(value, datetime.datetime) else date_format
                )
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return out
