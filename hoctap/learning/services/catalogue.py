"""Writes to the catalogue: courses, modules, lessons, attachments, the quiz and its questions.

Only holders of `learning.manage_course` over the course's owner organisation change a course.
Lesson content is sanitised on every write. Lesson numbers (the order across the whole course)
and the course's lesson count are derived here after every change of the lessons. Once learners
have taken a quiz, its questions stay as they scored them (see `question_update`).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record, diff
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.core.formatting import show_number
from hoctap.core.text import fold
from hoctap.geo.models import Organisation
from hoctap.geo.selectors import organisation_visible_q
from hoctap.learning.models import (
    Choice,
    Competency,
    Course,
    CourseLanguage,
    CourseModule,
    CourseStatus,
    Enrolment,
    Lesson,
    LessonAttachment,
    LessonProgress,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
    TargetGroup,
)
from hoctap.learning.richtext import sanitise_html
from hoctap.registry.rules import ErrorCollector, clean_code, clean_name

TARGET_GROUPS = frozenset(TargetGroup.values)
LANGUAGES = frozenset(CourseLanguage.values)
MAX_UPLOAD_MB = 200  # a lesson's attachment (videos: HOCTAP_LESSON_VIDEO_MAX_MB)


def _audit(actor: Any, action: str, target: Any, course: Course, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        changes=changes,
        unit_id=course.owner.unit_id,
        organisation_id=course.owner_id,
    )


def require_manage_course(actor: Any, course: Course) -> None:
    owner = course.owner
    if not scope_for(actor, Perm.MANAGE_COURSES).covers_organisation(owner.id, owner.unit_id):
        raise PermissionDenied(_("You may not change this course."))


def _owner(actor: Any, code: str, check: ErrorCollector) -> Organisation | None:
    org = Organisation.objects.filter(
        organisation_visible_q(actor), code=(code or "").strip()
    ).first()
    if org is None:
        check.add("owner_code", _("Unknown organisation code “%(code)s”.") % {"code": code or ""})
        return None
    if not scope_for(actor, Perm.MANAGE_COURSES).covers_organisation(org.id, org.unit_id):
        check.add("owner_code", _("You may not publish courses for this organisation."))
        return None
    return org


def _clean_course_fields(
    check: ErrorCollector,
    *,
    title: str,
    summary: str,
    language: str,
    target_groups: Sequence[str],
    level: int | None,
    estimated_hours: decimal.Decimal | float | str | None,
) -> dict[str, Any]:
    clean_title = check.run(clean_name, title, "title")
    if language not in LANGUAGES:
        check.add("language", _("Unknown language."))
    groups = list(dict.fromkeys(target_groups or []))
    unknown = [g for g in groups if g not in TARGET_GROUPS]
    if unknown:
        check.add(
            "target_groups", _("Unknown target group: %(value)s.") % {"value": ", ".join(unknown)}
        )
    if level is None or not 1 <= int(level) <= 8:
        check.add("level", _("The level is a number from 1 to 8."))
    try:
        hours = decimal.Decimal(str(estimated_hours if estimated_hours is not None else "1"))
        if hours <= 0 or hours > 1000:
            raise decimal.InvalidOperation
    except (decimal.InvalidOperation, ValueError):
        check.add("estimated_hours", _("Give the estimated hours as a number above 0."))
        hours = decimal.Decimal(1)
    if len(summary or "") > 5000:
        check.add("summary", _("At most %(n)s characters.") % {"n": show_number(5000)})
    return {
        "title": clean_title or "",
        "search_title": fold(clean_title or ""),
        "summary": (summary or "").strip(),
        "language": language,
        "target_groups": groups,
        "level": int(level or 1),
        "estimated_hours": hours.quantize(decimal.Decimal("0.1")),
    }


def _competencies(codes: Iterable[str], check: ErrorCollector) -> list[Competency]:
    """Competencies by `<framework>:<code>` (e.g. `tt02_2025:1.1`) or by plain code of the
    learners' framework (`1.1`)."""
    wanted = [c.strip() for c in codes or [] if c and c.strip()]
    found: list[Competency] = []
    unknown: list[str] = []
    for item in wanted:
        framework, _sep, code = item.rpartition(":")
        rows = Competency.objects.filter(code=code)
        rows = rows.filter(area__framework=framework or "tt02_2025")
        competency = rows.first()
        if competency is None:
            unknown.append(item)
        else:
            found.append(competency)
    if unknown:
        check.add(
            "competencies", _("Unknown competency: %(value)s.") % {"value": ", ".join(unknown)}
        )
    return found


