"""What the tests of offline classes share: a class in a village of commune A with its sessions,
participants and an instructor who has a learner account."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.conftest import PASSWORD, START, World
from hoctap.learning.models import ClassSession, Course, OfflineClass
from hoctap.learning.services import classes
from hoctap.learning.services.learners import learner_signup
from hoctap.registry import services as registry
from hoctap.registry.models import Person


@dataclass
class ClassWorld:
    world: World
    course: Course
    offline_class: OfflineClass
    sessions: list[ClassSession]
    participants: list[Person]  # person_a2 and two more residents of village A
    instructor: Person  # person_a, with a learner account
    instructor_user: User


def add_resident(world: World, national_id: str, name: str, born: datetime.date, sex: str) -> Any:
    return registry.person_create(
        actor=SYSTEM,
        national_id=national_id,
        full_name=name,
        birth_date=born,
        sex=sex,
        status_since=START,
        ethnicity="01",
        village_code=world.village_a.code,
    )


def build_class(
    world: World,
    course: Course,
    *,
    code: str = "LOP-A-01",
    sessions: int = 2,
    actor: Any = None,
) -> ClassWorld:
    """A class at village A taught by person_a (who gets a learner account), with person_a2
    and two more residents as participants and `sessions` sessions on past days."""
    today = timezone.localdate()
    actor = actor or world.officer_a
    offline_class = classes.class_create(
        actor=actor,
        code=code,
        course_code=course.code,
        title="Lớp kỹ năng số Cốc Lếu",
        unit_code=world.village_a.code,
        venue="Nhà văn hoá tổ dân phố",
        capacity=10,
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=20),
    )
    made = [
        classes.session_add(
            actor=actor,
            offline_class=offline_class,
            on=today - datetime.timedelta(days=10 - n),
            topic=f"Buổi {n + 1}",
        )
        for n in range(sessions)
    ]
    extra = [
        add_resident(world, "010092001111", "Phạm Văn Cường", datetime.date(1992, 4, 5), "male"),
        add_resident(world, "010197002222", "Đỗ Thị Hoa", datetime.date(1997, 8, 15), "female"),
    ]
    participants = [world.person_a2, *extra]
    classes.participants_add(
        actor=actor, offline_class=offline_class, person_ids=[p.pk for p in participants]
    )
    account = learner_signup(
        national_id=world.person_a.national_id,
        birth_date=world.person_a.birth_date,
        password=PASSWORD,
    )
    classes.instructor_add(
        actor=actor, offline_class=offline_class, person_id=world.person_a.pk, role="lead"
    )
    offline_class.refresh_from_db()
    return ClassWorld(
        world=world,
        course=course,
        offline_class=offline_class,
        sessions=made,
        participants=participants,
        instructor=world.person_a,
        instructor_user=account.user,
    )


def build_foreign_class(world: World, course: Course, code: str = "LOP-ZETA-B") -> OfflineClass:
    """A class of commune B: one session (today), person_b a participant, person_b2 its
    instructor."""
    today = timezone.localdate()
    offline_class = classes.class_create(
        actor=world.officer_b,
        code=code,
        course_code=course.code,
        title="Lớp Zeta Khao Mang",
        unit_code=world.village_b.code,
        capacity=5,
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=5),
    )
    classes.session_add(actor=world.officer_b, offline_class=offline_class, on=today)
    classes.participant_add(
        actor=world.officer_b, offline_class=offline_class, person_id=world.person_b.pk
    )
    classes.instructor_add(
        actor=world.officer_b, offline_class=offline_class, person_id=world.person_b2.pk
    )
    return offline_class
