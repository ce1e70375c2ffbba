"""Writing courses through the pages (`/learning/courses/…`): create and edit a course, publish
(refused without lessons), modules and lessons in order (moving them renumbers the lessons),
sanitised lesson content, attachments, the quiz and its questions, the preview; who may do
what (a published course of another scope is read-only, a draft of another scope does not
exist); the query count of the outline page."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.learning.models import (
    Choice,
    Course,
    CourseModule,
    Enrolment,
    Lesson,
    LessonAttachment,
    LessonProgress,
    Question,
    Quiz,
)
from hoctap.learning.services import catalogue
from hoctap.learning.tests.conftest import LearningWorld

pytestmark = pytest.mark.django_db

TABLES = (Course, CourseModule, Lesson, LessonAttachment, Quiz, Question, Choice, AuditEntry)


def english(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response: Any) -> str:
    return response.content.decode()


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def snapshot() -> dict[str, Any]:
    state: dict[str, Any] = {m.__name__: list(m.objects.order_by("pk").values()) for m in TABLES}
    state["links"] = list(Course.competencies.through.objects.order_by("pk").values())
    return state


@contextlib.contextmanager
def nothing_changes() -> Iterator[None]:
    before = snapshot()
    yield
    assert snapshot() == before


def make_course(
    code: str = "KNS-A-01",
    owner_code: str = "THCS-A",
    *,
    modules: tuple[int, ...] = (),
    title: str = "Điện thoại thông minh",
) -> Course:
    """A draft course with `modules[i]` lessons in module i + 1."""
    course = catalogue.course_create(
        actor=SYSTEM, code=code, title=title, owner_code=owner_code, target_groups=["citizens"]
    )
    for m, count in enumerate(modules, start=1):
        module = catalogue.module_create(actor=SYSTEM, course=course, title=f"Chương {m}")
        for n in range(1, count + 1):
            catalogue.lesson_create(actor=SYSTEM, module=module, title=f"Bài {m}.{n}")
    course.refresh_from_db()
    return course


def order(course: Course) -> list[tuple[str, str, int, int]]:
    """(lesson title, module title, position in the module, number), in course order."""
    return [
        (lesson.title, lesson.module.title, lesson.position, lesson.number)
        for lesson in Lesson.objects.filter(course=course)
        .select_related("module")
        .order_by("number")
    ]


COURSE_FORM = {
    "code": "KNS-VNEID-01",
    "title": "Tài khoản định danh điện tử VNeID",
    "summary": "Đăng ký, kích hoạt và dùng tài khoản VNeID mức 2.",
    "language": "vi",
    "target_groups": ["citizens", "civil_servants"],
    "competencies": ["tt02_2025:2.6", "qd757_2025:0.2"],
    "level": "2",
    "estimated_hours": "1.5",
    "owner": "THCS-A",
    "sequential": "on",
}


# ---------------------------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------------------------


def test_an_officer_creates_a_course_in_draft(world: World) -> None:
    client = english(world.sysadmin_a)
    form = client.get(reverse("learning:course_admin_new"))
    assert form.status_code == 200
    assert "Trường THCS Cốc Lếu (THCS-A)" in text(form)  # the owner among those in scope
    assert "HKH-B" not in text(form)  # commune B's organisation is not offered
    assert "2.6 Quản lý danh tính số" in text(form)  # competencies grouped by area
    response = client.post(reverse("learning:course_admin_new"), COURSE_FORM)
    assert response.status_code == 302
    course = Course.objects.get(code="KNS-VNEID-01")
    assert response["Location"] == reverse("learning:course_admin_detail", args=[course.code])
    assert course.status == "draft"
    assert course.owner.code == "THCS-A"
    assert course.target_groups == ["citizens", "civil_servants"]
    assert course.sequential is True
    assert str(course.estimated_hours) == "1.5"
    assert sorted(c.code for c in course.competencies.all()) == ["0.2", "2.6"]
    assert AuditEntry.objects.filter(action="course.create", target_id=str(course.pk)).exists()
    page = text(english(world.sysadmin_a).get(response["Location"]))
    assert "Tài khoản định danh điện tử VNeID" in page
    assert "Publish" in page


def test_a_course_form_with_bad_input_names_the_field_and_writes_nothing(
    world: World,
) -> None:
    make_course("KNS-VNEID-01")
    client = english(world.sysadmin_a)
    with nothing_changes():
        duplicate = client.post(reverse("learning:course_admin_new"), COURSE_FORM)
        foreign_owner = client.post(
            reverse("learning:course_admin_new"), {**COURSE_FORM, "code": "X-1", "owner": "HKH-B"}
        )
        bad_level = client.post(
            reverse("learning:course_admin_new"), {**COURSE_FORM, "code": "X-2", "level": "9"}
        )
    assert "A course with this code already exists." in text(duplicate)
    assert "Select a valid choice. HKH-B is not one of the available choices." in text(
        foreign_owner
    )
    assert "Select a valid choice" in text(bad_level)


def test_creating_a_course_needs_the_manage_course_permission(world: World) -> None:
    # a commune's unit officer reads learning records but writes no course
    client = english(world.officer_a)
    assert client.get(reverse("learning:course_admin_list")).status_code == 200
    with nothing_changes():
        assert client.get(reverse("learning:course_admin_new")).status_code == 403
        assert client.post(reverse("learning:course_admin_new"), COURSE_FORM).status_code == 403


def test_an_officer_edits_a_course(world: World) -> None:
    course = make_course()
    client = english(world.sysadmin_a)
    url = reverse("learning:course_admin_edit", args=[course.code])
    form = text(client.get(url))
    assert "Điện thoại thông minh" in form
    assert 'name="code"' not in form  # the code cannot change
    response = client.post(
        url,
        {
            **COURSE_FORM,
            "title": "Dùng điện thoại thông minh",
            "target_groups": ["armed_forces"],
            "competencies": ["tt02_2025:1.1"],
            "sequential": "",  # unticked: lessons in any order
        },
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Dùng điện thoại thông minh"
    assert course.target_groups == ["armed_forces"]
    assert course.sequential is False
    assert [c.code for c in course.competencies.all()] == ["1.1"]
    entry = AuditEntry.objects.get(action="course.update", target_id=str(course.pk))
    assert entry.changes["title"] == ["Điện thoại thông minh", "Dùng điện thoại thông minh"]


def test_publishing_without_lessons_is_refused_and_nothing_changes(world: World) -> None:
    course = make_course()
    client = english(world.sysadmin_a)
    with nothing_changes():
        response = client.post(
            reverse("learning:course_admin_status", args=[course.code]), {"status": "published"}
        )
    assert response.status_code == 200
    assert "A course needs at least one lesson before it is published." in text(response)
    course.refresh_from_db()
    assert course.status == "draft"
    assert course.published_at is None


def test_publish_archive_and_back_to_draft(world: World) -> None:
    course = make_course(modules=(1,))
    client = english(world.sysadmin_a)
    url = reverse("learning:course_admin_status", args=[course.code])
    assert client.post(url, {"status": "published"}).status_code == 302
    course.refresh_from_db()
    assert course.status == "published"
    assert course.published_at is not None
    assert client.post(url, {"status": "archived"}).status_code == 302
    assert client.post(url, {"status": "draft"}).status_code == 302
    course.refresh_from_db()
    assert course.status == "draft"
    statuses = AuditEntry.objects.filter(action="course.set_status").order_by("pk")
    assert [e.changes["status"] for e in statuses] == [
        ["draft", "published"],
        ["published", "archived"],
        ["archived", "draft"],
    ]
    with nothing_changes():
        again = client.post(url, {"status": "draft"})
    assert "The course already has this status." in text(again)


def test_the_list_shows_counts_and_filters(world: World, learning: LearningWorld) -> None:
    make_course("KNS-A-01", modules=(2,))
    client = english(world.sysadmin_a)
    page = text(client.get(reverse("learning:course_admin_list")))
    assert "KNS-A-01" in page  # their own draft
    assert "KNS-01" in page  # the published course of the Department of Education
    drafts = text(client.get(reverse("learning:course_admin_list"), {"status": "draft"}))
    assert "KNS-A-01" in drafts
    assert "KNS-01" not in drafts
    by_group = text(
        client.get(reverse("learning:course_admin_list"), {"target_group": "armed_forces"})
    )
    assert "No course matches these filters." in by_group
    by_owner = text(client.get(reverse("learning:course_admin_list"), {"owner": "SGDDT-15"}))
    assert "KNS-01" in by_owner
    assert "KNS-A-01" not in by_owner
    by_competency = text(
        client.get(reverse("learning:course_admin_list"), {"competency": "tt02_2025:4.2"})
    )
    assert "KNS-01" in by_competency
    assert "KNS-A-01" not in by_competency


# ---------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------


def test_a_published_course_of_another_scope_is_read_only(world: World) -> None:
    """Commune A's officer may open commune B's published course, but not change it (403)."""
    course = make_course("KNS-B-01", "HKH-B", modules=(2,), title="Khóa học của xã B")
    catalogue.quiz_set(actor=SYSTEM, course=course, title="Kiểm tra")
    question = catalogue.question_create(
        actor=SYSTEM,
        quiz=course.quiz,
        kind="true_false",
        text="Đúng hay sai?",
        choices=catalogue.true_false_choices(true_is_correct=True),
    )
    catalogue.course_set_status(actor=SYSTEM, course=course, status="published")
    module = course.modules.get()
    lesson = course.lessons.order_by("number").first()
    assert lesson is not None
    client = english(world.sysadmin_a)
    page = client.get(reverse("learning:course_admin_detail", args=[course.code]))
    assert page.status_code == 200
    assert "only the officers of its owner organisation change it" in text(page)
    assert reverse("learning:course_admin_edit", args=[course.code]) not in text(page)
    assert client.get(reverse("learning:lesson_admin_preview", args=[lesson.pk])).status_code == 200
    refused = [
        ("get", reverse("learning:course_admin_edit", args=[course.code]), {}),
        ("post", reverse("learning:course_admin_edit", args=[course.code]), COURSE_FORM),
        ("post", reverse("learning:course_admin_status", args=[course.code]), {"status": "draft"}),
        ("post", reverse("learning:module_admin_new", args=[course.code]), {"title": "X"}),
        ("post", reverse("learning:module_admin_edit", args=[module.pk]), {"title": "X"}),
        ("post", reverse("learning:module_admin_move", args=[module.pk]), {"direction": "up"}),
        ("post", reverse("learning:module_admin_delete", args=[module.pk]), {}),
        ("post", reverse("learning:lesson_admin_new", args=[module.pk]), {"title": "X"}),
        ("get", reverse("learning:lesson_admin_edit", args=[lesson.pk]), {}),
        ("post", reverse("learning:lesson_admin_move", args=[lesson.pk]), {"direction": "down"}),
        ("post", reverse("learning:lesson_admin_delete", args=[lesson.pk]), {}),
        ("get", reverse("learning:quiz_admin", args=[course.code]), {}),
        ("post", reverse("learning:question_admin_delete", args=[question.pk]), {}),
    ]
    with nothing_changes():
        for method, url, data in refused:
            response = getattr(client, method)(url, data)
            assert response.status_code == 403, (method, url, response.status_code)
    # the officers of the owner organisation may
    owner = english(world.org_officer_b)
    assert owner.get(reverse("learning:course_admin_edit", args=[course.code])).status_code == 200


def test_a_draft_of_another_scope_does_not_exist(world: World) -> None:
    course = make_course("KNS-B-02", "HKH-B", modules=(1,), title="Bản nháp xã B")
    module = course.modules.get()
    lesson = course.lessons.get()
    client = english(world.sysadmin_a)
    assert "KNS-B-02" not in text(client.get(reverse("learning:course_admin_list")))
    with nothing_changes():
        for url in (
            reverse("learning:course_admin_detail", args=[course.code]),
            reverse("learning:course_admin_edit", args=[course.code]),
            reverse("learning:module_admin_edit", args=[module.pk]),
            reverse("learning:lesson_admin_edit", args=[lesson.pk]),
            reverse("learning:lesson_admin_preview", args=[lesson.pk]),
        ):
            assert client.get(url).status_code == 404, url
        status = client.post(
            reverse("learning:course_admin_status", args=[course.code]), {"status": "published"}
        )
        assert status.status_code == 404
    # the province's secretariat holds learning.manage_course over the whole province
    assert (
        english(world.secretariat)
        .get(reverse("learning:course_admin_edit", args=[course.code]))
        .status_code
        == 200
    )


def test_a_learner_without_officer_rights_gets_403(learning: LearningWorld) -> None:
    client = english(learning.learner)
    for url in (reverse("learning:course_admin_list"), reverse("learning:frameworks")):
        assert client.get(url).status_code == 403
    assert Client().get(reverse("learning:course_admin_list")).status_code == 302


# ---------------------------------------------------------------------------------------------
# Modules and lessons
# ---------------------------------------------------------------------------------------------


def test_modules_are_added_renamed_and_deleted(world: World) -> None:
    course = make_course()
    client = english(world.sysadmin_a)
    response = client.post(
        reverse("learning:module_admin_new", args=[course.code]), {"title": "Làm quen"}
    )
    assert response.status_code == 302
    module = course.modules.get()
    client.post(reverse("learning:module_admin_edit", args=[module.pk]), {"title": "Bắt đầu"})
    module.refresh_from_db()
    assert module.title == "Bắt đầu"
    with nothing_changes():
        empty = client.post(reverse("learning:module_admin_edit", args=[module.pk]), {"title": " "})
    assert empty.status_code == 200
    confirm = client.get(reverse("learning:module_admin_delete", args=[module.pk]))
    assert "Delete the module “Bắt đầu”?" in text(confirm)
    assert client.post(reverse("learning:module_admin_delete", args=[module.pk])).status_code == 302
    assert not course.modules.exists()


def test_a_lesson_with_a_script_is_stored_sanitised(world: World) -> None:
    course = make_course()
    module = catalogue.module_create(actor=SYSTEM, course=course, title="Chương 1")
    client = english(world.sysadmin_a)
    body = (
        '<h2>Mật khẩu mạnh</h2><p onclick="steal()">Dùng ít nhất <strong>12 ký tự</strong>.</p>'
        '<script>alert("xss")</script><a href="javascript:alert(1)">bấm</a>'
        '<iframe src="https://evil.example"></iframe><a href="https://vneid.gov.vn">VNeID</a>'
    )
    response = client.post(
        reverse("learning:lesson_admin_new", args=[module.pk]),
        {"title": "Mật khẩu", "body_html": body, "estimated_minutes": "15"},
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get(course=course)
    assert response["Location"] == reverse("learning:lesson_admin_edit", args=[lesson.pk])
    stored = lesson.body_html
    assert "<h2>Mật khẩu mạnh</h2>" in stored
    assert "<strong>12 ký tự</strong>" in stored
    for removed in ("<script", "alert", "onclick", "javascript:", "<iframe", "evil.example"):
        assert removed not in stored, removed
    assert 'href="https://vneid.gov.vn"' in stored
    assert lesson.number == 1
    course.refresh_from_db()
    assert course.lesson_count == 1
    # the edit page shows the content as stored, and nothing of the script runs there
    page = text(client.get(response["Location"]))
    assert "Content as stored" in page
    assert "<h2>Mật khẩu mạnh</h2>" in page
    assert "<script>alert" not in page
    # saving again changes what was given only
    edited = client.post(
        response["Location"],
        {"title": "Mật khẩu an toàn", "body_html": stored, "estimated_minutes": "20"},
    )
    assert edited.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.estimated_minutes) == ("Mật khẩu an toàn", 20)


def test_a_lesson_takes_a_video_file_or_a_link_not_both(world: World) -> None:
    course = make_course(modules=(1,))
    lesson = course.lessons.get()
    client = english(world.sysadmin_a)
    url = reverse("learning:lesson_admin_edit", args=[lesson.pk])
    video = SimpleUploadedFile("bai1.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")
    with nothing_changes():
        both = client.post(
            url,
            {
                "title": lesson.title,
                "estimated_minutes": "10",
                "video_url": "https://www.youtube.com/watch?v=abc",
                "video_file": video,
            },
        )
        not_a_link = client.post(
            url, {"title": lesson.title, "estimated_minutes": "10", "video_url": "ftp://x/y"}
        )
    assert "Give either a video file or a link, not both." in text(both)
    assert "Give a web address starting with https://." in text(not_a_link)
    video.seek(0)
    ok = client.post(url, {"title": lesson.title, "estimated_minutes": "10", "video_file": video})
    assert ok.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.video_file.name or "").startswith("lessons/videos/bai1")
    served = client.get(reverse("learning:lesson_admin_video", args=[lesson.pk]))
    assert served.status_code == 200
    assert streamed(served).endswith(b"ftypmp42")
    removed = client.post(
        url, {"title": lesson.title, "estimated_minutes": "10", "remove_video_file": "on"}
    )
    assert removed.status_code == 302
    lesson.refresh_from_db()
    assert not lesson.video_file


def test_a_video_link_must_be_https(world: World) -> None:
    """The form says https://; a plain http:// link (or no address at all) is refused."""
    course = make_course(modules=(1,))
    lesson = course.lessons.get()
    client = english(world.sysadmin_a)
    url = reverse("learning:lesson_admin_edit", args=[lesson.pk])
    form = text(client.get(url))
    assert "A web address starting with https://" in form
    with nothing_changes():
        for link in ("http://www.youtube.com/watch?v=abc", "https://", "https:// x y"):
            refused = client.post(
                url, {"title": lesson.title, "estimated_minutes": "10", "video_url": link}
            )
            assert refused.status_code == 200
            assert "Give a web address starting with https://." in text(refused)
    ok = client.post(
        url,
        {
            "title": lesson.title,
            "estimated_minutes": "10",
            "video_url": "https://www.youtube.com/watch?v=abc",
        },
    )
    assert ok.status_code == 302
    lesson.refresh_from_db()
    assert lesson.video_url == "https://www.youtube.com/watch?v=abc"