@transaction.atomic
def course_create(
    *,
    actor: Any,
    code: str,
    title: str,
    owner_code: str,
    summary: str = "",
    language: str = CourseLanguage.VIETNAMESE,
    target_groups: Sequence[str] = (),
    competency_codes: Sequence[str] = (),
    level: int = 1,
    estimated_hours: decimal.Decimal | float | str = 1,
    sequential: bool = True,
) -> Course:
    """A new course, in draft, owned by an organisation the actor may publish for."""
    check = ErrorCollector()
    clean = check.run(clean_code, code)
    if clean and Course.objects.filter(code=clean).exists():
        check.add("code", _("A course with this code already exists."))
    owner = _owner(actor, owner_code, check)
    fields = _clean_course_fields(
        check,
        title=title,
        summary=summary,
        language=language,
        target_groups=target_groups,
        level=level,
        estimated_hours=estimated_hours,
    )
    competencies = _competencies(competency_codes, check)
    check.raise_if_any()
    assert owner is not None
    assert clean is not None
    course = Course.objects.create(code=clean, owner=owner, sequential=sequential, **fields)
    course.competencies.set(competencies)
    _audit(
        actor,
        "course.create",
        course,
        course,
        {**_course_state(course), "competencies": [str(c.code) for c in competencies]},
    )
    return course


def _course_state(course: Course) -> dict[str, Any]:
    return {
        "code": course.code,
        "title": course.title,
        "summary": course.summary,
        "language": course.language,
        "target_groups": course.target_groups,
        "level": course.level,
        "estimated_hours": str(course.estimated_hours),
        "owner": course.owner.code,
        "sequential": course.sequential,
        "status": course.status,
    }


@transaction.atomic
def course_update(
    *,
    actor: Any,
    course: Course,
    title: str | None = None,
    summary: str | None = None,
    language: str | None = None,
    target_groups: Sequence[str] | None = None,
    competency_codes: Sequence[str] | None = None,
    level: int | None = None,
    estimated_hours: decimal.Decimal | float | str | None = None,
    sequential: bool | None = None,
    owner_code: str | None = None,
) -> Course:
    """Change some fields (None = unchanged)."""
    require_manage_course(actor, course)
    before = _course_state(course)
    check = ErrorCollector()
    fields = _clean_course_fields(
        check,
        title=course.title if title is None else title,
        summary=course.summary if summary is None else summary,
        language=course.language if language is None else language,
        target_groups=course.target_groups if target_groups is None else target_groups,
        level=course.level if level is None else level,
        estimated_hours=course.estimated_hours if estimated_hours is None else estimated_hours,
    )
    owner = course.owner
    if owner_code is not None and owner_code.strip() != owner.code:
        owner = _owner(actor, owner_code, check) or owner
    competencies = None if competency_codes is None else _competencies(competency_codes, check)
    check.raise_if_any()
    for name, value in fields.items():
        setattr(course, name, value)
    course.owner = owner
    if sequential is not None:
        course.sequential = sequential
    changes: dict[str, Any] = diff(before, _course_state(course))
    if competencies is not None:
        old = sorted(course.competencies.values_list("code", flat=True))
        new = sorted(c.code for c in competencies)
        if old != new:
            course.competencies.set(competencies)
            changes["competencies"] = [old, new]
    if not changes:
        return course
    course.save()
    _audit(actor, "course.update", course, course, changes)
    return course


