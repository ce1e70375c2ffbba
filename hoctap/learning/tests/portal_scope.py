"""Commune B's learning records for the route walk (`accounts/tests/test_scope_every_route.py`):
a resident of commune B who took a course to the end (lessons, a failed and a passed attempt,
a certificate), an attachment of that course, and a draft course of commune B's association."""

from __future__ import annotations

from django.core.files.base import ContentFile

from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import PASSWORD, World
from hoctap.learning.models import Choice, LearnerAccount, Lesson
from hoctap.learning.services import catalogue, learners, progress, quizzes
from hoctap.learning.tests.conftest import build_course, correct_answers


def portal_foreign_values(world: World) -> dict[str, list[str]]:
    """Route parameters naming commune B's learning records."""
    course = build_course(code="KNS-ZB")  # a published course anyone may take
    lessons = list(Lesson.objects.filter(course=course).order_by("number"))
    attachment = catalogue.attachment_add(
        actor=SYSTEM,
        lesson=lessons[0],
        title="Tài liệu",
        file=ContentFile(b"%PDF-1.4", name="tai-lieu.pdf"),
    )
    account = LearnerAccount.objects.filter(person=world.person_b).first() or (
        learners.learner_signup(
            national_id=world.person_b.national_id,
            birth_date=world.person_b.birth_date,
            password=PASSWORD,
        )
    )
    learner = account.user
    progress.enrolment_self(actor=learner, course=course)
    for lesson in lessons:
        progress.lesson_complete(actor=learner, lesson_id=lesson.pk)
    failed = quizzes.attempt_start(actor=learner, quiz=course.quiz)
    wrong = {
        item["question"]: [
            Choice.objects.filter(question_id=item["question"], is_correct=False).first().pk  # type: ignore[union-attr]
        ]
        for item in failed.layout
    }
    quizzes.attempt_submit(actor=learner, attempt_id=failed.pk, answers=wrong)
    passed = quizzes.attempt_start(actor=learner, quiz=course.quiz)
    result = quizzes.attempt_submit(
        actor=learner, attempt_id=passed.pk, answers=correct_answers(passed)
    )
    assert result.certificate is not None
    draft = catalogue.course_create(
        actor=SYSTEM, code="ZETA-NHAP", title="Khoá nháp Zeta", owner_code=world.org_b.code
    )
    return {
        # the certificate's code: /verify/<code> is public by design, and shows the name masked
        "code": [result.certificate.code, draft.code],
        "lesson_id": [str(lessons[0].pk)],
        "attachment_id": [str(attachment.pk)],
        "attempt_id": [str(failed.pk), str(passed.pk)],
    }