@override_settings(HOCTAP_LESSON_VIDEO_MAX_MB=1, HOCTAP_LESSON_VIDEO_EXTENSIONS=["mp4", "webm"])
def test_a_video_file_is_a_video_kind_within_the_size_limit(world: World) -> None:
    course = make_course(modules=(1,))
    lesson = course.lessons.get()
    client = english(world.sysadmin_a)
    url = reverse("learning:lesson_admin_edit", args=[lesson.pk])
    form = text(client.get(url))
    assert "MP4, WEBM, at most 1 MB." in form  # the help text follows the settings
    assert 'accept=".mp4,.webm"' in form

    def upload(name: str, size: int) -> Any:
        video = SimpleUploadedFile(name, b"\x00" * size, content_type="video/mp4")
        return client.post(
            url, {"title": lesson.title, "estimated_minutes": "10", "video_file": video}
        )

    with nothing_changes():
        for name in ("bai1.exe", "bai1.mp4.html", "bai1", "bai1.mov"):
            refused = upload(name, 100)
            assert refused.status_code == 200
            assert "Upload a video file: MP4, WEBM." in text(refused)
        too_big = upload("bai1.mp4", 1024 * 1024 + 1)
        assert "The file is larger than 1 MB." in text(too_big)
    assert upload("BAI1.WEBM", 1024 * 1024).status_code == 302  # the extension in any case
    lesson.refresh_from_db()
    assert (lesson.video_file.name or "").startswith("lessons/videos/BAI1")