@transaction.atomic
def course_set_status(*, actor: Any, course: Course, status: str) -> Course:
    """Publish (it needs at least one lesson), archive, or take back to draft (only while no
    one is enrolled)."""
    require_manage_course(actor, course)
    if status not in CourseStatus.values:
        raise InvalidInput({"status": _("Unknown status.")})
    if status == course.status:
        raise Conflict(_("The course already has this status."))
    if status == CourseStatus.PUBLISHED and course.lesson_count == 0:
        raise Conflict(_("A course needs at least one lesson before it is published."))
    if status == CourseStatus.PUBLISHED and _quiz_without_questions(course):
        raise Conflict(_("The course's quiz has no questions yet."))
    if status == CourseStatus.DRAFT and Enrolment.objects.filter(course=course).exists():
        raise Conflict(_("Learners are enrolled: archive the course instead."))
    before = course.status
    course.status = status
    if status == CourseStatus.PUBLISHED and course.published_at is None:
        course.published_at = timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    _audit(actor, "course.set_status", course, course, {"status": [before, status]})
    return course


def _quiz_without_questions(course: Course) -> bool:
    quiz = Quiz.objects.filter(course=course).first()
    return quiz is not None and not quiz.questions.exists()


# ---------------------------------------------------------------------------------------------
# Modules and lessons
# ---------------------------------------------------------------------------------------------


def renumber_lessons(course: Course) -> None:
    """Derive every lesson's number from the module and lesson positions, and the course's
    lesson count. (Two steps: the numbers are unique per course at every moment.)"""
    lessons = list(
        Lesson.objects.filter(course=course)
        .order_by("module__position", "position", "id")
        .values_list("id", "number")
    )
    wanted = {lesson_id: n for n, (lesson_id, _old) in enumerate(lessons, start=1)}
    changed = [lesson_id for lesson_id, old in lessons if wanted[lesson_id] != old]
    if changed:
        Lesson.objects.filter(id__in=changed).update(number=F("number") + 10000)
        for lesson_id in changed:
            Lesson.objects.filter(id=lesson_id).update(number=wanted[lesson_id])
    if course.lesson_count != len(lessons):
        course.lesson_count = len(lessons)
        course.save(update_fields=["lesson_count", "updated_at"])


@transaction.atomic
def module_create(
    *, actor: Any, course: Course, title: str, position: int | None = None
) -> CourseModule:
    require_manage_course(actor, course)
    check = ErrorCollector()
    clean_title = check.run(clean_name, title, "title")
    check.raise_if_any()
    last = CourseModule.objects.filter(course=course).aggregate(m=Max("position"))["m"] or 0
    if position is None or position > last:
        position = last + 1
    else:
        position = max(1, position)
        _shift(CourseModule.objects.filter(course=course, position__gte=position))
    module = CourseModule.objects.create(course=course, position=position, title=clean_title or "")
    renumber_lessons(course)
    _audit(
        actor, "course.module_create", module, course, {"title": module.title, "position": position}
    )
    return module


def _shift(rows: Any, by: int = 1) -> None:
    """Move rows' positions by `by`, in two steps (positions are unique at every moment)."""
    ids = list(rows.order_by("-position").values_list("id", flat=True))
    model = rows.model
    model.objects.filter(id__in=ids).update(position=F("position") + 10000)
    model.objects.filter(id__in=ids).update(position=F("position") - 10000 + by)


@transaction.atomic
def module_update(*, actor: Any, module: CourseModule, title: str) -> CourseModule:
    require_manage_course(actor, module.course)
    check = ErrorCollector()
    clean_title = check.run(clean_name, title, "title")
    check.raise_if_any()
    if clean_title != module.title:
        before = module.title
        module.title = clean_title or ""
        module.save(update_fields=["title"])
        _audit(
            actor, "course.module_update", module, module.course, {"title": [before, module.title]}
        )
    return module


