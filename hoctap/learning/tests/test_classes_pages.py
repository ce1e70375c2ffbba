"""The pages of offline classes, through the HTTP client."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World, client_for
from hoctap.learning.models import (
    Attendance,
    Certificate,
    ClassInstructor,
    ClassParticipant,
    ClassSession,
    ClassStatus,
    LearnerAccount,
    OfflineClass,
)
from hoctap.learning.selectors import classes as selectors
from hoctap.learning.services import classes as services
from hoctap.learning.tests.classes_helpers import (
    ClassWorld,
    add_resident,
    build_class,
    build_foreign_class,
)
from hoctap.learning.tests.conftest import build_course


@pytest.fixture
def cw(world: World) -> ClassWorld:
    return build_class(world, build_course())


def url(offline_class: OfflineClass, tail: str = "") -> str:
    return f"/learning/classes/{offline_class.pk}/{tail}"


def text(response: Any) -> str:
    return str(response.content.decode())


def test_the_list_shows_an_instructor_their_classes_first(cw: ClassWorld) -> None:
    response = client_for(cw.instructor_user).get("/learning/classes/")
    assert response.status_code == 200
    body = text(response)
    assert 'id="my-classes"' in body
    assert "LOP-A-01" in body
    # an officer has no "my classes" but may create
    officer = text(client_for(cw.world.officer_a).get("/learning/classes/"))
    assert 'id="my-classes"' not in officer
    assert "/learning/classes/new" in officer


def test_the_list_is_read_in_a_fixed_number_of_queries(
    cw: ClassWorld, django_assert_num_queries: Any
) -> None:
    client = client_for(cw.instructor_user)
    client.get("/learning/classes/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/learning/classes/").status_code == 200
    for n in range(3):
        services.class_create(
            actor=cw.world.officer_a,
            code=f"LOP-MORE-{n}",
            course_code=cw.course.code,
            unit_code=cw.world.village_a.code,
            capacity=5,
            starts_on=cw.offline_class.starts_on,
            ends_on=cw.offline_class.ends_on,
        )
        services.instructor_add(
            actor=cw.world.officer_a,
            offline_class=OfflineClass.objects.get(code=f"LOP-MORE-{n}"),
            person_id=cw.instructor.pk,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        body = text(client.get("/learning/classes/"))
    assert body.count("LOP-MORE-") >= 3


def test_an_officer_creates_a_class_through_the_page(world: World) -> None:
    build_course()
    client = client_for(world.officer_a)
    assert client.get("/learning/classes/new").status_code == 200
    today = timezone.localdate()
    data = {
        "code": "LOP-PAGE-1",
        "course": "KNS-01",
        "title": "",
        "unit": world.village_a.code,
        "organisation": "",
        "venue": "Nhà văn hoá",
        "capacity": "25",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=14)).isoformat(),
        "min_attendance_percent": "80",
        "requires_test": "on",
        "test_pass_mark": "50",
    }
    bad = client.post("/learning/classes/new", {**data, "unit": "04465"})
    assert bad.status_code == 200
    assert "04465" in text(bad)
    assert not OfflineClass.objects.exists()
    response = client.post("/learning/classes/new", data)
    created = OfflineClass.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(created)
    assert created.title == "Kỹ năng số cơ bản"
    assert created.capacity == 25


def test_a_viewer_cannot_open_the_create_page(world: World) -> None:
    assert client_for(world.viewer).get("/learning/classes/new").status_code == 403


def test_the_class_page_shows_the_sheet_and_hides_commune_b(cw: ClassWorld) -> None:
    foreign = build_foreign_class(cw.world, cw.course)
    client = client_for(cw.world.officer_a)
    response = client.get(url(cw.offline_class))
    assert response.status_code == 200
    body = text(response)
    assert 'id="class-sheet"' in body
    assert cw.participants[0].masked_national_id in body
    assert cw.participants[0].national_id not in body
    for tail in ("", "sheet", "sheet.csv", "sessions/1/attendance", "complete", "edit"):
        assert client.get(url(foreign, tail)).status_code == 404, tail
    before = Attendance.objects.count()
    response = client.post(
        url(foreign, "sessions/1/attendance"),
        {"present": [cw.world.person_b.pk], "shown": [cw.world.person_b.pk]},
    )
    assert response.status_code == 404
    assert Attendance.objects.count() == before


def test_the_instructor_takes_attendance_on_the_page(cw: ClassWorld) -> None:
    client = client_for(cw.instructor_user)
    page = url(cw.offline_class, "sessions/1/attendance")
    response = client.get(page)
    assert response.status_code == 200
    body = text(response)
    assert 'id="attendance-form"' in body
    assert body.count('name="present"') == 3
    a, b, c = cw.participants
    response = client.post(page, {"shown": [a.pk, b.pk, c.pk], "present": [a.pk, c.pk]})
    assert response.status_code == 302
    assert response["Location"] == page
    assert selectors.session_attendance(session=cw.sessions[0]) == {
        a.pk: True,
        b.pk: False,
        c.pk: True,
    }
    body = text(client.get(page))
    assert f'data-person="{b.pk}" data-saved="absent"' in body
    assert f'data-person="{a.pk}" data-saved="present"' in body


def test_all_present_ticks_everyone_without_saving(cw: ClassWorld) -> None:
    client = client_for(cw.instructor_user)
    body = text(client.get(url(cw.offline_class, "sessions/1/attendance") + "?all=1"))
    assert body.count(" checked>") == 3
    assert not Attendance.objects.exists()


def test_a_person_not_in_the_class_is_refused_on_the_page(cw: ClassWorld) -> None:
    outsider = add_resident(
        cw.world, "010088003333", "Lò Văn Dũng", datetime.date(1988, 1, 2), "male"
    )
    client = client_for(cw.world.officer_a)
    page = url(cw.offline_class, "sessions/1/attendance")
    a = cw.participants[0]
    response = client.post(page, {"shown": [a.pk, outsider.pk], "present": [a.pk, outsider.pk]})
    assert response.status_code == 200
    assert "Lò Văn Dũng" in text(response)
    assert not Attendance.objects.exists()
    junk = client.post(page, {"shown": ["x"], "present": ["1; drop"]})
    assert junk.status_code == 200
    assert not Attendance.objects.exists()


def test_another_learner_may_not_take_attendance(cw: ClassWorld) -> None:
    from hoctap.learning.services.learners import learner_signup

    other = learner_signup(
        national_id=cw.participants[0].national_id,
        birth_date=cw.participants[0].birth_date,
        password="another-long-password-77",
    ).user
    client = client_for(other)
    # the class does not exist for them
    assert client.get(url(cw.offline_class)).status_code == 404
    assert client.get(url(cw.offline_class, "sessions/1/attendance")).status_code == 404


def test_a_viewer_sees_the_class_but_may_not_take_attendance(cw: ClassWorld) -> None:
    client = client_for(cw.world.viewer)
    assert client.get(url(cw.offline_class)).status_code == 200
    page = url(cw.offline_class, "sessions/1/attendance")
    assert client.get(page).status_code == 403
    a = cw.participants[0]
    assert client.post(page, {"shown": [a.pk], "present": [a.pk]}).status_code == 403
    assert not Attendance.objects.exists()


def test_sessions_are_added_edited_and_removed_on_the_pages(cw: ClassWorld) -> None:
    client = client_for(cw.world.officer_a)
    today = timezone.localdate()
    response = client.post(
        url(cw.offline_class, "sessions/new"),
        {"on": today.isoformat(), "starts_at": "08:30", "topic": "Thanh toán không tiền mặt"},
    )
    assert response.status_code == 302
    third = ClassSession.objects.get(offline_class=cw.offline_class, number=3)
    assert third.starts_at == datetime.time(8, 30)
    outside = client.post(
        url(cw.offline_class, "sessions/3/edit"),
        {"on": (cw.offline_class.ends_on + datetime.timedelta(days=2)).isoformat(), "topic": ""},
    )
    assert outside.status_code == 200
    assert 'class="errorlist' in text(outside)
    third.refresh_from_db()
    assert third.on == today
    assert client.post(url(cw.offline_class, "sessions/2/remove")).status_code == 302
    assert list(
        ClassSession.objects.filter(offline_class=cw.offline_class)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2]


def test_participants_are_found_and_added(cw: ClassWorld) -> None:
    new = add_resident(cw.world, "010088003333", "Lò Văn Dũng", datetime.date(1988, 1, 2), "male")
    client = client_for(cw.world.officer_a)
    page = url(cw.offline_class, "participants/add")
    found = text(client.get(page + "?q=dung"))
    assert new.masked_national_id in found
    assert new.national_id not in found
    # by the start of the ID number too
    assert new.masked_national_id in text(client.get(page + "?q=01008800"))
    # commune B's residents are not found
    assert "Zeta" not in text(client.get(page + "?q=zeta"))
    response = client.post(page + "?q=dung", {"person": [new.pk]})
    assert response.status_code == 302
    assert ClassParticipant.objects.filter(offline_class=cw.offline_class, person=new).exists()
    # someone outside the scope, posted by hand: an error, nothing added
    count = ClassParticipant.objects.count()
    refused = client.post(page, {"person": [cw.world.person_b.pk]})
    assert refused.status_code == 200
    assert ClassParticipant.objects.count() == count


def test_an_instructor_is_added_and_removed(cw: ClassWorld) -> None:
    new = add_resident(cw.world, "010088003333", "Lò Văn Dũng", datetime.date(1988, 1, 2), "male")
    client = client_for(cw.world.officer_a)
    page = url(cw.offline_class, "instructors/add")
    assert new.masked_national_id in text(client.get(page + "?q=lo van"))
    response = client.post(page + "?q=lo van", {"person": new.pk, "role": "assistant"})
    assert response.status_code == 302
    instructor = ClassInstructor.objects.get(person=new)
    assert instructor.role == "assistant"
    removed = client.post(url(cw.offline_class, f"instructors/{instructor.pk}/remove"))
    assert removed.status_code == 302
    assert not ClassInstructor.objects.filter(person=new).exists()


def test_the_sheet_exports_masked_and_audited(cw: ClassWorld) -> None:
    services.attendance_take(
        actor=cw.world.officer_a,
        session=cw.sessions[0],
        present_ids={cw.participants[0].pk},
        absent_ids={cw.participants[1].pk},
    )
    client = client_for(cw.instructor_user)
    response = client.get(url(cw.offline_class, "sheet.csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    by_name = {row[1]: row for row in rows[1:]}
    first = by_name[cw.participants[0].full_name]
    assert first[2] == cw.participants[0].masked_national_id
    assert first[3:5] == ["x", ""]
    assert by_name[cw.participants[1].full_name][3] == "-"
    assert AuditEntry.objects.filter(action="class.export").count() == 1
    xlsx = client.get(url(cw.offline_class, "sheet.xlsx"))
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    printable = client.get(url(cw.offline_class, "sheet"))
    assert printable.status_code == 200
    assert 'id="class-sheet"' in text(printable)


def test_scores_and_completion_through_the_pages(cw: ClassWorld) -> None:
    a, b, c = cw.participants
    client = client_for(cw.instructor_user)
    for session in cw.sessions:
        client.post(
            url(cw.offline_class, f"sessions/{session.number}/attendance"),
            {"shown": [a.pk, b.pk, c.pk], "present": [a.pk, b.pk]},
        )
    page = url(cw.offline_class, "scores")
    bad = client.post(page, {f"score-{a.pk}": "150", f"score-{b.pk}": "80"})
    assert bad.status_code == 200
    assert not ClassParticipant.objects.filter(test_score__isnull=False).exists()
    assert client.post(page, {f"score-{a.pk}": "75,5", f"score-{b.pk}": "20"}).status_code == 302
    # shown again as typed, the Vietnamese way
    assert f'name="score-{a.pk}" value="75,5"' in text(client.get(page))
    # the instructor may not complete; the officer may
    assert client.post(url(cw.offline_class, "complete")).status_code == 403
    officer = client_for(cw.world.officer_a)
    preview = officer.get(url(cw.offline_class, "complete"))
    assert preview.status_code == 200
    assert 'id="complete-form"' in text(preview)
    done = officer.post(url(cw.offline_class, "complete"))
    assert done.status_code == 302
    cw.offline_class.refresh_from_db()
    assert cw.offline_class.status == ClassStatus.COMPLETED
    assert Certificate.objects.count() == 1
    body = text(officer.get(url(cw.offline_class)))
    assert 'data-result="completed"' in body
    assert body.count('data-result="not_completed"') == 2


def test_a_completion_refused_shows_why(world: World) -> None:
    cw = build_class(world, build_course(), sessions=1)
    response = client_for(world.officer_a).post(url(cw.offline_class, "complete"))
    assert response.status_code == 200
    assert 'role="alert"' in text(response)
    cw.offline_class.refresh_from_db()
    assert cw.offline_class.status == ClassStatus.OPEN


def test_edit_and_cancel_pages(cw: ClassWorld) -> None:
    client = client_for(cw.world.officer_a)
    c = cw.offline_class
    data = {
        "title": "Lớp mới",
        "venue": "Hội trường",
        "capacity": "12",
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat(),
        "min_attendance_percent": "75",
        "requires_test": "",
        "test_pass_mark": "50",
    }
    assert client.post(url(c, "edit"), data).status_code == 302
    c.refresh_from_db()
    assert (c.title, c.capacity, c.min_attendance_percent, c.requires_test) == (
        "Lớp mới",
        12,
        75,
        False,
    )
    assert client.post(url(c, "cancel"), {"reason": ""}).status_code == 200
    assert client.post(url(c, "cancel"), {"reason": "Mưa lũ"}).status_code == 302
    c.refresh_from_db()
    assert c.status == ClassStatus.CANCELLED


def test_an_instructor_with_a_temporary_password_changes_it_first(cw: ClassWorld) -> None:
    LearnerAccount.objects.filter(user=cw.instructor_user).update(must_change_password=True)
    client = Client()
    client.force_login(cw.instructor_user)
    answer = client.get(url(cw.offline_class))
    assert answer.status_code == 302
    assert answer["Location"].startswith("/learn/password/")


def test_the_password_detour_brings_the_instructor_back_to_the_whole_address(
    cw: ClassWorld,
) -> None:
    """The page asked for, with every parameter of its query, is where the instructor lands
    once the temporary password is changed (the `next` parameter is encoded, not pasted)."""
    LearnerAccount.objects.filter(user=cw.instructor_user).update(must_change_password=True)
    client = Client()
    client.force_login(cw.instructor_user)
    wanted = f"{reverse('learning:class_list')}?q=L%E1%BB%9Bp&status=open"
    answer = client.get(wanted)
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert location.path == reverse("learning:password_change")
    assert parse_qs(location.query) == {"next": [wanted]}
    page = client.get(answer["Location"]).content.decode()
    assert f'name="next" value="{escape(wanted)}"' in page
    changed = client.post(
        answer["Location"],
        {
            "current_password": PASSWORD,
            "new_password": "a-new-long-password-42",
            "new_password_again": "a-new-long-password-42",
            "next": wanted,
        },
    )
    assert changed.status_code == 302
    assert changed["Location"] == wanted
    assert client.get(wanted).status_code == 200
