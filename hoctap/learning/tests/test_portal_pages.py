"""The learners' pages through the HTTP client: sign-up, password change, catalogue, course,
lessons in order, lesson media, the quiz, certificates; each refusal changes nothing."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World, client_for
from hoctap.learning.models import (
    AttemptAnswer,
    Certificate,
    Choice,
    Course,
    Enrolment,
    LearnerAccount,
    Lesson,
    LessonProgress,
    Question,
    QuizAttempt,
)
from hoctap.learning.services import catalogue, completions, learners, progress, quizzes
from hoctap.learning.tests.conftest import (
    LearningWorld,
    build_course,
    correct_answers,
    second_learner,
)

pytestmark = pytest.mark.django_db


def learner_client(learning: LearningWorld) -> Client:
    return client_for(learning.learner)


def english(client: Client) -> Client:
    """Pages in English (the language chosen with the switcher): texts are compared in
    English; the Vietnamese catalogue is made centrally."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def enrol_and_finish_lessons(learning: LearningWorld) -> Enrolment:
    enrolment = progress.enrolment_self(actor=learning.learner, course=learning.course)
    for lesson in learning.lessons:
        progress.lesson_complete(actor=learning.learner, lesson_id=lesson.pk)
    enrolment.refresh_from_db()
    return enrolment


def pass_the_quiz(learning: LearningWorld) -> Certificate:
    enrol_and_finish_lessons(learning)
    attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    result = quizzes.attempt_submit(
        actor=learning.learner, attempt_id=attempt.pk, answers=correct_answers(attempt)
    )
    assert result.certificate is not None
    return result.certificate


def wrong_answers(attempt: QuizAttempt) -> dict[int, list[int]]:
    right = correct_answers(attempt)
    return {
        item["question"]: [next(c for c in item["choices"] if c not in right[item["question"]])]
        for item in attempt.layout
    }


# --- sign-up, sign-in, password ---------------------------------------------------------------


