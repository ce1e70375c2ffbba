"""Offline classes through the services: creating, sessions, instructors, participants,
attendance, test results and completion, and who may do each."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hoctap.learning.models import (
    Attendance,
    Certificate,
    Channel,
    ClassParticipant,
    ClassSession,
    ClassStatus,
    Completion,
    Enrolment,
    OfflineClass,
    ParticipantResult,
    Platform,
)
from hoctap.learning.selectors import classes as selectors
from hoctap.learning.services import catalogue
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


def snapshot() -> dict[str, Any]:
    return {
        "attendance": sorted(
            Attendance.objects.values_list("session_id", "participant_id", "present")
        ),
        "participants": sorted(
            ClassParticipant.objects.values_list("id", "person_id", "test_score", "result")
        ),
        "sessions": sorted(ClassSession.objects.values_list("id", "number", "on")),
        "classes": sorted(OfflineClass.objects.values_list("id", "status", "capacity")),
        "completions": Completion.objects.count(),
        "certificates": Certificate.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def ids(*persons: Any) -> set[int]:
    return {p.pk for p in persons}


# ---------------------------------------------------------------------------------------------
# Creating a class
# ---------------------------------------------------------------------------------------------


def _create(world: World, **overrides: Any) -> OfflineClass:
    today = timezone.localdate()
    arguments: dict[str, Any] = {
        "actor": world.officer_a,
        "code": "LOP-NEW",
        "course_code": "KNS-01",
        "unit_code": world.village_a.code,
        "capacity": 20,
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=30),
    }
    arguments.update(overrides)
    return services.class_create(**arguments)


def test_an_officer_creates_a_class_in_a_village_of_their_commune(world: World) -> None:
    build_course()
    offline_class = _create(world)
    assert offline_class.title == "Kỹ năng số cơ bản"  # the course's, by default
    assert offline_class.status == ClassStatus.OPEN
    assert (offline_class.min_attendance_percent, offline_class.requires_test) == (80, True)
    entry = AuditEntry.objects.get(action="class.create")
    assert entry.unit_id == world.village_a.pk
    assert entry.changes["course"] == "KNS-01"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "bad code!"}, "code"),
        ({"course_code": "NOPE"}, "course"),
        ({"unit_code": "04465"}, "unit"),  # commune B: not visible to officer A
        ({"unit_code": "15"}, "unit"),  # a province is no place for a class
        ({"capacity": 0}, "capacity"),
        ({"min_attendance_percent": 101}, "min_attendance_percent"),
        ({"test_pass_mark": "abc"}, "test_pass_mark"),
        ({"ends_on": timezone.localdate() - datetime.timedelta(days=1)}, "ends_on"),
        ({"ends_on": timezone.localdate() + datetime.timedelta(days=400)}, "ends_on"),
        ({"organisation_code": "HKH-B"}, "organisation"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    build_course()
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        _create(world, **overrides)
    assert field in exc.value.errors
    assert snapshot() == before


def test_a_draft_course_cannot_be_taught(world: World) -> None:
    catalogue.course_create(actor=SYSTEM, code="DRAFT-1", title="Nháp", owner_code="SGDDT-15")
    with pytest.raises(InvalidInput) as exc:
        _create(world, course_code="DRAFT-1")
    assert "course" in exc.value.errors


def test_a_user_without_the_permission_cannot_create_a_class(world: World) -> None:
    build_course()
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.viewer)
    assert not OfflineClass.objects.exists()


def test_an_organisation_officer_runs_classes_of_their_organisation(world: World) -> None:
    build_course()
    offline_class = _create(
        world, actor=world.org_officer_b, unit_code=world.village_b.code, organisation_code="HKH-B"
    )
    assert offline_class.organisation_id == world.org_b.pk
    # but not at a place without their organisation
    with pytest.raises(InvalidInput):
        _create(world, actor=world.org_officer_b, code="LOP-X", unit_code=world.village_b.code)


def test_update_keeps_sessions_and_participants_inside(cw: ClassWorld) -> None:
    world, offline_class = cw.world, cw.offline_class
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.class_update(
            actor=world.officer_a,
            offline_class=offline_class,
            starts_on=timezone.localdate() - datetime.timedelta(days=5),
        )
    assert "starts_on" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        services.class_update(actor=world.officer_a, offline_class=offline_class, capacity=2)
    assert "capacity" in exc.value.errors
    assert snapshot() == before
    saved = services.class_update(
        actor=world.officer_a, offline_class=offline_class, capacity=12, venue="Hội trường"
    )
    assert (saved.capacity, saved.venue) == (12, "Hội trường")
    assert AuditEntry.objects.filter(action="class.update").count() == 1


def test_cancel_needs_a_reason_and_freezes_the_class(cw: ClassWorld) -> None:
    world, offline_class = cw.world, cw.offline_class
    with pytest.raises(InvalidInput):
        services.class_cancel(actor=world.officer_a, offline_class=offline_class, reason=" ")
    services.class_cancel(actor=world.officer_a, offline_class=offline_class, reason="Mưa lũ")
    offline_class.refresh_from_db()
    assert offline_class.status == ClassStatus.CANCELLED
    assert AuditEntry.objects.get(action="class.cancel").changes["reason"] == "Mưa lũ"
    with pytest.raises(Conflict):
        services.session_add(
            actor=world.officer_a, offline_class=offline_class, on=timezone.localdate()
        )


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


def test_sessions_are_numbered_and_stay_within_the_class_dates(cw: ClassWorld) -> None:
    world, offline_class = cw.world, cw.offline_class
    assert [s.number for s in cw.sessions] == [1, 2]
    third = services.session_add(
        actor=world.officer_a, offline_class=offline_class, on=offline_class.ends_on
    )
    assert third.number == 3
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.session_add(
            actor=world.officer_a,
            offline_class=offline_class,
            on=offline_class.ends_on + datetime.timedelta(days=1),
        )
    assert "on" in exc.value.errors
    assert snapshot() == before


def test_a_session_is_removed_only_without_attendance_and_the_rest_move_up(
    cw: ClassWorld,
) -> None:
    world, offline_class = cw.world, cw.offline_class
    services.session_add(
        actor=world.officer_a, offline_class=offline_class, on=timezone.localdate()
    )
    services.attendance_take(
        actor=world.officer_a,
        session=cw.sessions[0],
        present_ids=ids(cw.participants[0]),
        absent_ids=set(),
    )
    before = snapshot()
    with pytest.raises(Conflict):
        services.session_remove(actor=world.officer_a, session=cw.sessions[0])
    assert snapshot() == before
    services.session_remove(actor=world.officer_a, session=cw.sessions[1])
    numbers = list(
        ClassSession.objects.filter(offline_class=offline_class)
        .order_by("number")
        .values_list("number", "on")
    )
    assert [n for n, _on in numbers] == [1, 2]
    assert numbers[1][1] == timezone.localdate()


def test_session_update_changes_topic_and_time(cw: ClassWorld) -> None:
    saved = services.session_update(
        actor=cw.world.officer_a,
        session=cw.sessions[0],
        topic="Tài khoản VNeID",
        starts_at=datetime.time(8, 30),
    )
    assert (saved.topic, saved.starts_at) == ("Tài khoản VNeID", datetime.time(8, 30))
    assert AuditEntry.objects.filter(action="class_session.update").count() == 1


# ---------------------------------------------------------------------------------------------
# Participants and instructors
# ---------------------------------------------------------------------------------------------


def test_capacity_is_enforced_all_or_nothing(cw: ClassWorld) -> None:
    world, offline_class = cw.world, cw.offline_class
    services.class_update(actor=world.officer_a, offline_class=offline_class, capacity=4)
    more = [
        add_resident(world, "010088003333", "Lò Văn Dũng", datetime.date(1988, 1, 2), "male"),
        add_resident(world, "010189004444", "Hà Thị Em", datetime.date(1989, 2, 3), "female"),
    ]
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.participants_add(
            actor=world.officer_a, offline_class=offline_class, person_ids=ids(*more)
        )
    assert "4" in exc.value.message
    assert snapshot() == before
    services.participant_add(
        actor=world.officer_a, offline_class=offline_class, person_id=more[0].pk
    )
    with pytest.raises(Conflict):
        services.participant_add(
            actor=world.officer_a, offline_class=offline_class, person_id=more[1].pk
        )
    assert ClassParticipant.objects.filter(offline_class=offline_class).count() == 4


def test_adding_many_leaves_those_already_in(cw: ClassWorld) -> None:
    world, offline_class = cw.world, cw.offline_class
    new = add_resident(world, "010088003333", "Lò Văn Dũng", datetime.date(1988, 1, 2), "male")
    result = services.participants_add(
        actor=world.officer_a,
        offline_class=offline_class,
        person_ids=[cw.participants[0].pk, new.pk],
    )
    assert (len(result.added), result.already) == (1, 1)
    assert AuditEntry.objects.filter(action="class_participant.create").count() == 4
    with pytest.raises(Conflict):
        services.participant_add(
            actor=world.officer_a, offline_class=offline_class, person_id=new.pk
        )


def test_a_person_outside_the_scope_cannot_join(cw: ClassWorld) -> None:
    world, offline_class = cw.world, cw.offline_class
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.participant_add(
            actor=world.officer_a, offline_class=offline_class, person_id=world.person_b.pk
        )
    assert "person" in exc.value.errors
    assert "Zeta" not in exc.value.message
    with pytest.raises(InvalidInput):
        services.instructor_add(
            actor=world.officer_a, offline_class=offline_class, person_id=world.person_b.pk
        )
    assert snapshot() == before


def test_an_instructor_cannot_also_be_a_participant(cw: ClassWorld) -> None:
    world, offline_class = cw.world, cw.offline_class
    with pytest.raises(InvalidInput):
        services.participant_add(
            actor=world.officer_a, offline_class=offline_class, person_id=cw.instructor.pk
        )
    with pytest.raises(Conflict):
        services.instructor_add(
            actor=world.officer_a,
            offline_class=offline_class,
            person_id=cw.participants[0].pk,
            role="assistant",
        )


def test_a_participant_with_attendance_stays(cw: ClassWorld) -> None:
    world = cw.world
    services.attendance_take(
        actor=world.officer_a,
        session=cw.sessions[0],
        present_ids=ids(cw.participants[0]),
        absent_ids=set(),
    )
    participant = ClassParticipant.objects.get(person=cw.participants[0])
    with pytest.raises(Conflict):
        services.participant_remove(actor=world.officer_a, participant=participant)
    other = ClassParticipant.objects.get(person=cw.participants[1])
    services.participant_remove(actor=world.officer_a, participant=other)
    assert not ClassParticipant.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(action="class_participant.delete").count() == 1


# ---------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------


def test_the_instructor_takes_attendance_and_taking_it_again_updates_it(cw: ClassWorld) -> None:
    session = cw.sessions[0]
    a, b, c = cw.participants
    result = services.attendance_take(
        actor=cw.instructor_user, session=session, present_ids=ids(a, b), absent_ids=ids(c)
    )
    assert (result.present, result.absent, result.created, result.updated) == (2, 1, 3, 0)
    marks = selectors.session_attendance(session=session)
    assert marks == {a.pk: True, b.pk: True, c.pk: False}
    entry = AuditEntry.objects.get(action="attendance.take")
    assert entry.changes["present"] == 2
    assert entry.changes["absent"] == 1
    assert entry.actor_id == cw.instructor_user.pk
    # again, with one change: updated, one more audit entry
    again = services.attendance_take(
        actor=cw.instructor_user, session=session, present_ids=ids(a, c), absent_ids=ids(b)
    )
    assert (again.created, again.updated, again.unchanged) == (0, 2, 1)
    assert Attendance.objects.filter(session=session).count() == 3
    assert selectors.session_attendance(session=session) == {a.pk: True, b.pk: False, c.pk: True}
    assert AuditEntry.objects.filter(action="attendance.take").count() == 2
    # the same once more: nothing changes, nothing is audited
    services.attendance_take(
        actor=cw.instructor_user, session=session, present_ids=ids(a, c), absent_ids=ids(b)
    )
    assert AuditEntry.objects.filter(action="attendance.take").count() == 2


def test_attendance_for_a_person_not_in_the_class_records_nothing(cw: ClassWorld) -> None:
    world = cw.world
    outsider = add_resident(world, "010088003333", "Lò Văn Dũng", datetime.date(1988, 1, 2), "male")
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.attendance_take(
            actor=world.officer_a,
            session=cw.sessions[0],
            present_ids=ids(cw.participants[0], outsider),
            absent_ids=ids(cw.participants[1]),
        )
    assert "Lò Văn Dũng" in exc.value.message
    assert outsider.masked_national_id in exc.value.message
    assert snapshot() == before
    # a person of another commune is named by id only, not by name
    with pytest.raises(InvalidInput) as exc:
        services.attendance_take(
            actor=world.officer_a,
            session=cw.sessions[0],
            present_ids=set(),
            absent_ids=ids(world.person_b),
        )
    assert f"#{world.person_b.pk}" in exc.value.message
    assert "Zeta" not in exc.value.message
    assert snapshot() == before


def test_attendance_of_another_class_participant_is_refused(cw: ClassWorld) -> None:
    world = cw.world
    other = build_class_b(cw)
    before = snapshot()
    with pytest.raises(InvalidInput):
        services.attendance_take(
            actor=world.officer_b,
            session=other.sessions.get(number=1),
            present_ids=ids(world.person_b, cw.participants[0]),
            absent_ids=set(),
        )
    assert snapshot() == before


def build_class_b(cw: ClassWorld) -> OfflineClass:
    return build_foreign_class(cw.world, cw.course)


def test_present_and_absent_at_once_is_refused(cw: ClassWorld) -> None:
    a = cw.participants[0]
    before = snapshot()
    with pytest.raises(InvalidInput):
        services.attendance_take(
            actor=cw.world.officer_a, session=cw.sessions[0], present_ids=ids(a), absent_ids=ids(a)
        )
    with pytest.raises(InvalidInput):
        services.attendance_take(
            actor=cw.world.officer_a, session=cw.sessions[0], present_ids=set(), absent_ids=set()
        )
    assert snapshot() == before


def test_attendance_of_a_session_still_to_come_is_refused(cw: ClassWorld) -> None:
    world = cw.world
    future = services.session_add(
        actor=world.officer_a,
        offline_class=cw.offline_class,
        on=timezone.localdate() + datetime.timedelta(days=3),
    )
    before = snapshot()
    with pytest.raises(Conflict):
        services.attendance_take(
            actor=world.officer_a,
            session=future,
            present_ids=ids(cw.participants[0]),
            absent_ids=set(),
        )
    assert snapshot() == before


def test_who_may_take_attendance(cw: ClassWorld) -> None:
    world = cw.world
    # another learner (not an instructor of this class) and a viewer may not
    from hoctap.learning.services.learners import learner_signup

    other = learner_signup(
        national_id=cw.participants[0].national_id,
        birth_date=cw.participants[0].birth_date,
        password="another-long-password-77",
    ).user
    before = snapshot()
    for actor in (other, world.viewer, world.officer_b):
        with pytest.raises(PermissionDenied):
            services.attendance_take(
                actor=actor,
                session=cw.sessions[0],
                present_ids=ids(cw.participants[0]),
                absent_ids=set(),
            )
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------
# Test results and completion
# ---------------------------------------------------------------------------------------------


def test_test_scores_are_0_to_100_and_audited(cw: ClassWorld) -> None:
    participant = ClassParticipant.objects.get(person=cw.participants[0])
    before = snapshot()
    for bad in ("101", "-1", "abc"):
        with pytest.raises(InvalidInput) as exc:
            services.test_score_record(actor=cw.instructor_user, participant=participant, score=bad)
        assert "score" in exc.value.errors
    assert snapshot() == before
    saved = services.test_score_record(
        actor=cw.instructor_user, participant=participant, score="72,5"
    )
    assert saved.test_score == decimal.Decimal("72.50")
    assert AuditEntry.objects.filter(action="class_participant.test_score").count() == 1


def _five_sessions(cw: ClassWorld) -> list[ClassSession]:
    today = timezone.localdate()
    sessions = list(cw.sessions)
    for n in range(3):
        sessions.append(
            services.session_add(
                actor=cw.world.officer_a,
                offline_class=cw.offline_class,
                on=today - datetime.timedelta(days=3 - n),
            )
        )
    return sessions


def test_completion_rule_edges(cw: ClassWorld) -> None:
    """Exactly 80% (4 of 5) with a test exactly at the pass mark completes; 3 of 5 does not;
    4 of 5 with a score below the mark does not."""
    world = cw.world
    a, b, c = cw.participants
    sessions = _five_sessions(cw)
    for index, session in enumerate(sessions):
        present = ids(a, c) | (ids(b) if index < 3 else set())
        if index == 4:
            present = ids(b)
        services.attendance_take(
            actor=cw.instructor_user,
            session=session,
            present_ids=present,
            absent_ids=ids(a, b, c) - present,
        )
    # a and c: sessions 1-4; b: 1-3 and 5, then marked absent at session 1 after all
    services.attendance_take(
        actor=world.officer_a, session=sessions[0], present_ids=set(), absent_ids=ids(b)
    )
    scores = {a: "50", b: "90", c: "49.99"}
    for person, score in scores.items():
        services.test_score_record(
            actor=world.officer_a,
            participant=ClassParticipant.objects.get(person=person),
            score=score,
        )
    sheet = selectors.class_sheet(offline_class=cw.offline_class)
    by_person = {row.participant.person_id: row for row in sheet.rows}
    assert (by_person[a.pk].attended, by_person[a.pk].percent) == (4, 80)
    assert by_person[b.pk].attended == 3
    assert by_person[c.pk].attended == 4
    assert [by_person[p.pk].would_complete for p in (a, b, c)] == [True, False, False]

    outcome = services.class_complete(actor=world.officer_a, offline_class=cw.offline_class)
    assert (outcome.completed, outcome.not_completed, outcome.certificates) == (1, 2, 1)
    results = dict(
        ClassParticipant.objects.filter(offline_class=cw.offline_class).values_list(
            "person_id", "result"
        )
    )
    assert results == {
        a.pk: ParticipantResult.COMPLETED,
        b.pk: ParticipantResult.NOT_COMPLETED,
        c.pk: ParticipantResult.NOT_COMPLETED,
    }
    completion = Completion.objects.get()
    assert completion.person_id == a.pk
    assert (completion.platform, completion.channel) == (
        Platform.PROVINCIAL_PORTAL,
        Channel.OFFLINE_CLASS,
    )
    assert completion.class_participant is not None
    assert completion.class_participant.person_id == a.pk
    assert completion.completed_on == max(s.on for s in sessions)
    assert completion.score == decimal.Decimal("50")
    assert Certificate.objects.get().completion_id == completion.pk
    cw.offline_class.refresh_from_db()
    assert cw.offline_class.status == ClassStatus.COMPLETED
    assert cw.offline_class.completed_at is not None

    # completing again changes nothing
    before = snapshot()
    again = services.class_complete(actor=world.officer_a, offline_class=cw.offline_class)
    assert again.already_done
    assert (again.completed, again.not_completed, again.certificates) == (1, 2, 0)
    assert snapshot() == before
    # and the class no longer changes
    with pytest.raises(Conflict):
        services.attendance_take(
            actor=world.officer_a, session=sessions[0], present_ids=ids(b), absent_ids=set()
        )
    assert snapshot() == before


def test_a_class_without_a_test_completes_on_attendance_alone(cw: ClassWorld) -> None:
    world = cw.world
    services.class_update(
        actor=world.officer_a, offline_class=cw.offline_class, requires_test=False
    )
    a, b, c = cw.participants
    for session in cw.sessions:
        services.attendance_take(
            actor=world.officer_a, session=session, present_ids=ids(a, b), absent_ids=ids(c)
        )
    outcome = services.class_complete(actor=world.officer_a, offline_class=cw.offline_class)
    assert (outcome.completed, outcome.not_completed, outcome.certificates) == (2, 1, 2)


def test_a_completion_already_recorded_gets_no_second_certificate(cw: ClassWorld) -> None:
    from hoctap.learning.services.completions import certificate_issue, completion_record

    world = cw.world
    a = cw.participants[0]
    with transaction.atomic():  # completed online first
        completion, _created = completion_record(
            actor=SYSTEM,
            person=a,
            course=cw.course,
            title=cw.course.title,
            platform=Platform.PROVINCIAL_PORTAL,
            channel=Channel.ONLINE,
            completed_on=timezone.localdate(),
        )
        certificate_issue(actor=SYSTEM, completion=completion)
    services.class_update(
        actor=world.officer_a, offline_class=cw.offline_class, requires_test=False
    )
    for session in cw.sessions:
        services.attendance_take(
            actor=world.officer_a, session=session, present_ids=ids(a), absent_ids=set()
        )
    outcome = services.class_complete(actor=world.officer_a, offline_class=cw.offline_class)
    assert (outcome.completed, outcome.certificates) == (1, 0)
    assert Completion.objects.count() == 1
    assert Certificate.objects.count() == 1


def test_completion_refuses_without_sessions_or_with_attendance_missing(world: World) -> None:
    cw = build_class(world, build_course(), sessions=0)
    before = snapshot()
    with pytest.raises(Conflict):
        services.class_complete(actor=world.officer_a, offline_class=cw.offline_class)
    assert snapshot() == before
    session = services.session_add(
        actor=world.officer_a, offline_class=cw.offline_class, on=timezone.localdate()
    )
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.class_complete(actor=world.officer_a, offline_class=cw.offline_class)
    assert str(session.number) in exc.value.message
    assert snapshot() == before


def test_only_an_officer_who_runs_the_class_completes_it(cw: ClassWorld) -> None:
    for session in cw.sessions:
        services.attendance_take(
            actor=cw.instructor_user,
            session=session,
            present_ids=ids(*cw.participants),
            absent_ids=set(),
        )
    before = snapshot()
    for actor in (cw.instructor_user, cw.world.viewer):
        with pytest.raises(PermissionDenied):
            services.class_complete(actor=actor, offline_class=cw.offline_class)
    assert snapshot() == before


def test_assigning_the_course_online_enrols_the_participants(cw: ClassWorld) -> None:
    result = services.class_assign_online(actor=cw.world.officer_a, offline_class=cw.offline_class)
    assert result.created == 3
    enrolments = Enrolment.objects.filter(offline_class=cw.offline_class)
    assert set(enrolments.values_list("person_id", flat=True)) == ids(*cw.participants)
    assert set(enrolments.values_list("source", flat=True)) == {"class"}


# ---------------------------------------------------------------------------------------------
# Scope of the reads
# ---------------------------------------------------------------------------------------------


def test_commune_a_does_not_see_commune_b_classes(cw: ClassWorld) -> None:
    world = cw.world
    foreign = build_class_b(cw)
    visible = set(selectors.class_list(actor=world.officer_a).values_list("code", flat=True))
    assert visible == {"LOP-A-01"}
    with pytest.raises(NotFound):
        selectors.class_get(actor=world.officer_a, class_id=foreign.pk)
    with pytest.raises(NotFound):
        selectors.class_get_by_code(actor=world.officer_a, code=foreign.code)
    # the province's viewer sees both; commune B's organisation officer sees the classes of
    # its organisation only, and this one is the commune's
    assert selectors.class_list(actor=world.viewer).count() == 2
    assert not selectors.class_list(actor=world.org_officer_b).exists()
    OfflineClass.objects.filter(pk=foreign.pk).update(organisation=world.org_b)
    assert [c.code for c in selectors.class_list(actor=world.org_officer_b)] == [foreign.code]


def test_an_instructor_sees_the_classes_they_teach_only(cw: ClassWorld) -> None:
    build_class_b(cw)
    mine = selectors.my_classes(actor=cw.instructor_user)
    assert [c.code for c in mine] == ["LOP-A-01"]
    assert selectors.class_list(actor=cw.instructor_user).count() == 1


def test_the_sheet_is_read_in_a_few_queries(
    cw: ClassWorld, django_assert_max_num_queries: Any
) -> None:
    for session in cw.sessions:
        services.attendance_take(
            actor=cw.world.officer_a,
            session=session,
            present_ids=ids(*cw.participants[:2]),
            absent_ids=ids(cw.participants[2]),
        )
    with django_assert_max_num_queries(3):
        sheet = selectors.class_sheet(offline_class=cw.offline_class)
    assert [row.attended for row in sheet.rows].count(2) == 2
    assert sheet.present_counts == [2, 2]
    assert sheet.taken == [True, True]
