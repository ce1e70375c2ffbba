"""The `attendance` import kind: who was at which session of an offline class, from the sheet an
instructor kept on paper or in a spreadsheet.

One row per participant and session: `class_code, session_number, national_id, present`. The
class must be open and run by the importer (`learning.manage_class`), the session already held
(not on a day still to come), and the person a participant of that class. A row already
recorded with the same value is unchanged; a different value updates it. Each session the
import changes gets one audit entry with its counts, as when the attendance is taken on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.permissions import Scope, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.text import fold
from hoctap.imports.kinds import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportKind,
    Plan,
    Row,
    RowError,
    audit_bulk,
)
from hoctap.imports.readers import Column
from hoctap.learning.models import (
    Attendance,
    ClassParticipant,
    ClassSession,
    ClassStatus,
    OfflineClass,
)

# `present` cells: 1/0, x/empty, có/không, yes/no (and a few more spellings of each)
PRESENT_WORDS = {
    "1": True,
    "x": True,
    "co": True,
    "co mat": True,
    "yes": True,
    "y": True,
    "true": True,
    "present": True,
    "0": False,
    "": False,
    "khong": False,
    "vang": False,
    "vang mat": False,
    "no": False,
    "n": False,
    "false": False,
    "absent": False,
    "-": False,
}


def present_value(text: str) -> bool | None:
    """The cell as present (True) / absent (False), or None when it is neither."""
    return PRESENT_WORDS.get(fold(text).strip())


def session_number(text: str) -> int | None:
    text = (text or "").strip()
    if text.endswith(".0"):  # a number cell of a spreadsheet
        text = text[:-2]
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


@dataclass
class AttendanceContext:
    actor: Any
    scope: Scope
    # class code → (id, status, unit id, organisation id), or None when unknown to the importer
    classes: dict[str, tuple[int, str, int, int | None] | None] = field(default_factory=dict)


class AttendanceKind(ImportKind):
    name = "attendance"
    label = gettext_lazy("Class attendance")
    permission = Perm.MANAGE_CLASSES
    key_column = "national_id"  # with class_code and session_number
    columns = (
        Column("class_code", ("mã lớp", "mã lớp học")),
        Column("session_number", ("buổi", "buổi học", "số buổi", "buổi số")),
        Column("national_id", ("số định danh", "số định danh cá nhân", "số cccd", "cccd")),
        Column("present", ("có mặt", "điểm danh"), blank=True),
    )

    def key(self, values: dict[str, str]) -> str:
        number = session_number(values["session_number"])
        return " / ".join(
            (
                values["class_code"],
                str(number) if number is not None else values["session_number"],
                values["national_id"],
            )
        )

    def start(self, *, actor: Any) -> AttendanceContext:
        return AttendanceContext(actor=actor, scope=scope_for(actor, Perm.MANAGE_CLASSES))

    def _classes(
        self, ctx: AttendanceContext, codes: set[str]
    ) -> dict[str, tuple[int, str, int, int | None] | None]:
        missing = {c for c in codes if c and c not in ctx.classes}
        if missing:
            found = {
                code: (pk, status, unit_id, org_id)
                for pk, code, status, unit_id, org_id in OfflineClass.objects.filter(
                    ctx.scope.organisations_q("organisation_id", "unit_id"), code__in=missing
                ).values_list("id", "code", "status", "unit_id", "organisation_id")
            }
            for code in missing:
                ctx.classes[code] = found.get(code)
        return ctx.classes

    def check(
        self, ctx: AttendanceContext, rows: Sequence[Row]
    ) -> tuple[list[Plan], list[RowError]]:
        classes = self._classes(ctx, {r.values["class_code"] for r in rows})
        class_ids = {c[0] for c in classes.values() if c is not None}
        sessions = {
            (class_id, number): (pk, on)
            for pk, class_id, number, on in ClassSession.objects.filter(
                offline_class_id__in=class_ids
            ).values_list("id", "offline_class_id", "number", "on")
        }
        participants = {
            (class_id, national_id): pk
            for pk, class_id, national_id in ClassParticipant.objects.filter(
                offline_class_id__in=class_ids,
                person__national_id__in={r.values["national_id"] for r in rows},
            ).values_list("id", "offline_class_id", "person__national_id")
        }
        existing = {
            (session_id, participant_id): (pk, present)
            for pk, session_id, participant_id, present in Attendance.objects.filter(
                session_id__in=[s[0] for s in sessions.values()],
                participant_id__in=list(participants.values()),
            ).values_list("id", "session_id", "participant_id", "present")
        }
        today = timezone.localdate()
        plans: list[Plan] = []
        errors: list[RowError] = []
        for row in rows:
            found: list[RowError] = []
            values = row.values
            code = values["class_code"]
            known = classes.get(code)
            if known is None:
                found.append(
                    row.error("class_code", _("Unknown class code “%(code)s”.") % {"code": code})
                )
            elif known[1] != ClassStatus.OPEN:
                found.append(
                    row.error("class_code", _("This class is no longer open: it does not change."))
                )
            number = session_number(values["session_number"])
            if number is None:
                found.append(row.error("session_number", _("Give the session's number: 1, 2, …")))
            present = present_value(values["present"])
            if present is None:
                found.append(
                    row.error("present", _("Write 1 or 0, x or nothing, có or không, yes or no."))
                )
            session = participant = None
            if known is not None and known[1] == ClassStatus.OPEN and number is not None:
                session = sessions.get((known[0], number))
                if session is None:
                    found.append(
                        row.error(
                            "session_number",
                            _("Class %(code)s has no session %(n)s.") % {"code": code, "n": number},
                        )
                    )
                elif session[1] > today:
                    found.append(
                        row.error(
                            "session_number",
                            _("This session is still to come: its attendance is taken later."),
                        )
                    )
                participant = participants.get((known[0], values["national_id"]))
                if participant is None:
                    found.append(
                        row.error(
                            "national_id",
                            _("No participant of class %(code)s has this ID number.")
                            % {"code": code},
                        )
                    )
            if found:
                errors.extend(found)
                continue
            assert known is not None
            assert session is not None
            assert participant is not None
            data = {
                "session_id": session[0],
                "participant_id": participant,
                "present": present,
                "class_code": code,
                "number": number,
                "unit_id": known[2],
                "organisation_id": known[3],
            }
            before = existing.get((session[0], participant))
            key = self.key(values)
            if before is None:
                plans.append(Plan(row.number, key, CREATE, data=data))
            elif before[1] == present:
                plans.append(Plan(row.number, key, UNCHANGED, data={**data, "id": before[0]}))
            else:
                plans.append(
                    Plan(
                        row.number,
                        key,
                        UPDATE,
                        data={**data, "id": before[0]},
                        changes={"present": [before[1], present]},
                    )
                )
        return plans, errors

    def write(self, ctx: AttendanceContext, plans: Sequence[Plan]) -> None:
        now = timezone.now()
        recorder = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        creates = [p for p in plans if p.action == CREATE]
        updates = [p for p in plans if p.action == UPDATE]
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session_id=p.data["session_id"],
                    participant_id=p.data["participant_id"],
                    present=p.data["present"],
                    recorded_at=now,
                    recorded_by=recorder,
                )
                for p in creates
            ],
            batch_size=self.batch_size,
        )
        Attendance.objects.bulk_update(
            [
                Attendance(
                    id=p.data["id"],
                    present=p.data["present"],
                    recorded_at=now,
                    recorded_by=recorder,
                )
                for p in updates
            ],
            ["present", "recorded_at", "recorded_by"],
            batch_size=self.batch_size,
        )
        # one entry per session changed, with its counts (as `attendance_take` records)
        sessions: dict[int, dict[str, Any]] = {}
        for plan in [*creates, *updates]:
            entry = sessions.setdefault(
                plan.data["session_id"],
                {
                    "label": f"{plan.data['class_code']} #{plan.data['number']}",
                    "changes": {
                        "class": plan.data["class_code"],
                        "session": plan.data["number"],
                        "present": 0,
                        "absent": 0,
                        "created": 0,
                        "updated": 0,
                        "import": True,
                    },
                    "unit_id": plan.data["unit_id"],
                    "organisation_id": plan.data["organisation_id"],
                },
            )
            changes = entry["changes"]
            changes["present" if plan.data["present"] else "absent"] += 1
            changes["created" if plan.action == CREATE else "updated"] += 1
        audit_bulk(
            actor=ctx.actor,
            action="attendance.take",
            target_type="learning.classsession",
            items=(
                (pk, e["label"], e["changes"], e["unit_id"], e["organisation_id"])
                for pk, e in sessions.items()
            ),
        )


attendance = AttendanceKind()