def _lesson_has_progress(lesson_ids: Any) -> bool:
    return LessonProgress.objects.filter(lesson_id__in=lesson_ids).exists()


@transaction.atomic
def module_delete(*, actor: Any, module: CourseModule) -> None:
    course = module.course
    require_manage_course(actor, course)
    if _lesson_has_progress(module.lessons.values("id")):
        raise Conflict(_("Learners have started lessons of this module: it cannot be deleted."))
    _audit(actor, "course.module_delete", module, course, {"title": module.title})
    position = module.position
    module.delete()
    _shift(CourseModule.objects.filter(course=course, position__gt=position), by=-1)
    renumber_lessons(course)


def video_extensions() -> list[str]:
    """The extensions a lesson's video file may have (`HOCTAP_LESSON_VIDEO_EXTENSIONS`)."""
    return [str(e).lower().lstrip(".") for e in settings.HOCTAP_LESSON_VIDEO_EXTENSIONS]


def video_max_mb() -> int:
    """The largest lesson video accepted, in MB (`HOCTAP_LESSON_VIDEO_MAX_MB`)."""
    return int(settings.HOCTAP_LESSON_VIDEO_MAX_MB)


def _check_video_file(check: ErrorCollector, video_file: File[Any]) -> None:
    """A video file, by its name's extension and its size. The content is not sniffed: the
    file is served to the course's learners and editors only, typed by that extension (and
    `nosniff`)."""
    name = getattr(video_file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = video_extensions()
    if extension not in allowed:
        check.add(
            "video_file",
            _("Upload a video file: %(kinds)s.") % {"kinds": ", ".join(e.upper() for e in allowed)},
        )
    elif video_file.size and video_file.size > video_max_mb() * 1024 * 1024:
        check.add("video_file", _("The file is larger than %(n)s MB.") % {"n": video_max_mb()})


def _is_https_link(url: str) -> bool:
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        return False
    return True


def _clean_lesson(
    check: ErrorCollector,
    *,
    title: str,
    body_html: str,
    video_url: str,
    video_file: File[Any] | None,
    estimated_minutes: int | None,
) -> dict[str, Any]:
    clean_title = check.run(clean_name, title, "title")
    url = (video_url or "").strip()
    if url and not _is_https_link(url):
        check.add("video_url", _("Give a web address starting with https://."))
    if url and video_file is not None:
        check.add("video_url", _("Give either a video file or a link, not both."))
    if video_file is not None:
        _check_video_file(check, video_file)
    minutes = estimated_minutes if estimated_minutes is not None else 10
    if not 1 <= int(minutes) <= 600:
        check.add("estimated_minutes", _("Give the minutes as a number from 1 to 600."))
    return {
        "title": clean_title or "",
        "body_html": sanitise_html(body_html),
        "video_url": url,
        "estimated_minutes": int(minutes),
    }


@transaction.atomic
def lesson_create(
    *,
    actor: Any,
    module: CourseModule,
    title: str,
    body_html: str = "",
    video_url: str = "",
    video_file: File[Any] | None = None,
    estimated_minutes: int = 10,
    position: int | None = None,
) -> Lesson:
    """A lesson at the end of its module (or at `position`); the content is sanitised."""
    course = module.course
    require_manage_course(actor, course)
    check = ErrorCollector()
    fields = _clean_lesson(
        check,
        title=title,
        body_html=body_html,
        video_url=video_url,
        video_file=video_file,
        estimated_minutes=estimated_minutes,
    )
    check.raise_if_any()
    last = Lesson.objects.filter(module=module).aggregate(m=Max("position"))["m"] or 0
    if position is None or position > last:
        position = last + 1
    else:
        position = max(1, position)
        _shift(Lesson.objects.filter(module=module, position__gte=position))
    top = Lesson.objects.filter(course=course).aggregate(m=Max("number"))["m"] or 0
    lesson = Lesson(course=course, module=module, position=position, number=top + 1, **fields)
    if video_file is not None:
        lesson.video_file.save(getattr(video_file, "name", "video"), video_file, save=False)
    lesson.save()
    renumber_lessons(course)
    lesson.refresh_from_db(fields=["number"])
    _audit(
        actor,
        "course.lesson_create",
        lesson,
        course,
        {"title": lesson.title, "module": module.title, "number": lesson.number},
    )
    return lesson


@transaction.atomic
def lesson_update(
    *,
    actor: Any,
    lesson: Lesson,
    title: str | None = None,
    body_html: str | None = None,
    video_url: str | None = None,
    video_file: File[Any] | None = None,
    remove_video_file: bool = False,
    estimated_minutes: int | None = None,
) -> Lesson:
    course = lesson.course
    require_manage_course(actor, course)
    check = ErrorCollector()
    fields = _clean_lesson(
        check,
        title=lesson.title if title is None else title,
        body_html=lesson.body_html if body_html is None else body_html,
        video_url=lesson.video_url if video_url is None else video_url,
        video_file=video_file,
        estimated_minutes=lesson.estimated_minutes
        if estimated_minutes is None
        else estimated_minutes,
    )
    check.raise_if_any()
    before = {name: getattr(lesson, name) for name in fields}
    before["video_file"] = lesson.video_file.name
    for name, value in fields.items():
        setattr(lesson, name, value)
    if remove_video_file or (fields["video_url"] and lesson.video_file):
        lesson.video_file = None
    if video_file is not None:
        lesson.video_file.save(getattr(video_file, "name", "video"), video_file, save=False)
    after = {name: getattr(lesson, name) for name in fields}
    after["video_file"] = lesson.video_file.name if lesson.video_file else ""
    changes = diff(before, after)
    if "body_html" in changes:
        changes["body_html"] = ["…", f"{len(lesson.body_html)} characters"]
    if not changes:
        return lesson
    lesson.save()
    _audit(actor, "course.lesson_update", lesson, course, changes)
    return lesson


@transaction.atomic
def lesson_delete(*, actor: Any, lesson: Lesson) -> None:
    course = lesson.course
    require_manage_course(actor, course)
    if _lesson_has_progress([lesson.id]):
        raise Conflict(_("Learners have started this lesson: it cannot be deleted."))
    _audit(actor, "course.lesson_delete", lesson, course, {"title": lesson.title})
    module, position = lesson.module, lesson.position
    lesson.delete()
    _shift(Lesson.objects.filter(module=module, position__gt=position), by=-1)
    renumber_lessons(course)


DIRECTIONS = ("up", "down")


def _lock_course(course: Course) -> None:
    """Serialise changes of one course's order (two officers moving lessons at once)."""
    Course.objects.select_for_update().filter(pk=course.pk).first()


def _swap_positions(model: Any, first_id: int, second_id: int) -> None:
    """Exchange the positions of two rows of the same parent, in three steps (positions are
    unique at every moment; 0 is never a real position)."""
    a, b = (
        model.objects.filter(pk__in=[first_id, second_id])
        .order_by("pk")
        .values_list("pk", "position")
    )
    model.objects.filter(pk=a[0]).update(position=0)
    model.objects.filter(pk=b[0]).update(position=a[1])
    model.objects.filter(pk=a[0]).update(position=b[1])


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise InvalidInput({"direction": _("Move a lesson or module up or down.")})


@transaction.atomic
def lesson_move(*, actor: Any, lesson: Lesson, direction: str) -> Lesson:
    """Move a lesson one place up or down in the course: within its module, or, from the top
    or bottom of its module, to the end of the module before or the start of the module after.
    The lessons are renumbered (learners' progress stays with the lessons)."""
    course = lesson.course
    require_manage_course(actor, course)
    _check_direction(direction)
    _lock_course(course)
    lesson.refresh_from_db(fields=["module", "position", "number"])
    module = lesson.module
    before = {"module": module.title, "position": lesson.position, "number": lesson.number}
    siblings = Lesson.objects.filter(module=module)
    up = direction == "up"
    neighbour = (
        siblings.filter(position__lt=lesson.position).order_by("-position").first()
        if up
        else siblings.filter(position__gt=lesson.position).order_by("position").first()
    )
    if neighbour is not None:
        _swap_positions(Lesson, lesson.pk, neighbour.pk)
    else:
        modules = CourseModule.objects.filter(course=course)
        target = (
            modules.filter(position__lt=module.position).order_by("-position").first()
            if up
            else modules.filter(position__gt=module.position).order_by("position").first()
        )
        if target is None:
            raise Conflict(
                _("This is already the first lesson of the course.")
                if up
                else _("This is already the last lesson of the course.")
            )
        old_position = lesson.position
        if up:
            last = Lesson.objects.filter(module=target).aggregate(m=Max("position"))["m"] or 0
            Lesson.objects.filter(pk=lesson.pk).update(module=target, position=last + 1)
        else:
            # make room at the top of the next module, then move in
            Lesson.objects.filter(pk=lesson.pk).update(position=0)
            _shift(Lesson.objects.filter(module=target))
            Lesson.objects.filter(pk=lesson.pk).update(module=target, position=1)
        _shift(Lesson.objects.filter(module=module, position__gt=old_position), by=-1)
    renumber_lessons(course)
    lesson.refresh_from_db(fields=["module", "position", "number"])
    after = {"module": lesson.module.title, "position": lesson.position, "number": lesson.number}
    _audit(actor, "course.lesson_move", lesson, course, diff(before, after))
    return lesson


@transaction.atomic
def module_move(*, actor: Any, module: CourseModule, direction: str) -> CourseModule:
    """Move a module (with its lessons) one place up or down; the lessons are renumbered."""
    course = module.course
    require_manage_course(actor, course)
    _check_direction(direction)
    _lock_course(course)
    module.refresh_from_db(fields=["position"])
    modules = CourseModule.objects.filter(course=course)
    up = direction == "up"
    neighbour = (
        modules.filter(position__lt=module.position).order_by("-position").first()
        if up
        else modules.filter(position__gt=module.position).order_by("position").first()
    )
    if neighbour is None:
        raise Conflict(
            _("This is already the first module.") if up else _("This is already the last module.")
        )
    before = module.position
    _swap_positions(CourseModule, module.pk, neighbour.pk)
    renumber_lessons(course)
    module.refresh_from_db(fields=["position"])
    _audit(actor, "course.module_move", module, course, {"position": [before, module.position]})
    return module


@transaction.atomic
def attachment_add(*, actor: Any, lesson: Lesson, title: str, file: File[Any]) -> LessonAttachment:
    require_manage_course(actor, lesson.course)
    check = ErrorCollector()
    clean_title = check.run(clean_name, title or getattr(file, "name", ""), "title")
    if file is None:
        check.add("file", _("Choose a file."))
    elif file.size and file.size > MAX_UPLOAD_MB * 1024 * 1024:
        check.add("file", _("The file is larger than %(n)s MB.") % {"n": MAX_UPLOAD_MB})
    check.raise_if_any()
    attachment = LessonAttachment(lesson=lesson, title=clean_title or "")
    attachment.file.save(getattr(file, "name", "attachment"), file, save=False)
    attachment.save()
    _audit(actor, "course.attachment_add", attachment, lesson.course, {"title": attachment.title})
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: LessonAttachment) -> None:
    course = attachment.lesson.course
    require_manage_course(actor, course)
    _audit(actor, "course.attachment_remove", attachment, course, {"title": attachment.title})
    attachment.delete()