def test_attachments_are_added_and_removed(world: World) -> None:
    course = make_course(modules=(1,))
    lesson = course.lessons.get()
    client = english(world.sysadmin_a)
    upload = SimpleUploadedFile("huong-dan.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    response = client.post(
        reverse("learning:attachment_admin_add", args=[lesson.pk]),
        {"title": "Hướng dẫn cài VNeID", "file": upload},
    )
    assert response.status_code == 302
    attachment = lesson.attachments.get()
    assert attachment.title == "Hướng dẫn cài VNeID"
    page = text(client.get(reverse("learning:lesson_admin_edit", args=[lesson.pk])))
    assert "Hướng dẫn cài VNeID" in page
    download = client.get(reverse("learning:attachment_admin_file", args=[attachment.pk]))
    assert streamed(download) == b"%PDF-1.4 hello"
    with nothing_changes():
        missing = client.post(
            reverse("learning:attachment_admin_add", args=[lesson.pk]), {"title": "Không có tệp"}
        )
    assert missing.status_code == 200
    assert "This field is required." in text(missing)
    removed = client.post(reverse("learning:attachment_admin_remove", args=[attachment.pk]))
    assert removed.status_code == 302
    assert not lesson.attachments.exists()
    assert AuditEntry.objects.filter(action="course.attachment_remove").count() == 1


