"""`lesson_move` and `module_move` through the services: the order across modules (empty
modules included), refusals that change nothing, and the course's selectors for the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hoctap.learning.models import Course, CourseModule, Lesson
from hoctap.learning.selectors import authoring as selectors
from hoctap.learning.services import catalogue
from hoctap.learning.tests.conftest import LearningWorld

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The services' messages are compared in English; test_language checks the Vietnamese."""
    with translation.override("en"):
        yield


def lessons(course: Course) -> list[tuple[str, int, int, int]]:
    """(title, module position, position in the module, number) in course order."""
    return [
        (lesson.title, lesson.module.position, lesson.position, lesson.number)
        for lesson in Lesson.objects.filter(course=course)
        .select_related("module")
        .order_by("number")
    ]


def state(course: Course) -> list[tuple[int, int, int, int]]:
    return list(
        Lesson.objects.filter(course=course)
        .order_by("pk")
        .values_list("pk", "module_id", "position", "number")
    ) + list(CourseModule.objects.filter(course=course).values_list("pk", "position", "pk", "pk"))


def test_a_lesson_crosses_an_empty_module(world: World) -> None:
    course = catalogue.course_create(actor=SYSTEM, code="C-1", title="Khóa", owner_code="THCS-A")
    first = catalogue.module_create(actor=SYSTEM, course=course, title="Một")
    catalogue.module_create(actor=SYSTEM, course=course, title="Hai (trống)")
    third = catalogue.module_create(actor=SYSTEM, course=course, title="Ba")
    a = catalogue.lesson_create(actor=SYSTEM, module=first, title="A")
    catalogue.lesson_create(actor=SYSTEM, module=third, title="B")
    catalogue.lesson_move(actor=world.sysadmin_a, lesson=a, direction="down")
    assert lessons(course) == [("A", 2, 1, 1), ("B", 3, 1, 2)]
    catalogue.lesson_move(actor=world.sysadmin_a, lesson=a, direction="down")
    assert lessons(course) == [("A", 3, 1, 1), ("B", 3, 2, 2)]
    catalogue.lesson_move(actor=world.sysadmin_a, lesson=a, direction="down")
    assert lessons(course) == [("B", 3, 1, 1), ("A", 3, 2, 2)]
    before = state(course)
    with pytest.raises(Conflict, match="last lesson"):
        catalogue.lesson_move(actor=world.sysadmin_a, lesson=a, direction="down")
    assert state(course) == before
    assert AuditEntry.objects.filter(action="course.lesson_move").count() == 3


def test_moves_are_refused_without_the_right_or_with_a_bad_direction(
    learning: LearningWorld,
) -> None:
    world = learning.world
    course = learning.course
    lesson = learning.lessons[1]
    module = lesson.module
    before = state(course)
    with pytest.raises(PermissionDenied):
        catalogue.lesson_move(actor=world.sysadmin_a, lesson=lesson, direction="up")
    with pytest.raises(PermissionDenied):
        catalogue.module_move(actor=world.officer_a, module=module, direction="down")
    with pytest.raises(InvalidInput) as bad:
        catalogue.lesson_move(actor=world.secretariat, lesson=lesson, direction="left")
    assert "direction" in bad.value.errors
    with pytest.raises(Conflict, match="first module"):
        catalogue.module_move(actor=world.secretariat, module=module, direction="up")
    assert state(course) == before
    assert not AuditEntry.objects.filter(action__in=["course.lesson_move", "course.module_move"])


def test_module_move_swaps_and_renumbers(world: World) -> None:
    course = catalogue.course_create(actor=SYSTEM, code="C-2", title="Khóa", owner_code="THCS-A")
    modules = [
        catalogue.module_create(actor=SYSTEM, course=course, title=t) for t in ("Một", "Hai", "Ba")
    ]
    for module in modules:
        for n in (1, 2):
            catalogue.lesson_create(actor=SYSTEM, module=module, title=f"{module.title} {n}")
    catalogue.module_move(actor=world.sysadmin_a, module=modules[0], direction="down")
    assert [t for t, *_rest in lessons(course)] == [
        "Hai 1",
        "Hai 2",
        "Một 1",
        "Một 2",
        "Ba 1",
        "Ba 2",
    ]
    assert [n for *_rest, n in lessons(course)] == [1, 2, 3, 4, 5, 6]
    catalogue.module_move(actor=world.sysadmin_a, module=modules[2], direction="up")
    assert [t for t, *_rest in lessons(course)] == [
        "Hai 1",
        "Hai 2",
        "Ba 1",
        "Ba 2",
        "Một 1",
        "Một 2",
    ]


def test_selectors_scope_the_pieces_of_a_course(learning: LearningWorld) -> None:
    world = learning.world
    draft = catalogue.course_create(actor=SYSTEM, code="B-1", title="Nháp", owner_code="HKH-B")
    module = catalogue.module_create(actor=SYSTEM, course=draft, title="Chương")
    lesson = catalogue.lesson_create(actor=SYSTEM, module=module, title="Bài")
    actor = world.sysadmin_a
    with pytest.raises(NotFound):
        selectors.course_admin_get(actor=actor, code="B-1")
    with pytest.raises(NotFound):
        selectors.module_admin_get(actor=actor, module_id=module.pk)
    with pytest.raises(NotFound):
        selectors.lesson_admin_get(actor=actor, lesson_id=lesson.pk)
    # the published course of the Department of Education: visible, not editable
    course = selectors.course_admin_get(actor=actor, code=learning.course.code)
    assert not selectors.course_can_edit(actor=actor, course=course)
    assert selectors.course_can_edit(actor=world.secretariat, course=course)
    assert selectors.lesson_admin_get(actor=actor, lesson_id=learning.lessons[0].pk)
    codes = list(selectors.course_admin_list(actor=actor).values_list("code", flat=True))
    assert codes == [learning.course.code]
    assert list(
        selectors.course_admin_list(actor=world.org_officer_b, editable_only=True).values_list(
            "code", flat=True
        )
    ) == ["B-1"]