# ---------------------------------------------------------------------------------------------
# The quiz
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def quiz_set(
    *,
    actor: Any,
    course: Course,
    title: str,
    pass_mark_percent: int = 70,
    max_attempts: int = 3,
    shuffle_questions: bool = True,
    shuffle_choices: bool = True,
    time_limit_minutes: int | None = None,
) -> Quiz:
    """Create or change the course's quiz."""
    require_manage_course(actor, course)
    check = ErrorCollector()
    clean_title = check.run(clean_name, title, "title")
    if not 1 <= int(pass_mark_percent) <= 100:
        check.add("pass_mark_percent", _("The pass mark is a percentage from 1 to 100."))
    if not 0 <= int(max_attempts) <= 100:
        check.add("max_attempts", _("Give the attempt limit as a number from 0 (no limit) to 100."))
    if time_limit_minutes is not None and not 1 <= int(time_limit_minutes) <= 600:
        check.add("time_limit_minutes", _("Give the minutes as a number from 1 to 600."))
    check.raise_if_any()
    values = {
        "title": clean_title or "",
        "pass_mark_percent": int(pass_mark_percent),
        "max_attempts": int(max_attempts),
        "shuffle_questions": bool(shuffle_questions),
        "shuffle_choices": bool(shuffle_choices),
        "time_limit_minutes": time_limit_minutes,
    }
    quiz = Quiz.objects.filter(course=course).first()
    if quiz is None:
        quiz = Quiz.objects.create(course=course, **values)
        _audit(actor, "course.quiz_create", quiz, course, values)
        return quiz
    before = {name: getattr(quiz, name) for name in values}
    changes = diff(before, values)
    if changes:
        for name, value in values.items():
            setattr(quiz, name, value)
        quiz.save()
        _audit(actor, "course.quiz_update", quiz, course, changes)
    return quiz


