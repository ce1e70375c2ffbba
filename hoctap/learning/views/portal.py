"""The learners' pages: sign-up, my learning, the catalogue, a course, its lessons (in order),
the quiz, and the learner's certificate PDFs.

Light server-rendered pages for a phone on a slow connection: every action is a plain form;
JavaScript only fills the time spent on a lesson and shows a quiz's countdown. Every page but
sign-up needs a learner account (`learner_required`); reads go through the learner's own
selectors (anyone else's record is a 404), writes through the progress and quiz services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.accounts.forms import PasswordChangeForm
from hoctap.core.errors import Conflict, NotFound
from hoctap.core.forms import submit
from hoctap.learning.certificate_pdf import absolute_verify_url, certificate_pdf
from hoctap.learning.forms.portal import (
    AttemptForm,
    CatalogueFilterForm,
    LessonCompleteForm,
    SignupForm,
)
from hoctap.learning.models import (
    AttemptStatus,
    CertificateStatus,
    EnrolmentStatus,
    QuizAttempt,
)
from hoctap.learning.selectors import catalogue as catalogue_selectors
from hoctap.learning.selectors import progress as progress_selectors
from hoctap.learning.selectors.scope import learner_account_of
from hoctap.learning.services import learners as learner_services
from hoctap.learning.services import progress as progress_services
from hoctap.learning.services import quizzes as quiz_services
from hoctap.learning.views.common import learner_required

SIGN_IN_BACKEND = "hoctap.learning.auth.LearnerBackend"


# --- accounts -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A resident signs up with their ID number and birth date (matching the register), is
    signed in and lands on the catalogue."""
    if request.user.is_authenticated:
        return redirect("learning:my_learning")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = submit(
            form,
            lambda: learner_services.learner_signup(
                national_id=data["national_id"],
                birth_date=data["birth_date"],
                password=data["password"],
                phone=data["phone"],
            ),
        )
        if account is not None:
            login(request, account.user, backend=SIGN_IN_BACKEND)
            messages.success(request, _("Welcome! Your learner account is ready."))
            return redirect("learning:catalogue")
    return render(request, "learning/portal/signup.html", {"form": form})


@login_required
@require_safe
def no_learner_account(request: HttpRequest) -> HttpResponse:
    """Where a signed-in user without a learner account lands on a learner's page."""
    if learner_account_of(request.user) is not None:
        return redirect("learning:my_learning")
    return render(request, "learning/portal/no_learner_account.html")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


@learner_required(temporary_password_ok=True)
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """The learner changes their password (required after a temporary one)."""
    account = request.learner  # type: ignore[attr-defined]
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = submit(
            form,
            lambda: learner_services.learner_password_change(
                actor=request.user,
                account=account,
                current_password=data["current_password"],
                new_password=data["new_password"],
            ),
        )
        if changed is not None:
            update_session_auth_hash(request, changed.user)
            messages.success(request, _("Your password has been changed."))
            return redirect(_safe_next(request, reverse("learning:my_learning")))
    return render(
        request,
        "learning/portal/password_change.html",
        {
            "form": form,
            "forced": account.must_change_password,
            "next": _safe_next(request, ""),
        },
    )


# --- learning -------------------------------------------------------------------------------


@learner_required
@require_safe
def my_learning(request: HttpRequest) -> HttpResponse:
    """My courses (progress, where to continue) and my certificates."""
    return render(
        request,
        "learning/portal/my_learning.html",
        {
            "courses": progress_selectors.learner_courses(actor=request.user),
            "certificates": progress_selectors.learner_certificates(actor=request.user),
        },
    )


@learner_required
@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    """The published courses, filtered by target group and title."""
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = catalogue_selectors.course_catalogue(
        actor=request.user, target_group=filters.get("target_group"), q=filters.get("q")
    )
    enrolled = {row.course.pk for row in progress_selectors.learner_courses(actor=request.user)}
    cards = [
        {
            "course": course,
            "groups": catalogue_selectors.target_group_labels(course),
            "enrolled": course.pk in enrolled,
        }
        for course in courses
    ]
    return render(request, "learning/portal/catalogue.html", {"form": form, "cards": cards})


def _course_context(request: HttpRequest, code: str) -> dict[str, Any]:
    course = catalogue_selectors.course_get(actor=request.user, code=code)
    enrolment = progress_selectors.enrolment_get(actor=request.user, course=course)
    lessons = catalogue_selectors.course_lessons(course)
    states = progress_selectors.lesson_states(enrolment=enrolment, course=course, lessons=lessons)
    modules = [
        {
            "module": module,
            "lessons": [(lesson, states[lesson.pk]) for lesson in module.lesson_list],
        }
        for module in course.module_list  # type: ignore[attr-defined]
    ]
    done = sum(1 for state in states.values() if state == progress_selectors.LessonState.DONE)
    quiz = course.quiz_or_none  # type: ignore[attr-defined]
    all_done = bool(lessons) and done == len(lessons)
    return {
        "course": course,
        "enrolment": enrolment,
        "modules": modules,
        "done": done,
        "lesson_count": len(lessons),
        "competencies": list(course.competencies.all()),
        "groups": catalogue_selectors.target_group_labels(course),
        "quiz": quiz,
        "quiz_open": enrolment is not None and quiz is not None and all_done,
        "completed": enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED,
        "resume_id": next(
            (
                lesson.pk
                for lesson in lessons
                if states[lesson.pk] == progress_selectors.LessonState.OPEN
            ),
            None,
        ),
    }


