"""Reading CSV and XLSX files row by row, whatever their header language.

Nothing here knows a register: a reader turns a file into (row number, cells) pairs, lazily, so
a million-row file is never held in memory. Row numbers are the ones the user sees in the sheet
(the header is row 1). Headers match a kind's columns ignoring case, spaces, underscores and
diacritics, so `parent_code`, `Parent code` and `Mã đơn vị cha` / `ma don vi cha` all work.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from hoctap.core.errors import DomainError
from hoctap.core.text import fold

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
SNIFF_BYTES = 4096


class ImportFileError(DomainError):
    """The file as a whole cannot be read: not CSV/XLSX, damaged, or a wrong header."""


def header_key(text: str) -> str:
    """`Mã đơn vị cha` → `madonvicha`; `parent_code` → `parentcode`."""
    return re.sub(r"[\s_\-.]+", "", fold(text.replace("\ufeff", "")))


@dataclass(frozen=True)
class Column:
    """One column of a kind: its canonical name, the other headers accepted, whether the header
    must be there (`required`) and whether a cell in it may be empty (`blank`)."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    blank: bool = False

    def header_keys(self) -> set[str]:
        return {header_key(self.name), *(header_key(a) for a in self.aliases)}


def map_header(
    header: list[str], columns: tuple[Column, ...]
) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """Canonical column name → position in the file, and every header problem as
    (column, value, message): unknown and repeated columns, missing required ones."""
    wanted: dict[str, Column] = {}
    for column in columns:
        for key in column.header_keys():
            wanted[key] = column
    positions: dict[str, int] = {}
    problems: list[tuple[str, str, str]] = []
    for index, raw in enumerate(header):
        label = (raw or "").strip()
        if not label:
            continue
        found = wanted.get(header_key(label))
        if found is None:
            expected = ", ".join(c.name for c in columns)
            problems.append(
                (
                    label,
                    label,
                    _("Unknown column; expected: %(expected)s.") % {"expected": expected},
                )
            )
        elif found.name in positions:
            problems.append((found.name, label, _("This column appears twice.")))
        else:
            positions[found.name] = index
    for column in columns:
        if column.required and column.name not in positions:
            problems.append((column.name, "", _("Required column missing from the header.")))
    return positions, problems


def parse_date(value: str) -> datetime.date:
    """`YYYY-MM-DD` or `DD/MM/YYYY`; ValueError with a readable message otherwise."""
    text = value.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the usual case, fast
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(_("Not a date: use YYYY-MM-DD or DD/MM/YYYY."))


def _cell_text(value: Any) -> str:
    """An XLSX cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    # io.TextIOWrapper decodes in C, several times faster than a codecs reader; it is detached
    # at the end so that closing it does not close the caller's stream
    wrapped = isinstance(stream, io.BufferedIOBase | io.RawIOBase)
    text: Any = (
        io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
        if wrapped
        else codecs.getreader("utf-8-sig")(stream, "strict")
    )
    try:
        strip = str.strip
        for number, cells in enumerate(csv.reader(text), start=1):
            yield number, list(map(strip, cells))
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is neither a CSV file in UTF-8 nor an XLSX workbook.")
        ) from exc
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    finally:
        if wrapped:
            text.detach()


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    damaged = _("The XLSX workbook is damaged or truncated; save it again and re-upload it.")
    try:
        # read_only streams the sheet XML instead of building every cell in memory
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(damaged) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(damaged) from exc
    except Exception as exc:  # the XML parser's own errors (a cut-off sheet)
        if type(exc).__module__.startswith(("xml.", "lxml", "defusedxml")):
            raise ImportFileError(damaged) from exc
        raise
    finally:
        workbook.close()


def detect_format(stream: IO[bytes]) -> str:
    """ "xlsx" or "csv" from the content (never from the file name); rewinds the stream."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise ImportFileError(
            _("Old Excel .xls files are not supported: save the sheet as .xlsx or CSV.")
        )
    if b"\x00" in head:
        raise ImportFileError(_("The file is neither a CSV file in UTF-8 nor an XLSX workbook."))
    try:
        # a multi-byte character cut at the end of the sample is fine
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is neither a CSV file in UTF-8 nor an XLSX workbook.")
        ) from exc
    return "csv"


def read_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """Every row of the file's first sheet as (row number, cells), the header included, lazily."""
    if detect_format(stream) == "xlsx":
        yield from _xlsx_rows(stream)
    else:
        yield from _csv_rows(stream)


def open_bytes(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)