def _clean_question(
    check: ErrorCollector, *, kind: str, text: str, choices: Sequence[tuple[str, bool]], points: int
) -> tuple[str, list[tuple[str, bool]]]:
    if kind not in QuestionKind.values:
        check.add("kind", _("Unknown question kind."))
    clean_text = " ".join((text or "").split())
    if not clean_text:
        check.add("text", _("This field is required."))
    if not 1 <= int(points) <= 100:
        check.add("points", _("Give the points as a number from 1 to 100."))
    cleaned = [(" ".join((t or "").split()), bool(ok)) for t, ok in choices]
    cleaned = [(t, ok) for t, ok in cleaned if t]
    correct = sum(1 for _t, ok in cleaned if ok)
    if kind == QuestionKind.TRUE_FALSE:
        if len(cleaned) != 2 or correct != 1:
            check.add("choices", _("A true/false question has two answers, one of them correct."))
    elif len(cleaned) < 2:
        check.add("choices", _("Give at least two answers."))
    elif kind == QuestionKind.SINGLE and correct != 1:
        check.add("choices", _("Mark exactly one answer as correct."))
    elif kind == QuestionKind.MULTIPLE and correct < 1:
        check.add("choices", _("Mark at least one answer as correct."))
    if any(len(t) > 500 for t, _ok in cleaned):
        check.add("choices", _("An answer has at most %(n)s characters.") % {"n": 500})
    return clean_text, cleaned