@learner_required
@require_safe
def course(request: HttpRequest, code: str) -> HttpResponse:
    """A course: what it teaches, its lessons marked done / open / locked, the enrol button,
    the quiz once the lessons are done."""
    context = _course_context(request, code)
    if context["completed"]:
        context["certificate"] = progress_selectors.course_certificate(
            actor=request.user, course=context["course"]
        )
    return render(request, "learning/portal/course.html", context)


@learner_required
@require_POST
def course_enrol(request: HttpRequest, code: str) -> HttpResponse:
    """Enrol the learner in a published course (again: nothing changes)."""
    course = catalogue_selectors.course_get(actor=request.user, code=code)
    progress_services.enrolment_self(actor=request.user, course=course)
    messages.success(request, _("You are enrolled. Start with the first lesson."))
    return redirect("learning:course", code=course.code)


def _refused(
    request: HttpRequest, message: str, back: str, *, back_label: str | None = None
) -> HttpResponse:
    """A refusal the learner can act on (409): why, and the way back."""
    return render(
        request,
        "learning/portal/refused.html",
        {"message": message, "back": back, "back_label": back_label},
        status=409,
    )


@learner_required
@require_http_methods(["GET", "POST"])
def lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A lesson. Opening it records the learner's progress (a locked lesson is refused, and
    nothing is recorded); the form at the bottom marks it done and goes to the next one."""
    lesson = catalogue_selectors.lesson_get_for_learner(actor=request.user, lesson_id=lesson_id)
    course_url = reverse("learning:course", kwargs={"code": lesson.course.code})
    form = LessonCompleteForm(request.POST or None)
    try:
        if request.method == "POST":
            seconds = form.cleaned_data["seconds_spent"] if form.is_valid() else 0
            done = progress_services.lesson_complete(
                actor=request.user, lesson_id=lesson.pk, seconds_spent=seconds
            )
            if done.certificate is not None:
                messages.success(
                    request, _("Course completed! Your certificate is in “My learning”.")
                )
            else:
                messages.success(request, _("Lesson done."))
            if done.next_lesson_id is not None:
                return redirect("learning:lesson", lesson_id=done.next_lesson_id)
            return redirect(course_url)
        progress_services.lesson_open(actor=request.user, lesson_id=lesson.pk)
    except Conflict as exc:
        return _refused(request, exc.message, course_url)
    enrolment = progress_selectors.enrolment_get(actor=request.user, course=lesson.course)
    states = (
        progress_selectors.lesson_states(
            enrolment=enrolment, course=lesson.course, lessons=[lesson]
        )
        if enrolment
        else {}
    )
    return render(
        request,
        "learning/portal/lesson.html",
        {
            "lesson": lesson,
            "course": lesson.course,
            "form": form,
            "is_done": states.get(lesson.pk) == progress_selectors.LessonState.DONE,
            "attachments": list(lesson.attachments.all()),
        },
    )


@login_required
@require_safe
def lesson_video(request: HttpRequest, lesson_id: int) -> FileResponse:
    """The uploaded video of a lesson, for those enrolled (or who may edit the course)."""
    try:
        lesson = progress_selectors.lesson_media_get(actor=request.user, lesson_id=lesson_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not lesson.video_file:
        raise Http404(_("Not found."))
    return FileResponse(lesson.video_file.open("rb"))


@login_required
@require_safe
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A lesson's attachment, for those enrolled (or who may edit the course)."""
    try:
        item = progress_selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    name = (item.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=name)


# --- the quiz -------------------------------------------------------------------------------


@learner_required
@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, code: str) -> HttpResponse:
    """The course's quiz: the rules, the attempts so far, and the button that starts one."""
    course = catalogue_selectors.course_get(actor=request.user, code=code)
    the_quiz = course.quiz_or_none  # type: ignore[attr-defined]
    if the_quiz is None:
        raise Http404(_("Not found."))
    enrolment = progress_selectors.enrolment_get(actor=request.user, course=course)
    error = None
    if request.method == "POST":
        try:
            attempt = quiz_services.attempt_start(actor=request.user, quiz=the_quiz)
        except Conflict as exc:
            error = exc.message
        else:
            return redirect("learning:attempt", attempt_id=attempt.pk)
    attempts = (
        progress_selectors.learner_attempts(enrolment=enrolment, quiz=the_quiz) if enrolment else []
    )
    used = len(attempts)
    left = None if the_quiz.max_attempts == 0 else max(0, the_quiz.max_attempts - used)
    # an open attempt whose time ran out is closed when the next one starts: offer to start
    open_attempt = next(
        (a for a in attempts if a.status == AttemptStatus.IN_PROGRESS and not _late(a)), None
    )
    return render(
        request,
        "learning/portal/quiz.html",
        {
            "course": course,
            "quiz": the_quiz,
            "enrolment": enrolment,
            "attempts": attempts,
            "attempts_left": left,
            "open_attempt": open_attempt,
            "question_count": the_quiz.questions.count(),
            "lessons_done": enrolment is not None and enrolment.lessons_done >= course.lesson_count,
            "error": error,
        },
        status=409 if error else 200,
    )