def test_moving_lessons_up_and_down_renumbers_them(world: World) -> None:
    course = make_course(modules=(2, 1))
    first, second, third = course.lessons.order_by("number")
    client = english(world.sysadmin_a)

    def move(lesson: Lesson, direction: str) -> Any:
        return client.post(
            reverse("learning:lesson_admin_move", args=[lesson.pk]), {"direction": direction}
        )

    assert order(course) == [
        ("Bài 1.1", "Chương 1", 1, 1),
        ("Bài 1.2", "Chương 1", 2, 2),
        ("Bài 2.1", "Chương 2", 1, 3),
    ]
    response = move(first, "down")  # within the module
    assert response.status_code == 302
    assert response["Location"].endswith(f"#lesson-{first.pk}")
    assert order(course) == [
        ("Bài 1.2", "Chương 1", 1, 1),
        ("Bài 1.1", "Chương 1", 2, 2),
        ("Bài 2.1", "Chương 2", 1, 3),
    ]
    move(first, "down")  # from the bottom of its module to the top of the next
    assert order(course) == [
        ("Bài 1.2", "Chương 1", 1, 1),
        ("Bài 1.1", "Chương 2", 1, 2),
        ("Bài 2.1", "Chương 2", 2, 3),
    ]
    move(third, "up")
    move(third, "up")  # from the top of its module to the bottom of the one before
    assert order(course) == [
        ("Bài 1.2", "Chương 1", 1, 1),
        ("Bài 2.1", "Chương 1", 2, 2),
        ("Bài 1.1", "Chương 2", 1, 3),
    ]
    moves = AuditEntry.objects.filter(action="course.lesson_move").order_by("pk")
    assert moves.count() == 4
    last = moves.last()
    assert last is not None
    # across modules: the module and the place in it change, the number in the course not
    assert last.changes == {"module": ["Chương 2", "Chương 1"], "position": [1, 2]}
    course.refresh_from_db()
    assert course.lesson_count == 3
    # the first lesson cannot go up: a message, nothing changes
    with nothing_changes():
        refused = move(second, "up")
    assert refused.status_code == 302
    page = text(client.get(refused["Location"]))
    assert "This is already the first lesson of the course." in page
    with nothing_changes():
        move(second, "sideways")