def true_false_choices(*, true_is_correct: bool) -> list[tuple[str, bool]]:
    return [(_("True"), true_is_correct), (_("False"), not true_is_correct)]


@transaction.atomic
def question_create(
    *,
    actor: Any,
    quiz: Quiz,
    kind: str,
    text: str,
    choices: Sequence[tuple[str, bool]],
    points: int = 1,
    explanation: str = "",
) -> Question:
    """A question at the end of the quiz with its answers (text, correct?) in order."""
    course = quiz.course
    require_manage_course(actor, course)
    check = ErrorCollector()
    clean_text, cleaned = _clean_question(
        check, kind=kind, text=text, choices=choices, points=points
    )
    check.raise_if_any()
    last = Question.objects.filter(quiz=quiz).aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(
        quiz=quiz,
        position=last + 1,
        kind=kind,
        text=clean_text,
        points=int(points),
        explanation=(explanation or "").strip(),
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=n, text=t, is_correct=ok)
        for n, (t, ok) in enumerate(cleaned, start=1)
    )
    _audit(
        actor,
        "course.question_create",
        question,
        course,
        {"kind": kind, "text": clean_text, "choices": [t for t, _ok in cleaned]},
    )
    return question


def _lock_quiz(quiz: Quiz) -> None:
    """Serialise changes of a quiz's questions with the start of attempts at it
    (`quizzes.attempt_start` takes the same lock): an attempt never starts from a question
    being deleted or changed, and a question is never changed under an attempt just begun."""
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()


