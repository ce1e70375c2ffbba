"""Pages for writing courses (`/learning/courses/…`, `/learning/frameworks/`).

Holders of `learning.manage_course` write the courses their organisations own: the course's
fields and status, its modules and lessons in order (sanitised rich text, a video, attachments)
and its quiz. Officers who read learning records see the published courses, read-only. Reads
go through `selectors.authoring` (a course outside the user's reach is a 404), each write
through one catalogue service, whose errors land on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hoctap.core.forms import submit
from hoctap.core.views import domain_errors_as_http, page_of
from hoctap.learning.forms.catalogue import (
    AttachmentForm,
    ConfirmForm,
    CourseFilterForm,
    CourseForm,
    LessonForm,
    ModuleForm,
    MoveForm,
    QuestionForm,
    QuizForm,
    StatusForm,
    competency_value,
)
from hoctap.learning.models import Course, CourseLanguage, CourseStatus, Lesson, TargetGroup
from hoctap.learning.selectors import authoring as selectors
from hoctap.learning.services import catalogue as services

# the statuses a course can be moved to from each status, as offered on its page
STATUS_ACTIONS = {
    CourseStatus.DRAFT: [CourseStatus.PUBLISHED, CourseStatus.ARCHIVED],
    CourseStatus.PUBLISHED: [CourseStatus.ARCHIVED, CourseStatus.DRAFT],
    CourseStatus.ARCHIVED: [CourseStatus.PUBLISHED, CourseStatus.DRAFT],
}


def _require_pages(user: Any) -> None:
    if not selectors.can_open_course_pages(user):
        raise PermissionDenied


def _require_edit(user: Any, course: Course) -> None:
    """A course the user may see but not change: 403 (the service would refuse it too)."""
    if not selectors.course_can_edit(actor=user, course=course):
        raise PermissionDenied


def _course(request: HttpRequest, code: str, *, edit: bool = False) -> Course:
    _require_pages(request.user)
    course = selectors.course_admin_get(actor=request.user, code=code)
    if edit:
        _require_edit(request.user, course)
    return course


def _confirmed(request: HttpRequest, form: ConfirmForm, call: Callable[[], object]) -> bool:
    """A confirmed POST whose one service call went through (a refusal lands on the form)."""
    if request.method != "POST" or not form.is_valid():
        return False
    return submit(form, lambda: call() or True) is not None


def _outline_url(course: Course, anchor: str = "") -> str:
    url = reverse("learning:course_admin_detail", args=[course.code])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def course_admin_list(request: HttpRequest) -> HttpResponse:
    _require_pages(request.user)
    form = CourseFilterForm(request.GET or None)
    courses = selectors.course_admin_list(actor=request.user, **form.selector_arguments())
    context = {
        "form": form,
        "page": page_of(request, courses),
        "can_create": selectors.can_create_courses(request.user),
        "target_groups": dict(TargetGroup.choices),
    }
    return render(request, "learning/catalogue/course_list.html", context)


def _course_form(request: HttpRequest, *, course: Course | None) -> CourseForm:
    owners = selectors.course_owner_choices(actor=request.user)
    if course is not None and owners is not None and course.owner not in owners:
        owners = [course.owner, *owners]  # e.g. an owner since deactivated
    if course is None:
        initial: dict[str, Any] = {
            "language": CourseLanguage.VIETNAMESE,
            "level": 1,
            "estimated_hours": 1,
            "sequential": True,
        }
        if owners:
            initial["owner"] = owners[0].code
    else:
        initial = {
            "title": course.title,
            "summary": course.summary,
            "language": course.language,
            "target_groups": course.target_groups,
            "competencies": [competency_value(c) for c in course.competencies.all()],
            "level": course.level,
            "estimated_hours": course.estimated_hours,
            "owner": course.owner.code,
            "sequential": course.sequential,
        }
    return CourseForm(
        request.POST or None,
        initial=initial,
        owners=owners,
        competencies=selectors.competency_choices(),
        editing=course is not None,
    )


@login_required
def course_admin_new(request: HttpRequest) -> HttpResponse:
    _require_pages(request.user)
    if not selectors.can_create_courses(request.user):
        raise PermissionDenied
    form = _course_form(request, course=None)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        course = submit(
            form,
            lambda: services.course_create(actor=request.user, **arguments),
            fields={"competency_codes": "competencies", "owner_code": "owner"},
        )
        if course is not None:
            messages.success(request, _("Created the course %(code)s.") % {"code": course.code})
            return redirect(_outline_url(course))
    return render(request, "learning/catalogue/course_form.html", {"form": form, "course": None})


@login_required
@domain_errors_as_http
def course_admin_edit(request: HttpRequest, code: str) -> HttpResponse:
    course = _course(request, code, edit=True)
    form = _course_form(request, course=course)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form,
            lambda: services.course_update(actor=request.user, course=course, **arguments),
            fields={"competency_codes": "competencies", "owner_code": "owner"},
        )
        if saved is not None:
            messages.success(request, _("Saved the course %(code)s.") % {"code": saved.code})
            return redirect(_outline_url(saved))
        course = _course(request, code, edit=True)  # the stored one, not the refused changes
    return render(request, "learning/catalogue/course_form.html", {"form": form, "course": course})


def _course_page(
    request: HttpRequest, course: Course, *, status_form: StatusForm | None = None
) -> HttpResponse:
    user = request.user
    can_edit = selectors.course_can_edit(actor=user, course=course)
    modules = selectors.course_outline(course=course)
    counts = selectors.course_counts(actor=user, course=course)
    context = {
        "course": course,
        "modules": modules,
        "quiz": selectors.course_quiz_summary(course=course),
        "counts": counts,
        "can_edit": can_edit,
        "status_actions": STATUS_ACTIONS[CourseStatus(course.status)] if can_edit else [],
        "status_form": status_form,
        "target_groups": [TargetGroup(g).label for g in course.target_groups if g in TargetGroup],
    }
    return render(request, "learning/catalogue/course_detail.html", context)


@login_required
@require_safe
@domain_errors_as_http
def course_admin_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The course's page: its facts, its outline (modules and lessons in order) and, for its
    editors, the actions that change it."""
    return _course_page(request, _course(request, code))


