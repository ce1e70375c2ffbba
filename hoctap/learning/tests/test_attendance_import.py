"""The `attendance` import kind, through the shared import pipeline."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.imports import services as imports
from hoctap.imports.kinds import KINDS
from hoctap.imports.tests.helpers import csv_bytes, located, xlsx_bytes
from hoctap.learning.imports.attendance import attendance, present_value
from hoctap.learning.models import Attendance
from hoctap.learning.selectors import classes as selectors
from hoctap.learning.services import classes as services
from hoctap.learning.tests.classes_helpers import ClassWorld, build_class, build_foreign_class
from hoctap.learning.tests.conftest import build_course

HEADER = "class_code,session_number,national_id,present"


@pytest.fixture
def cw(world: World) -> ClassWorld:
    return build_class(world, build_course())


def run(actor: Any, stream: Any) -> Any:
    return imports.import_file(
        actor=actor, kind=attendance, stream=stream, file_name="diem-danh.csv"
    )


def state() -> tuple[Any, ...]:
    return (
        sorted(Attendance.objects.values_list("session_id", "participant_id", "present")),
        AuditEntry.objects.count(),
    )


def test_the_kind_is_registered() -> None:
    assert KINDS["attendance"] is attendance


@pytest.mark.parametrize(
    ("cell", "value"),
    [("1", True), ("x", True), ("X", True), ("có", True), ("Có mặt", True), ("yes", True),
     ("0", False), ("", False), ("không", False), ("no", False), ("vắng", False), ("maybe", None)],
)  # fmt: skip
def test_present_words(cell: str, value: bool | None) -> None:
    assert present_value(cell) is value


def test_import_with_vietnamese_headers_then_reimport_changes_nothing(cw: ClassWorld) -> None:
    a, b, c = cw.participants
    lines = (
        "Mã lớp,Buổi,Số định danh,Có mặt",
        f"LOP-A-01,1,{a.national_id},x",
        f"LOP-A-01,1,{b.national_id},",
        f"LOP-A-01,1,{c.national_id},có",
        f"LOP-A-01,2,{a.national_id},1",
        f"LOP-A-01,2,{b.national_id},không",
    )
    result = run(cw.world.officer_a, csv_bytes(*lines, bom=True))
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert selectors.session_attendance(session=cw.sessions[0]) == {
        a.pk: True,
        b.pk: False,
        c.pk: True,
    }
    entries = AuditEntry.objects.filter(action="attendance.take").order_by("target_id")
    assert [(e.changes["session"], e.changes["present"], e.changes["absent"]) for e in entries] == [
        (1, 2, 1),
        (2, 1, 1),
    ]
    before = state()
    again = run(cw.world.officer_a, csv_bytes(*lines))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert state() == before
    # a changed value updates that row only, audited
    changed = run(cw.world.officer_a, csv_bytes(HEADER, f"LOP-A-01,1,{b.national_id},yes"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    assert selectors.session_attendance(session=cw.sessions[0])[b.pk] is True
    assert AuditEntry.objects.filter(action="attendance.take").count() == 3


def test_xlsx_with_number_cells(cw: ClassWorld) -> None:
    a = cw.participants[0]
    stream = xlsx_bytes([["class_code", "session_number", "national_id", "present"],
                         ["LOP-A-01", 2, a.national_id, 1]])  # fmt: skip
    result = run(cw.world.officer_a, stream)
    assert result.errors == []
    assert selectors.session_attendance(session=cw.sessions[1]) == {a.pk: True}


def test_every_bad_row_is_reported_and_nothing_is_written(cw: ClassWorld) -> None:
    a, b, _c = cw.participants
    foreign = build_foreign_class(cw.world, cw.course)
    future = services.session_add(
        actor=cw.world.officer_a,
        offline_class=cw.offline_class,
        on=timezone.localdate() + datetime.timedelta(days=2),
    )
    lines = (
        HEADER,
        f"LOP-A-01,1,{a.national_id},1",  # fine
        f"LOP-A-01,1,{cw.instructor.national_id},1",  # not a participant
        f"LOP-A-01,9,{b.national_id},1",  # no such session
        f"LOP-A-01,abc,{b.national_id},1",  # not a number
        f"LOP-A-01,2,{b.national_id},maybe",  # not a present word
        f"{foreign.code},1,{cw.world.person_b.national_id},1",  # commune B: unknown class
        f"LOP-A-01,{future.number},{b.national_id},1",  # still to come
        f"LOP-A-01,1,{a.national_id},0",  # the same key twice
    )
    before = state()
    result = run(cw.world.officer_a, csv_bytes(*lines))
    assert located(result) == [
        (3, "national_id", cw.instructor.national_id),
        (4, "session_number", "9"),
        (5, "session_number", "abc"),
        (6, "present", "maybe"),
        (7, "class_code", foreign.code),
        (8, "session_number", str(future.number)),
        (9, "national_id", a.national_id),
    ]
    assert "Zeta" not in " ".join(e.message for e in result.errors)
    assert state() == before


def test_a_completed_class_takes_no_more_attendance(cw: ClassWorld) -> None:
    a, b, c = cw.participants
    for session in cw.sessions:
        services.attendance_take(
            actor=cw.world.officer_a, session=session, present_ids={a.pk, b.pk, c.pk},
            absent_ids=set(),
        )  # fmt: skip
    services.class_complete(actor=cw.world.officer_a, offline_class=cw.offline_class)
    before = state()
    result = run(cw.world.officer_a, csv_bytes(HEADER, f"LOP-A-01,1,{a.national_id},0"))
    assert located(result) == [(2, "class_code", "LOP-A-01")]
    assert state() == before


def test_who_may_import(cw: ClassWorld) -> None:
    from hoctap.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(cw.world.viewer, csv_bytes(HEADER, f"LOP-A-01,1,{cw.participants[0].national_id},1"))
    # officer B does not know commune A's class
    result = run(
        cw.world.officer_b, csv_bytes(HEADER, f"LOP-A-01,1,{cw.participants[0].national_id},1")
    )
    assert located(result) == [(2, "class_code", "LOP-A-01")]
    assert not Attendance.objects.exists()