def _late(attempt: QuizAttempt) -> bool:
    """Whether an open attempt's time ran out (its answers would be refused)."""
    return attempt.deadline is not None and timezone.now() > attempt.deadline + quiz_services.GRACE


@learner_required
@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """An open attempt: its questions in the order fixed when it started; submitting scores
    it."""
    the_attempt = progress_selectors.attempt_get(actor=request.user, attempt_id=attempt_id)
    if the_attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect("learning:attempt_result", attempt_id=the_attempt.pk)
    if _late(the_attempt):
        return _refused(
            request,
            _("The time for this attempt ran out; it counts as not passed."),
            reverse("learning:quiz", kwargs={"code": the_attempt.quiz.course.code}),
            back_label=_("Back to the quiz"),
        )
    questions = progress_selectors.attempt_questions(attempt=the_attempt)
    form = AttemptForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        result = submit(
            form,
            lambda: quiz_services.attempt_submit(
                actor=request.user, attempt_id=the_attempt.pk, answers=form.answers()
            ),
        )
        if result is not None:
            return redirect("learning:attempt_result", attempt_id=the_attempt.pk)
    return render(
        request,
        "learning/portal/attempt.html",
        {
            "attempt": the_attempt,
            "quiz": the_attempt.quiz,
            "course": the_attempt.quiz.course,
            "form": form,
        },
    )


@learner_required
@require_safe
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The score of a submitted attempt, whether it passed, the certificate when the course
    is now complete, and each question: right or not, with its explanation."""
    the_attempt = progress_selectors.attempt_get(actor=request.user, attempt_id=attempt_id)
    if the_attempt.status == AttemptStatus.IN_PROGRESS:
        return redirect("learning:attempt", attempt_id=the_attempt.pk)
    course = the_attempt.quiz.course
    the_quiz = the_attempt.quiz
    used = len(progress_selectors.learner_attempts(enrolment=the_attempt.enrolment, quiz=the_quiz))
    left = None if the_quiz.max_attempts == 0 else max(0, the_quiz.max_attempts - used)
    return render(
        request,
        "learning/portal/attempt_result.html",
        {
            "attempt": the_attempt,
            "quiz": the_quiz,
            "course": course,
            "attempts_left": left,
            "review": progress_selectors.attempt_review(attempt=the_attempt),
            "certificate": progress_selectors.course_certificate(actor=request.user, course=course)
            if the_attempt.passed
            else None,
        },
    )


# --- certificates ---------------------------------------------------------------------------


@learner_required
@require_safe
@never_cache  # the learner's name: no copy in a shared computer's or a proxy's cache
def certificate_pdf_download(request: HttpRequest, code: str) -> HttpResponse:
    """One of the learner's certificates as PDF; a revoked one is not served."""
    certificate = progress_selectors.learner_certificate_get(actor=request.user, code=code)
    if certificate.status == CertificateStatus.REVOKED:
        return render(
            request,
            "learning/portal/certificate_revoked.html",
            {"certificate": certificate},
            status=410,
        )
    pdf = certificate_pdf(
        certificate=certificate,
        verify_url=absolute_verify_url(code=certificate.code, request=request),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("signup/", signup, name="signup"),
    path("learn/", my_learning, name="my_learning"),
    path("learn/no-account/", no_learner_account, name="no_learner_account"),
    path("learn/password/", password_change, name="password_change"),
    path("learn/courses/", catalogue, name="catalogue"),
    path("learn/courses/<str:code>/", course, name="course"),
    path("learn/courses/<str:code>/enrol", course_enrol, name="course_enrol"),
    path("learn/courses/<str:code>/quiz/", quiz, name="quiz"),
    path("learn/lessons/<int:lesson_id>/", lesson, name="lesson"),
    path("learn/lessons/<int:lesson_id>/video", lesson_video, name="lesson_video"),
    path("learn/attachments/<int:attachment_id>", attachment, name="attachment"),
    path("learn/attempts/<int:attempt_id>/", attempt, name="attempt"),
    path("learn/attempts/<int:attempt_id>/result", attempt_result, name="attempt_result"),
    path(
        "learn/certificates/<str:code>.pdf",
        certificate_pdf_download,
        name="certificate_pdf",
    ),
]