def test_a_resident_signs_up_and_lands_on_the_catalogue(world: World) -> None:
    client = Client()
    assert client.get(reverse("learning:signup")).status_code == 200
    response = client.post(
        reverse("learning:signup"),
        {
            "national_id": world.person_a2.national_id,
            "birth_date": world.person_a2.birth_date.isoformat(),
            "password": PASSWORD,
            "password_again": PASSWORD,
            "phone": "0912345678",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:catalogue")
    account = LearnerAccount.objects.get(person=world.person_a2)
    assert account.phone == "0912345678"
    assert client.get(reverse("learning:catalogue")).status_code == 200  # signed in
    # and signs in again later with the ID number or the phone
    for name in (world.person_a2.national_id, "0912345678"):
        assert Client().login(username=name, password=PASSWORD)


def test_sign_up_with_a_wrong_birth_date_creates_nothing(world: World) -> None:
    users_before = User.objects.count()
    response = Client().post(
        reverse("learning:signup"),
        {
            "national_id": world.person_a2.national_id,
            "birth_date": (world.person_a2.birth_date + datetime.timedelta(days=1)).isoformat(),
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Không có người dân nào được đăng ký với số định danh và ngày sinh này" in (
        response.content.decode()
    )
    assert not LearnerAccount.objects.exists()
    assert User.objects.count() == users_before
    assert not AuditEntry.objects.filter(action="learner_account.create").exists()


def test_sign_up_with_two_different_passwords_creates_nothing(world: World) -> None:
    response = Client().post(
        reverse("learning:signup"),
        {
            "national_id": world.person_a2.national_id,
            "birth_date": world.person_a2.birth_date.isoformat(),
            "password": PASSWORD,
            "password_again": PASSWORD + "x",
        },
    )
    assert response.status_code == 200
    assert "Hai mật khẩu không khớp nhau." in response.content.decode()
    assert not LearnerAccount.objects.exists()


def test_sign_up_with_a_weak_password_names_the_field(world: World) -> None:
    response = Client().post(
        reverse("learning:signup"),
        {
            "national_id": world.person_a2.national_id,
            "birth_date": world.person_a2.birth_date.isoformat(),
            "password": "12345678",
            "password_again": "12345678",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not LearnerAccount.objects.exists()


def test_a_second_sign_up_is_refused(learning: LearningWorld) -> None:
    world = learning.world
    response = Client().post(
        reverse("learning:signup"),
        {
            "national_id": world.person_a.national_id,
            "birth_date": world.person_a.birth_date.isoformat(),
            "password": PASSWORD + "2",
            "password_again": PASSWORD + "2",
        },
    )
    assert response.status_code == 200
    assert "Bạn đã có tài khoản" in response.content.decode()
    assert LearnerAccount.objects.count() == 1
    assert Client().login(username=world.person_a.national_id, password=PASSWORD)


def test_the_login_page_names_the_ways_to_sign_in_and_links_the_sign_up(world: World) -> None:
    text = Client().get(reverse("accounts:login")).content.decode()
    assert "Tên đăng nhập, số định danh hoặc số điện thoại" in text
    assert f'href="{reverse("learning:signup")}"' in text


def test_a_user_without_learner_account_is_sent_to_the_explanation(world: World) -> None:
    client = client_for(world.officer_a)
    response = client.get(reverse("learning:my_learning"))
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:no_learner_account")
    page = client.get(reverse("learning:no_learner_account"))
    assert page.status_code == 200
    assert 'id="no-learner-account"' in page.content.decode()
    anonymous = Client().get(reverse("learning:my_learning"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_a_temporary_password_must_be_changed_first(learning: LearningWorld) -> None:
    password = learners.learner_password_reset(actor=SYSTEM, account=learning.account)
    client = Client()
    assert client.login(username=learning.world.person_a.national_id, password=password)
    catalogue_url = reverse("learning:catalogue")
    response = client.get(catalogue_url)
    assert response.status_code == 302
    change = reverse("learning:password_change")
    assert response["Location"] == f"{change}?next=%2Flearn%2Fcourses%2F"
    page = client.get(response["Location"])
    assert 'id="password-forced"' in page.content.decode()

    wrong = client.post(
        change,
        {
            "current_password": "not-it",
            "new_password": PASSWORD + "new",
            "new_password_again": PASSWORD + "new",
            "next": catalogue_url,
        },
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["current_password"]
    learning.account.refresh_from_db()
    assert learning.account.must_change_password

    done = client.post(
        change,
        {
            "current_password": password,
            "new_password": PASSWORD + "new",
            "new_password_again": PASSWORD + "new",
            "next": catalogue_url,
        },
    )
    assert done.status_code == 302
    assert done["Location"] == catalogue_url
    learning.account.refresh_from_db()
    assert not learning.account.must_change_password
    assert client.get(catalogue_url).status_code == 200  # still signed in


def test_the_password_change_does_not_redirect_to_another_site(learning: LearningWorld) -> None:
    client = learner_client(learning)
    response = client.post(
        reverse("learning:password_change"),
        {
            "current_password": PASSWORD,
            "new_password": PASSWORD + "new",
            "new_password_again": PASSWORD + "new",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:my_learning")


# --- catalogue and course -------------------------------------------------------------------


def test_the_catalogue_lists_published_courses_with_filters(learning: LearningWorld) -> None:
    draft = catalogue.course_create(
        actor=SYSTEM, code="NHAP-01", title="Bản nháp", owner_code="SGDDT-15"
    )
    soldiers = build_course(code="QS-01", lessons=1)
    catalogue.course_update(
        actor=SYSTEM, course=soldiers, title="An toàn thông tin", target_groups=["armed_forces"]
    )
    client = learner_client(learning)
    url = reverse("learning:catalogue")

    def codes(query: dict[str, str]) -> list[str]:
        text = client.get(url, query).content.decode()
        return re.findall(r'data-course="([^"]+)"', text)

    assert codes({}) == ["QS-01", "KNS-01"]  # by title
    assert draft.code not in codes({})
    assert codes({"target_group": "armed_forces"}) == ["QS-01"]
    assert codes({"target_group": "citizens"}) == ["KNS-01"]
    assert codes({"q": "ky nang"}) == ["KNS-01"]  # diacritics ignored
    assert codes({"q": "KỸ NĂNG"}) == ["KNS-01"]
    assert codes({"q": "không có"}) == []


def test_the_course_page_marks_lessons_and_offers_to_enrol(learning: LearningWorld) -> None:
    client = learner_client(learning)
    url = reverse("learning:course", args=[learning.course.code])
    text = client.get(url).content.decode()
    assert 'id="enrol"' in text
    assert 'id="to-quiz"' not in text
    assert not Enrolment.objects.exists()

    response = client.post(reverse("learning:course_enrol", args=[learning.course.code]))
    assert response.status_code == 302
    assert Enrolment.objects.filter(person=learning.world.person_a).count() == 1
    client.post(reverse("learning:course_enrol", args=[learning.course.code]))  # again: same
    assert Enrolment.objects.count() == 1

    first, second, third = learning.lessons
    progress.lesson_complete(actor=learning.learner, lesson_id=first.pk)
    text = client.get(url).content.decode()
    states = dict(re.findall(r'data-lesson="(\d+)" data-number="\d+" data-state="(\w+)"', text))
    assert states == {str(first.pk): "done", str(second.pk): "open", str(third.pk): "locked"}
    assert 'id="enrol"' not in text
    assert "1.1" in text  # a competency


def test_a_draft_course_page_is_not_found(learning: LearningWorld) -> None:
    catalogue.course_create(actor=SYSTEM, code="NHAP-01", title="Bản nháp", owner_code="SGDDT-15")
    client = learner_client(learning)
    assert client.get(reverse("learning:course", args=["NHAP-01"])).status_code == 404
    assert client.post(reverse("learning:course_enrol", args=["NHAP-01"])).status_code == 404
    assert not Enrolment.objects.exists()


def test_an_archived_course_stays_open_to_its_learners_to_the_certificate(
    learning: LearningWorld,
) -> None:
    """Archiving a course takes it out of the catalogue, not away from those enrolled: they
    finish the lessons, pass the quiz and download the certificate through the pages."""
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    first, *rest = learning.lessons
    progress.lesson_complete(actor=learning.learner, lesson_id=first.pk)
    catalogue.course_set_status(actor=SYSTEM, course=learning.course, status="archived")
    client = english(learner_client(learning))
    code = learning.course.code

    assert code not in client.get(reverse("learning:catalogue")).content.decode()
    response = client.get(reverse("learning:course", args=[code]))
    assert response.status_code == 200
    assert 'id="archived"' in response.content.decode()
    assert "takes no new learners" in response.content.decode()
    assert 'id="enrol"' not in response.content.decode()
    for lesson in rest:
        url = reverse("learning:lesson", args=[lesson.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, {"seconds_spent": "60"}).status_code == 302
    assert Enrolment.objects.get().lessons_done == len(learning.lessons)
    quiz_url = reverse("learning:quiz", args=[code])
    assert client.get(quiz_url).status_code == 200
    started = client.post(quiz_url)
    assert started.status_code == 302
    attempt = QuizAttempt.objects.get()
    right = {f"question_{q}": [str(c) for c in cs] for q, cs in correct_answers(attempt).items()}
    result = client.post(started["Location"], right)
    page = client.get(result["Location"]).content.decode()
    assert 'data-passed="yes"' in page
    certificate = Certificate.objects.get()
    pdf = client.get(reverse("learning:certificate_pdf", args=[certificate.code]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "no-store" in pdf["Cache-Control"]  # their name: not kept by a shared computer
    assert code in client.get(reverse("learning:my_learning")).content.decode()


def test_an_archived_course_takes_no_new_learner(learning: LearningWorld) -> None:
    catalogue.course_set_status(actor=SYSTEM, course=learning.course, status="archived")
    client = client_for(second_learner(learning.world))
    code = learning.course.code
    before = Enrolment.objects.count(), LessonProgress.objects.count(), AuditEntry.objects.count()
    assert code not in client.get(reverse("learning:catalogue")).content.decode()
    assert client.get(reverse("learning:course", args=[code])).status_code == 404
    assert client.post(reverse("learning:course_enrol", args=[code])).status_code == 404
    lesson_url = reverse("learning:lesson", args=[learning.lessons[0].pk])
    assert client.get(lesson_url).status_code == 404
    assert client.post(lesson_url, {"seconds_spent": "60"}).status_code == 404
    assert client.get(reverse("learning:quiz", args=[code])).status_code == 404
    assert client.post(reverse("learning:quiz", args=[code])).status_code == 404
    assert (
        Enrolment.objects.count(),
        LessonProgress.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def _course_page_queries(client: Client, code: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("learning:course", args=[code]))
    assert response.status_code == 200
    return len(queries)


def test_the_course_page_takes_the_same_queries_whatever_the_lessons(
    learning: LearningWorld,
) -> None:
    big = build_course(code="KNS-12", lessons=12)
    small = learning.course
    for course in (small, big):
        progress.enrolment_self(actor=learning.learner, course=course)
        first = Lesson.objects.get(course=course, number=1)
        progress.lesson_complete(actor=learning.learner, lesson_id=first.pk)
    client = learner_client(learning)
    _course_page_queries(client, small.code)  # warm the session
    assert _course_page_queries(client, small.code) == _course_page_queries(client, big.code)


# --- lessons --------------------------------------------------------------------------------


def test_a_locked_lesson_is_refused_and_nothing_is_recorded(learning: LearningWorld) -> None:
    enrolment = progress.enrolment_self(actor=learning.learner, course=learning.course)
    client = learner_client(learning)
    second = learning.lessons[1]
    url = reverse("learning:lesson", args=[second.pk])
    response = client.get(url)
    assert response.status_code == 409
    text = response.content.decode()
    assert 'id="refused"' in text
    assert reverse("learning:course", args=[learning.course.code]) in text
    posted = client.post(url, {"seconds_spent": "30"})
    assert posted.status_code == 409
    assert not LessonProgress.objects.exists()
    enrolment.refresh_from_db()
    assert (enrolment.lessons_done, enrolment.last_lesson_id) == (0, None)


def test_a_lesson_without_enrolment_is_refused(learning: LearningWorld) -> None:
    client = learner_client(learning)
    response = client.get(reverse("learning:lesson", args=[learning.lessons[0].pk]))
    assert response.status_code == 409
    assert not LessonProgress.objects.exists()


def test_lessons_are_read_and_finished_in_order(learning: LearningWorld) -> None:
    enrolment = progress.enrolment_self(actor=learning.learner, course=learning.course)
    client = learner_client(learning)
    first, second, third = learning.lessons
    page = client.get(reverse("learning:lesson", args=[first.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<p>Nội dung bài 1</p>" in text
    assert "alert(1)" not in text
    assert 'name="seconds_spent"' in text
    row = LessonProgress.objects.get(enrolment=enrolment, lesson=first)
    assert row.completed_at is None
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == first.pk

    done = client.post(reverse("learning:lesson", args=[first.pk]), {"seconds_spent": "95"})
    assert done.status_code == 302
    assert done["Location"] == reverse("learning:lesson", args=[second.pk])
    row.refresh_from_db()
    assert row.completed_at is not None
    assert row.seconds_spent == 95

    # junk or an impossible time counts as 0, the lesson is still done
    client.post(reverse("learning:lesson", args=[second.pk]), {"seconds_spent": "junk"})
    client.post(reverse("learning:lesson", args=[third.pk]), {"seconds_spent": str(10**9)})
    assert LessonProgress.objects.get(lesson=second).seconds_spent == 0
    assert LessonProgress.objects.get(lesson=third).seconds_spent == 0
    enrolment.refresh_from_db()
    assert enrolment.lessons_done == 3

    last = client.post(reverse("learning:lesson", args=[third.pk]), {"seconds_spent": "5"})
    assert last["Location"] == reverse("learning:course", args=[learning.course.code])
    course_page = client.get(last["Location"]).content.decode()
    assert 'id="to-quiz"' in course_page


def test_a_lesson_of_a_draft_course_is_not_found(learning: LearningWorld) -> None:
    draft = catalogue.course_create(
        actor=SYSTEM, code="NHAP-01", title="Bản nháp", owner_code="SGDDT-15"
    )
    module = catalogue.module_create(actor=SYSTEM, course=draft, title="M")
    lesson = catalogue.lesson_create(actor=SYSTEM, module=module, title="Bài")
    client = learner_client(learning)
    assert client.get(reverse("learning:lesson", args=[lesson.pk])).status_code == 404
    assert client.get(reverse("learning:lesson", args=[987654])).status_code == 404


def test_my_learning_shows_progress_and_where_to_continue(learning: LearningWorld) -> None:
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    first, second, _third = learning.lessons
    progress.lesson_complete(actor=learning.learner, lesson_id=first.pk)
    client = learner_client(learning)
    text = client.get(reverse("learning:my_learning")).content.decode()
    card = text.split(f'data-course="{learning.course.code}"', 1)[1]
    assert re.search(r"data-progress>\s*1\D+3", card)
    continue_link = re.search(r'href="([^"]+)" data-continue', card)
    assert continue_link is not None
    assert continue_link.group(1) == reverse("learning:lesson", args=[second.pk])


# --- lesson media ---------------------------------------------------------------------------


def _media(learning: LearningWorld) -> tuple[Lesson, Any]:
    lesson = learning.lessons[0]
    catalogue.lesson_update(
        actor=SYSTEM, lesson=lesson, video_file=ContentFile(b"FAKE-MP4", name="bai1.mp4")
    )
    item = catalogue.attachment_add(
        actor=SYSTEM, lesson=lesson, title="Hướng dẫn", file=ContentFile(b"PDF!", name="hd.pdf")
    )
    return lesson, item


def test_lesson_media_are_served_to_the_enrolled_and_the_course_editors(
    learning: LearningWorld,
) -> None:
    lesson, item = _media(learning)
    video = reverse("learning:lesson_video", args=[lesson.pk])
    attachment = reverse("learning:attachment", args=[item.pk])
    learner = learner_client(learning)
    # not enrolled yet: the files do not exist for them
    assert learner.get(video).status_code == 404
    assert learner.get(attachment).status_code == 404
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    got = learner.get(video)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"FAKE-MP4"  # type: ignore[attr-defined]
    got = learner.get(attachment)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"PDF!"  # type: ignore[attr-defined]
    assert "attachment" in got["Content-Disposition"]
    page = learner.get(reverse("learning:lesson", args=[lesson.pk])).content.decode()
    assert f'src="{video}"' in page
    assert f'href="{attachment}"' in page
    # the province's secretariat may edit the Department's courses; commune A's officer may not
    assert client_for(learning.world.secretariat).get(video).status_code == 200
    assert client_for(learning.world.officer_a).get(attachment).status_code == 404
    assert Client().get(video).status_code == 302  # to sign in


def test_a_lesson_without_a_video_file_has_none_to_serve(learning: LearningWorld) -> None:
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    url = reverse("learning:lesson_video", args=[learning.lessons[1].pk])
    assert learner_client(learning).get(url).status_code == 404


# --- the quiz -------------------------------------------------------------------------------


def test_the_quiz_cannot_start_before_the_lessons_are_done(learning: LearningWorld) -> None:
    progress.enrolment_self(actor=learning.learner, course=learning.course)
    client = learner_client(learning)
    url = reverse("learning:quiz", args=[learning.course.code])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 409
    assert 'id="quiz-error"' in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_fail_then_pass_the_quiz_through_the_pages(learning: LearningWorld) -> None:
    enrol_and_finish_lessons(learning)
    client = learner_client(learning)
    quiz_url = reverse("learning:quiz", args=[learning.course.code])
    started = client.post(quiz_url)
    assert started.status_code == 302
    attempt = QuizAttempt.objects.get()
    assert started["Location"] == reverse("learning:attempt", args=[attempt.pk])

    page = client.get(started["Location"]).content.decode()
    # the questions in the order of the attempt's layout, a radio button per answer
    shown = [int(q) for q in re.findall(r'data-question="(\d+)"', page)]
    assert shown == [item["question"] for item in attempt.layout]
    for item in attempt.layout:
        for choice_id in item["choices"]:
            assert f'name="question_{item["question"]}" value="{choice_id}"' in page
    assert 'type="radio"' in page

    wrong = {f"question_{q}": [str(c) for c in cs] for q, cs in wrong_answers(attempt).items()}
    result = client.post(started["Location"], wrong)
    assert result.status_code == 302
    assert result["Location"] == reverse("learning:attempt_result", args=[attempt.pk])
    failed = client.get(result["Location"]).content.decode()
    assert 'data-passed="no"' in failed
    assert 'id="try-again"' in failed
    assert 'id="certificate-link"' not in failed
    # a submitted attempt's page shows its result
    assert client.get(started["Location"])["Location"] == result["Location"]

    again = client.post(quiz_url)
    second = QuizAttempt.objects.get(number=2)
    right = {f"question_{q}": [str(c) for c in cs] for q, cs in correct_answers(second).items()}
    passed = client.post(again["Location"], right)
    page = client.get(passed["Location"]).content.decode()
    assert 'data-passed="yes"' in page
    certificate = Certificate.objects.get()
    assert reverse("learning:certificate_pdf", args=[certificate.code]) in page
    assert reverse("learning:verify", args=[certificate.code]) in page
    # the quiz page lists both attempts and starts no more
    quiz_page = client.get(quiz_url).content.decode()
    assert len(re.findall(r"data-attempt=", quiz_page)) == 2
    assert 'id="quiz-passed"' in quiz_page


def test_the_result_page_tells_each_answer_right_or_wrong_with_its_explanation(
    learning: LearningWorld,
) -> None:
    single, true_false = learning.questions
    explanations = {
        single.pk: "VNeID là ứng dụng của Bộ Công an.",
        true_false.pk: "Mã OTP chỉ dành cho chính bạn.",
    }
    for question_id, text in explanations.items():
        Question.objects.filter(pk=question_id).update(explanation=text)
    enrol_and_finish_lessons(learning)
    client = english(learner_client(learning))
    started = client.post(reverse("learning:quiz", args=[learning.course.code]))
    attempt = QuizAttempt.objects.get()
    # before the answers are submitted: no explanation, no verdict, on either page
    page = client.get(started["Location"]).content.decode()
    assert all(text not in page for text in explanations.values())
    assert 'data-correct="' not in page
    result_url = reverse("learning:attempt_result", args=[attempt.pk])
    assert client.get(result_url)["Location"] == started["Location"]

    right, wrong = correct_answers(attempt), wrong_answers(attempt)
    answers = {f"question_{single.pk}": [str(c) for c in right[single.pk]]}
    answers[f"question_{true_false.pk}"] = [str(c) for c in wrong[true_false.pk]]
    assert client.post(started["Location"], answers)["Location"] == result_url
    page = client.get(result_url).content.decode()
    assert 'data-passed="no"' in page
    verdicts = dict(re.findall(r'data-question="(\d+)" data-correct="(yes|no)"', page))
    assert verdicts == {str(single.pk): "yes", str(true_false.pk): "no"}
    assert ">Right<" in page
    assert ">Wrong<" in page
    for text in explanations.values():
        assert text in page
    # the learner's own answers are marked; the key of the wrong one is not told
    chosen = re.findall(r'<li class="chosen">.*?<strong>(.*?)</strong>', page)
    wrong_choice = Choice.objects.get(pk=wrong[true_false.pk][0])
    assert sorted(chosen) == sorted(["VNeID", wrong_choice.text])
    assert page.count('class="chosen"') == 2


def test_an_unanswered_question_is_reported_as_such(learning: LearningWorld) -> None:
    enrol_and_finish_lessons(learning)
    attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    quizzes.attempt_submit(actor=learning.learner, attempt_id=attempt.pk, answers={})
    client = english(learner_client(learning))
    page = client.get(reverse("learning:attempt_result", args=[attempt.pk]))
    text = page.content.decode()
    assert text.count(">Not answered<") == 2
    assert 'data-correct="yes"' not in text


def test_an_answer_to_a_question_not_in_the_attempt_records_nothing(
    learning: LearningWorld,
) -> None:
    enrol_and_finish_lessons(learning)
    attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    client = learner_client(learning)
    url = reverse("learning:attempt", args=[attempt.pk])
    data = {f"question_{q}": [str(c) for c in cs] for q, cs in correct_answers(attempt).items()}
    data["question_987654"] = ["1"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Câu hỏi này không thuộc lượt làm bài." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"
    assert not AttemptAnswer.objects.exists()
    # an answer that is not one of the question's: a field error, nothing recorded
    first = attempt.layout[0]["question"]
    response = client.post(url, {f"question_{first}": ["987654"]})
    assert response.status_code == 200
    assert response.context["form"].errors[f"question_{first}"]
    assert not AttemptAnswer.objects.exists()


def test_another_learners_attempt_does_not_exist(learning: LearningWorld) -> None:
    enrol_and_finish_lessons(learning)
    attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    other = client_for(second_learner(learning.world))
    data = {f"question_{q}": [str(c) for c in cs] for q, cs in correct_answers(attempt).items()}
    for url in (
        reverse("learning:attempt", args=[attempt.pk]),
        reverse("learning:attempt_result", args=[attempt.pk]),
    ):
        assert other.get(url).status_code == 404
    assert other.post(reverse("learning:attempt", args=[attempt.pk]), data).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"
    assert not AttemptAnswer.objects.exists()


def test_the_attempt_limit_is_shown_and_enforced(learning: LearningWorld) -> None:
    enrol_and_finish_lessons(learning)
    for _n in range(learning.quiz.max_attempts):
        attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
        quizzes.attempt_submit(
            actor=learning.learner, attempt_id=attempt.pk, answers=wrong_answers(attempt)
        )
    client = learner_client(learning)
    url = reverse("learning:quiz", args=[learning.course.code])
    page = client.get(url).content.decode()
    assert 'id="no-attempts-left"' in page
    assert 'id="start"' not in page
    assert client.post(url).status_code == 409
    assert QuizAttempt.objects.count() == learning.quiz.max_attempts


def test_a_timed_quiz_shows_its_deadline(learning: LearningWorld) -> None:
    catalogue.quiz_set(
        actor=SYSTEM,
        course=learning.course,
        title=learning.quiz.title,
        pass_mark_percent=100,
        time_limit_minutes=15,
    )
    enrol_and_finish_lessons(learning)
    client = learner_client(learning)
    started = client.post(reverse("learning:quiz", args=[learning.course.code]))
    page = client.get(started["Location"]).content.decode()
    assert 'id="deadline"' in page
    assert "data-deadline=" in page


# --- certificates ---------------------------------------------------------------------------


def test_the_learner_downloads_their_certificate_pdf(learning: LearningWorld) -> None:
    certificate = pass_the_quiz(learning)
    client = learner_client(learning)
    url = reverse("learning:certificate_pdf", args=[certificate.code])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert certificate.code in response["Content-Disposition"]
    page = client.get(reverse("learning:my_learning")).content.decode()
    assert url in page
    assert reverse("learning:verify", args=[certificate.code]) in page


def test_another_learners_certificate_pdf_does_not_exist(learning: LearningWorld) -> None:
    certificate = pass_the_quiz(learning)
    other = client_for(second_learner(learning.world))
    url = reverse("learning:certificate_pdf", args=[certificate.code])
    assert other.get(url).status_code == 404
    assert client_for(learning.world.secretariat).get(url).status_code == 302  # no account
    assert (
        learner_client(learning)
        .get(reverse("learning:certificate_pdf", args=["0000-0000-0000"]))
        .status_code
        == 404
    )


def test_a_revoked_certificate_pdf_is_not_served(learning: LearningWorld) -> None:
    certificate = pass_the_quiz(learning)
    completions.certificate_revoke(actor=SYSTEM, certificate=certificate, reason="Nhầm người")
    response = learner_client(learning).get(
        reverse("learning:certificate_pdf", args=[certificate.code])
    )
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert 'id="revoked"' in text
    assert "Nhầm người" in text


def test_course_and_catalogue_need_a_learner(learning: LearningWorld) -> None:
    for name, args in (("catalogue", []), ("course", [learning.course.code])):
        assert client_for(learning.world.officer_a).get(reverse(f"learning:{name}", args=args))[
            "Location"
        ] == reverse("learning:no_learner_account")


def test_a_course_model_is_untouched_by_reading_pages(learning: LearningWorld) -> None:
    before = list(Course.objects.values())
    client = learner_client(learning)
    client.get(reverse("learning:catalogue"))
    client.get(reverse("learning:course", args=[learning.course.code]))
    assert list(Course.objects.values()) == before


def test_an_attempt_whose_time_ran_out_offers_a_new_one(learning: LearningWorld) -> None:
    catalogue.quiz_set(
        actor=SYSTEM,
        course=learning.course,
        title=learning.quiz.title,
        pass_mark_percent=100,
        time_limit_minutes=5,
    )
    enrol_and_finish_lessons(learning)
    attempt = quizzes.attempt_start(actor=learning.learner, quiz=learning.quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=attempt.started_at - datetime.timedelta(minutes=1)
    )
    client = learner_client(learning)
    late = client.get(reverse("learning:attempt", args=[attempt.pk]))
    assert late.status_code == 409
    assert 'id="refused"' in late.content.decode()
    data = {f"question_{q}": [str(c) for c in cs] for q, cs in correct_answers(attempt).items()}
    client.post(reverse("learning:attempt", args=[attempt.pk]), data)
    assert not AttemptAnswer.objects.exists()
    quiz_url = reverse("learning:quiz", args=[learning.course.code])
    page = client.get(quiz_url).content.decode()
    assert 'id="continue-attempt"' not in page
    assert 'id="start"' in page
    started = client.post(quiz_url)
    assert started.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "expired"
    assert QuizAttempt.objects.filter(status="in_progress").count() == 1