def _quiz_has_attempts(quiz: Quiz) -> bool:
    return QuizAttempt.objects.filter(quiz=quiz).exists()


def _same_answers(
    kind: str, stored: Sequence[tuple[str, bool]], given: Sequence[tuple[str, bool]]
) -> bool:
    """Whether `given` are the answers already stored. A true/false question's two answers are
    labels the form writes in the editor's language ("True" / "Đúng"): for it, only which one
    is correct counts."""
    if kind == QuestionKind.TRUE_FALSE:
        return [ok for _t, ok in stored] == [ok for _t, ok in given]
    return list(stored) == list(given)


@transaction.atomic
def question_update(
    *,
    actor: Any,
    question: Question,
    kind: str,
    text: str,
    choices: Sequence[tuple[str, bool]],
    points: int = 1,
    explanation: str = "",
) -> Question:
    """Change a question's text, explanation, kind, points and answers (new answers replace
    the old). Once the quiz has an attempt, only the text and the explanation may change:
    attempts hold the ids of the questions and answers they showed (`QuizAttempt.layout`) and
    submitted ones the answers chosen, and scores were given on these points and answer key,
    so the kind, the points and the answers stay (refused with `Conflict`). Rewording and
    explaining change no score and no id."""
    course = question.quiz.course
    require_manage_course(actor, course)
    check = ErrorCollector()
    clean_text, cleaned = _clean_question(
        check, kind=kind, text=text, choices=choices, points=points
    )
    check.raise_if_any()
    _lock_quiz(question.quiz)
    question.refresh_from_db(fields=["kind", "text", "points", "explanation"])
    stored = [(c.text, c.is_correct) for c in question.choices.order_by("position")]
    same_answers = kind == question.kind and _same_answers(kind, stored, cleaned)
    scoring_changes = not same_answers or int(points) != question.points
    if scoring_changes and _quiz_has_attempts(question.quiz):
        raise Conflict(
            _(
                "Learners have taken this quiz: a question's kind, points and answers can no"
                " longer be changed, only its wording and explanation."
            )
        )
    before = {
        "kind": question.kind,
        "text": question.text,
        "points": question.points,
        "explanation": question.explanation,
        "choices": stored,
    }
    question.kind, question.text, question.points = kind, clean_text, int(points)
    question.explanation = (explanation or "").strip()
    question.save()
    if not same_answers:
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=question, position=n, text=t, is_correct=ok)
            for n, (t, ok) in enumerate(cleaned, start=1)
        )
    after = {
        "kind": kind,
        "text": clean_text,
        "points": int(points),
        "explanation": question.explanation,
        "choices": stored if same_answers else cleaned,
    }
    changes = diff(before, after)
    if changes:
        _audit(actor, "course.question_update", question, course, changes)
    return question


@transaction.atomic
def question_delete(*, actor: Any, question: Question) -> None:
    """Delete a question with its answers; refused once the quiz has an attempt (the attempts
    hold it, the submitted ones with the learner's answer)."""
    quiz = question.quiz
    require_manage_course(actor, quiz.course)
    _lock_quiz(quiz)
    if _quiz_has_attempts(quiz):
        raise Conflict(_("Learners have taken this quiz: its questions can no longer be deleted."))
    _audit(actor, "course.question_delete", question, quiz.course, {"text": question.text})
    position = question.position
    question.delete()
    _shift(Question.objects.filter(quiz=quiz, position__gt=position), by=-1)