def test_moving_a_module_moves_its_lessons(world: World) -> None:
    course = make_course(modules=(2, 1))
    second_module = course.modules.get(position=2)
    client = english(world.sysadmin_a)
    response = client.post(
        reverse("learning:module_admin_move", args=[second_module.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert order(course) == [
        ("Bài 2.1", "Chương 2", 1, 1),
        ("Bài 1.1", "Chương 1", 1, 2),
        ("Bài 1.2", "Chương 1", 2, 3),
    ]
    with nothing_changes():
        client.post(
            reverse("learning:module_admin_move", args=[second_module.pk]), {"direction": "up"}
        )
    entry = AuditEntry.objects.get(action="course.module_move")
    assert entry.changes == {"position": [2, 1]}


def test_deleting_a_lesson_renumbers_the_rest_and_is_refused_once_started(
    learning: LearningWorld,
) -> None:
    world = learning.world
    client = english(world.secretariat)  # manages the Department of Education's courses
    first, second, _third = learning.lessons
    confirm = client.get(reverse("learning:lesson_admin_delete", args=[second.pk]))
    assert "Delete the lesson “Bài 2”?" in text(confirm)
    assert client.post(reverse("learning:lesson_admin_delete", args=[second.pk])).status_code == 302
    assert [(t, n) for t, _m, _p, n in order(learning.course)] == [("Bài 1", 1), ("Bài 3", 2)]
    # a lesson a learner has started stays
    from hoctap.learning.services import progress

    progress.enrolment_self(actor=learning.learner, course=learning.course)
    progress.lesson_open(actor=learning.learner, lesson_id=first.pk)
    with nothing_changes():
        refused = client.post(reverse("learning:lesson_admin_delete", args=[first.pk]))
    assert refused.status_code == 200
    assert "Learners have started this lesson: it cannot be deleted." in text(refused)


def test_the_preview_shows_the_lesson_and_records_nothing(learning: LearningWorld) -> None:
    lesson = learning.lessons[1]
    client = english(learning.world.secretariat)
    with nothing_changes():
        response = client.get(reverse("learning:lesson_admin_preview", args=[lesson.pk]))
    page = text(response)
    assert response.status_code == 200
    assert "Nothing is recorded." in page
    assert "<p>Nội dung bài 2</p>" in page
    assert "Lesson 2 of 3" in page
    assert reverse("learning:lesson_admin_preview", args=[learning.lessons[0].pk]) in page
    assert reverse("learning:lesson_admin_preview", args=[learning.lessons[2].pk]) in page
    assert not LessonProgress.objects.exists()


def test_the_outline_page_query_count_does_not_grow_with_lessons(
    world: World, django_assert_max_num_queries: Any
) -> None:
    small = make_course("KNS-A-01", modules=(1,))
    large = make_course("KNS-A-02", modules=(6, 6, 6, 6))
    for lesson in large.lessons.all()[:5]:
        catalogue.attachment_add(
            actor=SYSTEM,
            lesson=lesson,
            title="Tài liệu",
            file=SimpleUploadedFile("a.txt", b"x"),
        )
    client = english(world.sysadmin_a)
    client.get(reverse("learning:course_admin_detail", args=[small.code]))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("learning:course_admin_detail", args=[small.code]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("learning:course_admin_detail", args=[large.code]))
    assert text(response).count('id="lesson-') == 24


def test_the_list_query_count_does_not_grow_with_courses(
    world: World, django_assert_max_num_queries: Any
) -> None:
    make_course("KNS-A-00", modules=(1,))
    client = english(world.sysadmin_a)
    url = reverse("learning:course_admin_list")
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for n in range(1, 12):
        make_course(f"KNS-A-{n:02d}", modules=(1,))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "KNS-A-11" in text(response)


# ---------------------------------------------------------------------------------------------
# The quiz
# ---------------------------------------------------------------------------------------------


def test_the_quiz_settings_are_created_then_changed(world: World) -> None:
    course = make_course(modules=(1,))
    client = english(world.sysadmin_a)
    url = reverse("learning:quiz_admin", args=[course.code])
    assert "Create the quiz" in text(client.get(url))
    settings_form = {
        "title": "Kiểm tra cuối khoá",
        "pass_mark_percent": "80",
        "max_attempts": "0",
        "shuffle_questions": "on",
        "time_limit_minutes": "15",
    }
    assert client.post(url, settings_form).status_code == 302
    quiz = Quiz.objects.get(course=course)
    assert (quiz.pass_mark_percent, quiz.max_attempts, quiz.time_limit_minutes) == (80, 0, 15)
    assert (quiz.shuffle_questions, quiz.shuffle_choices) == (True, False)
    with nothing_changes():
        refused = client.post(url, {**settings_form, "pass_mark_percent": "0"})
    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in text(refused)
    client.post(url, {**settings_form, "time_limit_minutes": ""})
    quiz.refresh_from_db()
    assert quiz.time_limit_minutes is None


def _quiz(course: Course) -> Quiz:
    return catalogue.quiz_set(actor=SYSTEM, course=course, title="Kiểm tra")


def test_a_single_choice_question_with_two_correct_answers_is_refused(world: World) -> None:
    course = make_course(modules=(1,))
    _quiz(course)
    client = english(world.sysadmin_a)
    with nothing_changes():
        response = client.post(
            reverse("learning:question_admin_new", args=[course.code]),
            {
                "kind": "single",
                "text": "Ứng dụng định danh điện tử quốc gia là gì?",
                "points": "1",
                "answer_1": "VNeID",
                "correct_1": "on",
                "answer_2": "Zalo",
                "correct_2": "on",
                "answer_3": "Facebook",
            },
        )
    assert response.status_code == 200
    assert "Mark exactly one answer as correct." in text(response)
    assert 'value="Facebook"' in text(response)  # what was typed stays on the form
    assert not Question.objects.exists()


def test_questions_are_added_edited_and_deleted(world: World) -> None:
    course = make_course(modules=(1,))
    quiz = _quiz(course)
    client = english(world.sysadmin_a)
    new = reverse("learning:question_admin_new", args=[course.code])
    assert (
        client.post(
            new,
            {
                "kind": "multiple",
                "text": "Dấu hiệu của tin nhắn lừa đảo?",
                "points": "2",
                "explanation": "Ngân hàng không bao giờ hỏi mã OTP.",
                "answer_1": "Hỏi mã OTP",
                "correct_1": "on",
                "answer_2": "Giục chuyển tiền gấp",
                "correct_2": "on",
                "answer_4": "Gửi từ tổng đài chính thức",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            new, {"kind": "true_false", "text": "Có nên cho người lạ mã OTP?", "points": "1",
                  "true_is_correct": "false"},
        ).status_code
        == 302
    )  # fmt: skip
    first, second = quiz.questions.order_by("position")
    assert [(c.text, c.is_correct) for c in first.choices.order_by("position")] == [
        ("Hỏi mã OTP", True),
        ("Giục chuyển tiền gấp", True),
        ("Gửi từ tổng đài chính thức", False),
    ]
    assert [(c.text, c.is_correct) for c in second.choices.order_by("position")] == [
        ("True", False),
        ("False", True),
    ]
    page = text(client.get(reverse("learning:quiz_admin", args=[course.code])))
    assert "Dấu hiệu của tin nhắn lừa đảo?" in page
    # a true/false question needs its correct answer
    with nothing_changes():
        missing = client.post(new, {"kind": "true_false", "text": "Đúng không?", "points": "1"})
    assert "Choose whether “True” or “False” is correct." in text(missing)
    # edit: the form starts from the stored question
    edit = reverse("learning:question_admin_edit", args=[first.pk])
    assert 'value="Giục chuyển tiền gấp"' in text(client.get(edit))
    assert (
        client.post(
            edit,
            {"kind": "single", "text": "Dấu hiệu rõ nhất?", "points": "1",
             "answer_1": "Hỏi mã OTP", "correct_1": "on", "answer_2": "Gửi lời chào"},
        ).status_code
        == 302
    )  # fmt: skip
    first.refresh_from_db()
    assert first.kind == "single"
    assert [c.text for c in first.choices.order_by("position")] == ["Hỏi mã OTP", "Gửi lời chào"]
    delete = reverse("learning:question_admin_delete", args=[first.pk])
    assert "Delete question 1?" in text(client.get(delete))
    assert client.post(delete).status_code == 302
    assert list(quiz.questions.values_list("position", flat=True)) == [1]


def test_adding_a_question_before_the_quiz_exists_asks_for_the_settings(world: World) -> None:
    course = make_course(modules=(1,))
    client = english(world.sysadmin_a)
    with nothing_changes():
        response = client.get(reverse("learning:question_admin_new", args=[course.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:quiz_admin", args=[course.code])


# ---------------------------------------------------------------------------------------------
# The frameworks page
# ---------------------------------------------------------------------------------------------


def test_the_frameworks_page_lists_both_frameworks_with_course_counts(
    learning: LearningWorld,
) -> None:
    make_course("KNS-B-03", "HKH-B", title="Bản nháp xã B")  # a draft out of A's sight
    Course.objects.get(code="KNS-B-03").competencies.add(*learning.course.competencies.all())
    client = english(learning.world.sysadmin_a)
    page = text(client.get(reverse("learning:frameworks")))
    assert "Circular 02/2025/TT-BGDĐT" in page
    assert "Decision 757/QĐ-BKHCN" in page
    assert "Ứng dụng trí tuệ nhân tạo" in page
    assert "Sử dụng thiết bị và phần mềm trên thiết bị" in page
    link = reverse("learning:course_admin_list") + "?competency=tt02_2025:1.1"
    assert f'<a href="{link}">1</a>' in page  # the published course only, not B's draft
    secretariat = text(english(learning.world.secretariat).get(reverse("learning:frameworks")))
    assert f'<a href="{link}">2</a>' in secretariat  # whose scope holds both


def test_a_superuser_sees_every_draft_on_the_course_pages(world: World) -> None:
    """A global scope keeps every row, also where it is combined with "or published"."""
    catalogue.course_create(
        actor=SYSTEM, code="ZETA-DRAFT", title="Bản nháp của Zeta", owner_code=world.org_b.code
    )
    client = Client()
    client.force_login(world.admin)
    drafts = client.get(reverse("learning:course_admin_list"), {"status": "draft"})
    assert "ZETA-DRAFT" in drafts.content.decode()
    detail = client.get(reverse("learning:course_admin_detail", args=["ZETA-DRAFT"]))
    assert detail.status_code == 200


def test_a_courses_counts_are_of_the_learners_in_the_readers_scope(learning: LearningWorld) -> None:
    """The course pages count enrolments and completions as the reports do: among the persons
    the reader may see, not across the province."""
    from hoctap.learning.selectors.authoring import course_admin_list, course_counts
    from hoctap.learning.services.progress import enrolment_self

    w, course = learning.world, learning.course
    enrolment_self(actor=learning.learner, course=course)  # person A, of commune A
    assert Enrolment.objects.filter(course=course).count() == 1

    def listed(user: User) -> int:
        return course_admin_list(actor=user).get(pk=course.pk).enrolment_count  # type: ignore[attr-defined]

    assert listed(w.officer_a) == course_counts(actor=w.officer_a, course=course)["enrolments"] == 1
    assert listed(w.officer_b) == course_counts(actor=w.officer_b, course=course)["enrolments"] == 0
    assert listed(w.admin) == 1
    detail = reverse("learning:course_admin_detail", args=[course.code])
    assert "0 enrolled, 0 completions" in text(english(w.officer_b).get(detail))
    assert "1 enrolled" in text(english(w.officer_a).get(detail))
