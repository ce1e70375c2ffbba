"""Small files for the import tests."""

from __future__ import annotations

import io
from typing import Any

from hoctap.audit.models import AuditEntry
from hoctap.geo.models import AdminUnit, Organisation, OrganisationClosure, UnitClosure


def csv_bytes(*lines: str, bom: bool = False) -> io.BytesIO:
    text = "\n".join(lines) + "\n"
    return io.BytesIO(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def xlsx_bytes(rows: list[list[Any]]) -> io.BytesIO:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def counts() -> tuple[int, ...]:
    """Everything an import may write: compared before and after a refused import."""
    return (
        AdminUnit.objects.count(),
        Organisation.objects.count(),
        AuditEntry.objects.count(),
        UnitClosure.objects.count(),
        OrganisationClosure.objects.count(),
    )


def located(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.value) for e in result.errors]


def persons_csv(world: Any, *, fixed: bool) -> str:
    """Two persons of commune A's village, with Vietnamese headers and words; unless `fixed`,
    the second one's birth year disagrees with her ID number (row 3, column national_id)."""
    va = world.village_a.code
    born = "20/05/1991" if fixed else "20/05/1992"  # the ID number says 1991
    return "\n".join(
        [
            "Số định danh,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Mã thôn,Mã hộ,Quan hệ với chủ hộ",
            f"010090001111,Nguyễn Văn Cường,15/04/1990,Nam,Kinh,{va},HH-A-001,con",
            f"010191002222,Lê Thị Dung,{born},Nữ,Tày,{va},,",
        ]
    )