@login_required
@require_POST
@domain_errors_as_http
def course_admin_status(request: HttpRequest, code: str) -> HttpResponse:
    """Publish, archive or take back to draft; a refusal (no lessons yet, learners enrolled)
    is shown on the course's page and nothing changes."""
    course = _course(request, code, edit=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        status = form.cleaned_data["status"]
        saved = submit(
            form,
            lambda: services.course_set_status(actor=request.user, course=course, status=status),
        )
        if saved is not None:
            messages.success(
                request,
                _("The course %(code)s is now: %(status)s.")
                % {"code": saved.code, "status": saved.get_status_display()},
            )
            return redirect(_outline_url(saved))
        course = _course(request, code, edit=True)
    return _course_page(request, course, status_form=form)


# ---------------------------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_as_http
def module_admin_new(request: HttpRequest, code: str) -> HttpResponse:
    course = _course(request, code, edit=True)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"]
        module = submit(
            form, lambda: services.module_create(actor=request.user, course=course, title=title)
        )
        if module is not None:
            messages.success(request, _("Added the module “%(title)s”.") % {"title": module.title})
            return redirect(_outline_url(course, f"module-{module.pk}"))
    context = {"form": form, "course": course, "module": None}
    return render(request, "learning/catalogue/module_form.html", context)


def _module(request: HttpRequest, module_id: int) -> Any:
    _require_pages(request.user)
    module = selectors.module_admin_get(actor=request.user, module_id=module_id)
    _require_edit(request.user, module.course)
    return module


@login_required
@domain_errors_as_http
def module_admin_edit(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _module(request, module_id)
    form = ModuleForm(request.POST or None, initial={"title": module.title})
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"]
        saved = submit(
            form, lambda: services.module_update(actor=request.user, module=module, title=title)
        )
        if saved is not None:
            messages.success(request, _("Renamed the module."))
            return redirect(_outline_url(saved.course, f"module-{saved.pk}"))
        module = _module(request, module_id)
    context = {"form": form, "course": module.course, "module": module}
    return render(request, "learning/catalogue/module_form.html", context)


@login_required
@domain_errors_as_http
def module_admin_delete(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _module(request, module_id)
    course = module.course
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if _confirmed(request, form, lambda: services.module_delete(actor=request.user, module=module)):
        messages.success(request, _("Deleted the module “%(title)s”.") % {"title": module.title})
        return redirect(_outline_url(course))
    context = {
        "form": form,
        "course": course,
        "title": _("Delete the module “%(title)s”?") % {"title": module.title},
        "explanation": _("Its lessons and their attachments are deleted with it."),
        "cancel": _outline_url(course, f"module-{module.pk}"),
    }
    return render(request, "learning/catalogue/confirm_delete.html", context)


def _move(request: HttpRequest, call: Any, course: Course, anchor: str) -> HttpResponse:
    form = MoveForm(request.POST)
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        if submit(form, lambda: call(direction)) is None:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
    else:
        messages.error(request, _("Move a lesson or module up or down."))
    return redirect(_outline_url(course, anchor))


@login_required
@require_POST
@domain_errors_as_http
def module_admin_move(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _module(request, module_id)
    return _move(
        request,
        lambda direction: services.module_move(
            actor=request.user, module=module, direction=direction
        ),
        module.course,
        f"module-{module.pk}",
    )


# ---------------------------------------------------------------------------------------------
# Lessons and attachments
# ---------------------------------------------------------------------------------------------


def _lesson(request: HttpRequest, lesson_id: int, *, edit: bool = True) -> Lesson:
    _require_pages(request.user)
    lesson = selectors.lesson_admin_get(actor=request.user, lesson_id=lesson_id)
    if edit:
        _require_edit(request.user, lesson.course)
    return lesson


@login_required
@domain_errors_as_http
def lesson_admin_new(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _module(request, module_id)
    form = LessonForm(
        request.POST or None, request.FILES or None, initial={"estimated_minutes": 10}
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        lesson = submit(
            form, lambda: services.lesson_create(actor=request.user, module=module, **arguments)
        )
        if lesson is not None:
            messages.success(
                request,
                _("Added the lesson. Its content is shown below as it was stored, after cleaning."),
            )
            return redirect("learning:lesson_admin_edit", lesson_id=lesson.pk)
    context = {"form": form, "course": module.course, "module": module, "lesson": None}
    return render(request, "learning/catalogue/lesson_form.html", context)


def _lesson_page(
    request: HttpRequest,
    lesson: Lesson,
    *,
    form: LessonForm | None = None,
    attachment_form: AttachmentForm | None = None,
) -> HttpResponse:
    if form is None:
        form = LessonForm(
            initial={
                "title": lesson.title,
                "body_html": lesson.body_html,
                "video_url": lesson.video_url,
                "estimated_minutes": lesson.estimated_minutes,
            },
            has_video_file=bool(lesson.video_file),
        )
    context = {
        "form": form,
        "attachment_form": attachment_form or AttachmentForm(),
        "course": lesson.course,
        "module": lesson.module,
        "lesson": lesson,
        "attachments": selectors.lesson_attachments(lesson=lesson),
    }
    return render(request, "learning/catalogue/lesson_form.html", context)


@login_required
@domain_errors_as_http
def lesson_admin_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The lesson's form, its attachments, and its content as stored (sanitised)."""
    lesson = _lesson(request, lesson_id)
    if request.method != "POST":
        return _lesson_page(request, lesson)
    form = LessonForm(request.POST, request.FILES, has_video_file=bool(lesson.video_file))
    if form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form, lambda: services.lesson_update(actor=request.user, lesson=lesson, **arguments)
        )
        if saved is not None:
            messages.success(
                request, _("Saved. The content is shown below as it was stored, after cleaning.")
            )
            return redirect("learning:lesson_admin_edit", lesson_id=saved.pk)
        lesson = _lesson(request, lesson_id)
    return _lesson_page(request, lesson, form=form)


@login_required
@domain_errors_as_http
def lesson_admin_delete(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    course = lesson.course
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if _confirmed(request, form, lambda: services.lesson_delete(actor=request.user, lesson=lesson)):
        messages.success(request, _("Deleted the lesson “%(title)s”.") % {"title": lesson.title})
        return redirect(_outline_url(course))
    context = {
        "form": form,
        "course": course,
        "title": _("Delete the lesson “%(title)s”?") % {"title": lesson.title},
        "explanation": _("Its attachments are deleted with it; the lessons after it move up."),
        "cancel": _outline_url(course, f"lesson-{lesson.pk}"),
    }
    return render(request, "learning/catalogue/confirm_delete.html", context)


@login_required
@require_POST
@domain_errors_as_http
def lesson_admin_move(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    return _move(
        request,
        lambda direction: services.lesson_move(
            actor=request.user, lesson=lesson, direction=direction
        ),
        lesson.course,
        f"lesson-{lesson.pk}",
    )


@login_required
@require_safe
@domain_errors_as_http
def lesson_admin_preview(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The lesson as a learner sees it; nothing is recorded (no progress, no audit)."""
    lesson = _lesson(request, lesson_id, edit=False)
    neighbours = selectors.lesson_neighbours(lesson=lesson)
    context = {
        "lesson": lesson,
        "course": lesson.course,
        "attachments": selectors.lesson_attachments(lesson=lesson),
        "previous": neighbours[0],
        "next": neighbours[1],
        "can_edit": selectors.course_can_edit(actor=request.user, course=lesson.course),
    }
    return render(request, "learning/catalogue/lesson_preview.html", context)


@login_required
@require_safe
@domain_errors_as_http
def lesson_admin_video(request: HttpRequest, lesson_id: int) -> Any:
    """The lesson's uploaded video, for the officers' pages (the preview)."""
    lesson = _lesson(request, lesson_id, edit=False)
    if not lesson.video_file:
        raise Http404
    return FileResponse(lesson.video_file.open("rb"))


@login_required
@require_POST
@domain_errors_as_http
def attachment_admin_add(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        title, upload = form.cleaned_data["title"], form.cleaned_data["file"]
        attachment = submit(
            form,
            lambda: services.attachment_add(
                actor=request.user, lesson=lesson, title=title, file=upload
            ),
        )
        if attachment is not None:
            messages.success(request, _("Attached “%(title)s”.") % {"title": attachment.title})
            return redirect(
                reverse("learning:lesson_admin_edit", args=[lesson.pk]) + "#attachments"
            )
    return _lesson_page(request, lesson, attachment_form=form)


@login_required
@require_POST
@domain_errors_as_http
def attachment_admin_remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    _require_pages(request.user)
    attachment = selectors.attachment_admin_get(actor=request.user, attachment_id=attachment_id)
    lesson = attachment.lesson
    _require_edit(request.user, lesson.course)
    services.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, _("Removed “%(title)s”.") % {"title": attachment.title})
    return redirect(reverse("learning:lesson_admin_edit", args=[lesson.pk]) + "#attachments")


@login_required
@require_safe
@domain_errors_as_http
def attachment_admin_file(request: HttpRequest, attachment_id: int) -> Any:
    _require_pages(request.user)
    attachment = selectors.attachment_admin_get(actor=request.user, attachment_id=attachment_id)
    name = (attachment.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)


# ---------------------------------------------------------------------------------------------
# The quiz
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_as_http
def quiz_admin(request: HttpRequest, code: str) -> HttpResponse:
    """The quiz's settings (saving them creates the quiz) and its questions."""
    course = _course(request, code, edit=True)  # the answer key is for its editors only
    quiz = selectors.course_quiz(course=course)
    if quiz is None:
        initial: dict[str, Any] = {
            "title": _("Final quiz"),
            "pass_mark_percent": 70,
            "max_attempts": 3,
            "shuffle_questions": True,
            "shuffle_choices": True,
        }
    else:
        initial = {
            name: getattr(quiz, name)
            for name in (
                "title",
                "pass_mark_percent",
                "max_attempts",
                "shuffle_questions",
                "shuffle_choices",
                "time_limit_minutes",
            )
        }
    form = QuizForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form, lambda: services.quiz_set(actor=request.user, course=course, **arguments)
        )
        if saved is not None:
            messages.success(request, _("Saved the quiz's settings."))
            return redirect("learning:quiz_admin", code=course.code)
    context = {"course": course, "quiz": quiz, "form": form}
    return render(request, "learning/catalogue/quiz.html", context)


def _question_page(
    request: HttpRequest, course: Course, form: QuestionForm, question: Any = None
) -> HttpResponse:
    context = {"course": course, "form": form, "question": question}
    return render(request, "learning/catalogue/question_form.html", context)


@login_required
@domain_errors_as_http
def question_admin_new(request: HttpRequest, code: str) -> HttpResponse:
    course = _course(request, code, edit=True)
    quiz = selectors.course_quiz(course=course)
    if quiz is None:
        messages.error(request, _("Save the quiz's settings first."))
        return redirect("learning:quiz_admin", code=course.code)
    form = QuestionForm(request.POST or None, initial={"points": 1, "kind": "single"})
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        question = submit(
            form, lambda: services.question_create(actor=request.user, quiz=quiz, **arguments)
        )
        if question is not None:
            messages.success(request, _("Added question %(n)s.") % {"n": question.position})
            return redirect(reverse("learning:quiz_admin", args=[course.code]) + "#questions")
    return _question_page(request, course, form)


def _question(request: HttpRequest, question_id: int) -> Any:
    _require_pages(request.user)
    question = selectors.question_admin_get(actor=request.user, question_id=question_id)
    _require_edit(request.user, question.quiz.course)
    return question


@login_required
@domain_errors_as_http
def question_admin_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    course = question.quiz.course
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved = submit(
            form,
            lambda: services.question_update(actor=request.user, question=question, **arguments),
        )
        if saved is not None:
            messages.success(request, _("Saved question %(n)s.") % {"n": saved.position})
            return redirect(reverse("learning:quiz_admin", args=[course.code]) + "#questions")
        question = _question(request, question_id)
    return _question_page(request, course, form, question)


@login_required
@domain_errors_as_http
def question_admin_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    course = question.quiz.course
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if _confirmed(
        request, form, lambda: services.question_delete(actor=request.user, question=question)
    ):
        messages.success(request, _("Deleted the question."))
        return redirect(reverse("learning:quiz_admin", args=[course.code]) + "#questions")
    context = {
        "form": form,
        "course": course,
        "title": _("Delete question %(n)s?") % {"n": question.position},
        "explanation": question.text,
        "cancel": reverse("learning:quiz_admin", args=[course.code]) + "#questions",
    }
    return render(request, "learning/catalogue/confirm_delete.html", context)


# ---------------------------------------------------------------------------------------------
# The frameworks
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def frameworks(request: HttpRequest) -> HttpResponse:
    """Both digital-skills frameworks, their areas and competencies, and how many courses map
    to each (among the courses the user may see)."""
    _require_pages(request.user)
    context = {"frameworks": selectors.framework_overview(actor=request.user)}
    return render(request, "learning/catalogue/frameworks.html", context)


urlpatterns: list[URLPattern] = [
    path("learning/courses/", course_admin_list, name="course_admin_list"),
    path("learning/courses/new", course_admin_new, name="course_admin_new"),
    path("learning/courses/<str:code>/", course_admin_detail, name="course_admin_detail"),
    path("learning/courses/<str:code>/edit", course_admin_edit, name="course_admin_edit"),
    path("learning/courses/<str:code>/status", course_admin_status, name="course_admin_status"),
    path("learning/courses/<str:code>/modules/new", module_admin_new, name="module_admin_new"),
    path("learning/courses/<str:code>/quiz", quiz_admin, name="quiz_admin"),
    path(
        "learning/courses/<str:code>/quiz/questions/new",
        question_admin_new,
        name="question_admin_new",
    ),
    path("learning/modules/<int:module_id>/edit", module_admin_edit, name="module_admin_edit"),
    path(
        "learning/modules/<int:module_id>/delete", module_admin_delete, name="module_admin_delete"
    ),
    path("learning/modules/<int:module_id>/move", module_admin_move, name="module_admin_move"),
    path("learning/modules/<int:module_id>/lessons/new", lesson_admin_new, name="lesson_admin_new"),
    path("learning/lessons/<int:lesson_id>/edit", lesson_admin_edit, name="lesson_admin_edit"),
    path(
        "learning/lessons/<int:lesson_id>/delete", lesson_admin_delete, name="lesson_admin_delete"
    ),
    path("learning/lessons/<int:lesson_id>/move", lesson_admin_move, name="lesson_admin_move"),
    path(
        "learning/lessons/<int:lesson_id>/preview",
        lesson_admin_preview,
        name="lesson_admin_preview",
    ),
    path("learning/lessons/<int:lesson_id>/video", lesson_admin_video, name="lesson_admin_video"),
    path(
        "learning/lessons/<int:lesson_id>/attachments",
        attachment_admin_add,
        name="attachment_admin_add",
    ),
    path(
        "learning/attachments/<int:attachment_id>/remove",
        attachment_admin_remove,
        name="attachment_admin_remove",
    ),
    path(
        "learning/attachments/<int:attachment_id>/file",
        attachment_admin_file,
        name="attachment_admin_file",
    ),
    path(
        "learning/questions/<int:question_id>/edit",
        question_admin_edit,
        name="question_admin_edit",
    ),
    path(
        "learning/questions/<int:question_id>/delete",
        question_admin_delete,
        name="question_admin_delete",
    ),
    path("learning/frameworks/", frameworks, name="frameworks"),
]
