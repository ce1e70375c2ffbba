"""Scoped reads of offline classes.

A class is visible to an actor who holds `learning.view_record` or `learning.manage_class`
over its place (its village or commune) or its organisation, and to its instructors (through
their learner account). Anything else does not exist for them (404).
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import EVERY_ROW, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.geo.models import UnitClosure
from hoctap.learning.models import (
    Attendance,
    ClassInstructor,
    ClassParticipant,
    ClassSession,
    ClassStatus,
    Course,
    CourseStatus,
    OfflineClass,
)
from hoctap.learning.selectors.learners import person_search_q
from hoctap.learning.selectors.scope import own_person_id, person_scope_q
from hoctap.registry.models import Person
from hoctap.registry.selectors import person_list


def class_visible_q(actor: Any) -> Q:
    """Classes the actor sees: by their learning scope, or as an instructor."""
    q = Q(pk__in=[])
    for permission in (Perm.VIEW_LEARNING, Perm.MANAGE_CLASSES):
        scope = scope_for(actor, permission)
        if scope.is_global:
            return EVERY_ROW
        if not scope.is_empty:
            q |= scope.organisations_q("organisation_id", "unit_id")
    person_id = own_person_id(actor)
    if person_id is not None:
        q |= Q(
            pk__in=ClassInstructor.objects.filter(person_id=person_id).values("offline_class_id")
        )
    return q


def class_list(
    *,
    actor: Any,
    q: str | None = None,
    status: str | None = None,
    within_unit_code: str | None = None,
    mine: bool = False,
) -> QuerySet[OfflineClass]:
    """Visible classes, latest first, with their counts of participants and sessions. `mine`:
    only those the actor teaches. `q`: the start of the code, or words of the title."""
    classes = OfflineClass.objects.filter(class_visible_q(actor))
    if mine:
        person_id = own_person_id(actor)
        if person_id is None:
            return OfflineClass.objects.none()
        classes = classes.filter(
            pk__in=ClassInstructor.objects.filter(person_id=person_id).values("offline_class_id")
        )
    if status:
        classes = classes.filter(status=status)
    if within_unit_code:
        classes = classes.filter(
            unit_id__in=UnitClosure.objects.filter(ancestor__code=within_unit_code).values(
                "descendant_id"
            )
        )
    term = (q or "").strip()
    if term:
        classes = classes.filter(
            Q(code__istartswith=term)
            | Q(title__icontains=term)
            | Q(course__search_title__contains=fold(term))
        )
    return (
        classes.select_related("course", "unit", "organisation")
        .annotate(
            participant_count=Count("participants", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
        .order_by("-starts_on", "code")
    )


def my_classes(*, actor: Any) -> QuerySet[OfflineClass]:
    """The open classes the actor teaches (through their learner account), soonest first."""
    if own_person_id(actor) is None:
        return OfflineClass.objects.none()
    return class_list(actor=actor, mine=True, status=ClassStatus.OPEN).order_by("starts_on", "code")


def _get(actor: Any, **lookup: Any) -> OfflineClass:
    offline_class = (
        OfflineClass.objects.filter(class_visible_q(actor), **lookup)
        .select_related("course__owner", "unit", "organisation")
        .first()
    )
    if offline_class is None:
        raise NotFound(_("Class not found."))
    return offline_class


def class_get(*, actor: Any, class_id: int) -> OfflineClass:
    return _get(actor, pk=class_id)


def class_get_by_code(*, actor: Any, code: str) -> OfflineClass:
    return _get(actor, code=code)


def class_sessions(*, offline_class: OfflineClass) -> QuerySet[ClassSession]:
    return ClassSession.objects.filter(offline_class=offline_class).order_by("number")


def class_session_get(*, actor: Any, class_id: int, number: int) -> ClassSession:
    """A session of a visible class, by its number (1, 2, …)."""
    offline_class = class_get(actor=actor, class_id=class_id)
    session = ClassSession.objects.filter(offline_class=offline_class, number=number).first()
    if session is None:
        raise NotFound(_("Session not found."))
    session.offline_class = offline_class
    return session


def class_instructors(*, offline_class: OfflineClass) -> QuerySet[ClassInstructor]:
    return (
        ClassInstructor.objects.filter(offline_class=offline_class)
        .select_related("person")
        .order_by("role", "person__search_name")
    )


def class_instructor_get(*, actor: Any, class_id: int, instructor_id: int) -> ClassInstructor:
    offline_class = class_get(actor=actor, class_id=class_id)
    instructor = (
        ClassInstructor.objects.filter(offline_class=offline_class, pk=instructor_id)
        .select_related("person")
        .first()
    )
    if instructor is None:
        raise NotFound(_("Instructor not found."))
    instructor.offline_class = offline_class
    return instructor


def class_participant_get(*, actor: Any, class_id: int, participant_id: int) -> ClassParticipant:
    offline_class = class_get(actor=actor, class_id=class_id)
    participant = (
        ClassParticipant.objects.filter(offline_class=offline_class, pk=participant_id)
        .select_related("person")
        .first()
    )
    if participant is None:
        raise NotFound(_("Participant not found."))
    participant.offline_class = offline_class
    return participant


def class_participants(*, offline_class: OfflineClass) -> QuerySet[ClassParticipant]:
    return (
        ClassParticipant.objects.filter(offline_class=offline_class)
        .select_related("person")
        .order_by("person__search_name", "person_id")
    )


def session_attendance(*, session: ClassSession) -> dict[int, bool]:
    """Person id → present, for the participants whose attendance at the session was taken."""
    return dict(
        Attendance.objects.filter(session=session).values_list("participant__person_id", "present")
    )


def meets_rule(
    *,
    attended: int,
    sessions: int,
    min_attendance_percent: int,
    requires_test: bool,
    test_score: decimal.Decimal | None,
    test_pass_mark: decimal.Decimal,
) -> bool:
    """The completion rule for one participant, in integers: 4 of 5 sessions is exactly 80%,
    which meets a minimum of 80%."""
    if sessions <= 0 or attended * 100 < min_attendance_percent * sessions:
        return False
    return not requires_test or (
        test_score is not None and decimal.Decimal(test_score) >= decimal.Decimal(test_pass_mark)
    )


# ---------------------------------------------------------------------------------------------
# The class sheet: participants × sessions
# ---------------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    participant: ClassParticipant
    marks: list[bool | None]  # per session, in order: present, absent, not taken
    attended: int
    percent: int  # of all the class's sessions, rounded down
    meets_attendance: bool
    passed_test: bool | None  # None: no test required
    would_complete: bool  # by the rule, as things stand

    @property
    def has_attendance(self) -> bool:
        return any(mark is not None for mark in self.marks)


@dataclass
class ClassSheet:
    offline_class: OfflineClass
    sessions: list[ClassSession]
    rows: list[SheetRow] = field(default_factory=list)
    present_counts: list[int] = field(default_factory=list)  # per session
    taken: list[bool] = field(default_factory=list)  # per session: attendance taken

    @property
    def would_complete(self) -> int:
        return sum(1 for row in self.rows if row.would_complete)


def class_sheet(*, offline_class: OfflineClass) -> ClassSheet:
    """The instructor's sheet of a (visible) class: each participant's attendance at each
    session, their attendance rate, test score and result, in three queries."""
    sessions = list(class_sessions(offline_class=offline_class))
    participants = list(class_participants(offline_class=offline_class))
    marks: dict[tuple[int, int], bool] = {
        (participant_id, session_id): present
        for participant_id, session_id, present in Attendance.objects.filter(
            session__offline_class=offline_class
        ).values_list("participant_id", "session_id", "present")
    }
    sheet = ClassSheet(offline_class=offline_class, sessions=sessions)
    total = len(sessions)
    pass_mark = offline_class.test_pass_mark
    for participant in participants:
        row_marks = [marks.get((participant.pk, s.pk)) for s in sessions]
        attended = sum(1 for m in row_marks if m)
        meets_attendance = (
            total > 0 and attended * 100 >= offline_class.min_attendance_percent * total
        )
        passed: bool | None = None
        if offline_class.requires_test:
            score = participant.test_score
            passed = score is not None and decimal.Decimal(score) >= pass_mark
        sheet.rows.append(
            SheetRow(
                participant=participant,
                marks=row_marks,
                attended=attended,
                percent=(attended * 100) // total if total else 0,
                meets_attendance=meets_attendance,
                passed_test=passed,
                would_complete=meets_rule(
                    attended=attended,
                    sessions=total,
                    min_attendance_percent=offline_class.min_attendance_percent,
                    requires_test=offline_class.requires_test,
                    test_score=participant.test_score,
                    test_pass_mark=pass_mark,
                ),
            )
        )
    taken_ids = {session_id for (_p, session_id) in marks}
    sheet.taken = [s.pk in taken_ids for s in sessions]
    sheet.present_counts = [
        sum(1 for row in sheet.rows if row.marks[i]) for i in range(len(sessions))
    ]
    return sheet


def published_courses() -> list[tuple[str, str]]:
    """(code, title) of the published courses, which classes may teach."""
    return list(
        Course.objects.filter(status=CourseStatus.PUBLISHED)
        .order_by("title", "code")
        .values_list("code", "title")
    )


# ---------------------------------------------------------------------------------------------
# Finding persons to add
# ---------------------------------------------------------------------------------------------


PERSON_SEARCH_SHOWN = 30


def class_person_search(*, actor: Any, q: str) -> list[Person]:
    """Persons the actor may add to a class, found by the start of a word of the name or of
    the ID number (`registry.selectors.person_list`), the first few only."""
    if not (q or "").strip():
        return []
    addable = person_scope_q(actor, Perm.MANAGE_CLASSES, "")
    if not scope_for(actor, Perm.VIEW_REGISTRY).is_empty:
        return list(person_list(actor=actor, q=q).filter(addable)[:PERSON_SEARCH_SHOWN])
    # an organisation's officer sees no register: its members only, searched plainly
    term = fold(q)
    match = (
        person_search_q(term, "", actor=actor)
        if term.isascii() and term.isdigit()
        else Q(search_name__startswith=term) | Q(search_name__contains=f" {term}")
    )
    found = Person.objects.filter(addable, match).select_related("village")
    return list(found.order_by("search_name", "national_id")[:PERSON_SEARCH_SHOWN])
