"""Records the certificate and report tests build: completions (with or without a certificate),
offline classes with participants and attendance, organisation members."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from hoctap.accounts.permissions import SYSTEM
from hoctap.geo.models import AdminUnit, Organisation
from hoctap.learning.models import (
    Attendance,
    Certificate,
    ClassParticipant,
    ClassSession,
    Completion,
    Course,
    OfflineClass,
    ParticipantResult,
)
from hoctap.learning.services.completions import certificate_issue, completion_record
from hoctap.registry.models import Person

DAY = datetime.date(2025, 9, 15)


def complete(
    person: Person,
    course: Course | None,
    *,
    title: str = "",
    channel: str = "online",
    platform: str = "provincial_portal",
    on: datetime.date = DAY,
    certify: bool = True,
    participant: ClassParticipant | None = None,
) -> Completion:
    """A completion of `course` (or of the external course `title`) by `person`, with a
    certificate when `certify` (only for completions recorded here)."""
    with transaction.atomic():
        completion, _created = completion_record(
            actor=SYSTEM,
            person=person,
            course=course,
            title=title,
            platform=platform,
            channel=channel,
            completed_on=on,
            class_participant_id=participant.pk if participant else None,
        )
        if certify and channel != "imported":
            certificate_issue(actor=SYSTEM, completion=completion)
    return completion


def certificate_of(completion: Completion) -> Certificate:
    return Certificate.objects.get(completion=completion, status="valid")


def offline_class(
    code: str,
    course: Course,
    unit: AdminUnit,
    persons: list[Person],
    *,
    sessions: int = 2,
    present: dict[int, int] | None = None,
    completed: list[Person] | None = None,
    organisation: Organisation | None = None,
) -> OfflineClass:
    """A class of `course` at `unit` with `persons` as participants and `sessions` sessions;
    `present` maps a person id to the sessions they attended (default: all); `completed`
    persons have the result "completed" (no completion recorded: tests add it)."""
    klass = OfflineClass.objects.create(
        code=code,
        course=course,
        title=f"Lớp {code}",
        unit=unit,
        organisation=organisation,
        starts_on=DAY,
        ends_on=DAY + datetime.timedelta(days=7),
    )
    rows = [
        ClassSession.objects.create(
            offline_class=klass, number=n, on=DAY + datetime.timedelta(days=n)
        )
        for n in range(1, sessions + 1)
    ]
    done = {p.pk for p in completed or []}
    for person in persons:
        participant = ClassParticipant.objects.create(
            offline_class=klass,
            person=person,
            result=ParticipantResult.COMPLETED if person.pk in done else ParticipantResult.PENDING,
        )
        attended = (present or {}).get(person.pk, sessions)
        for index, session in enumerate(rows):
            Attendance.objects.create(
                session=session, participant=participant, present=index < attended
            )
    return klass


def participant(klass: OfflineClass, person: Person) -> ClassParticipant:
    return ClassParticipant.objects.get(offline_class=klass, person=person)


def count_rows(*models: Any) -> tuple[int, ...]:
    return tuple(model.objects.count() for model in models)


def add_persons(village: AdminUnit, count: int, *, start: int = 0) -> list[Person]:
    """Men born in 1985 living in `village`, with valid ID numbers 010085 + 6 digits from
    `start`, named "Người Số N"."""
    from hoctap.registry import services as registry

    return [
        registry.person_create(
            actor=SYSTEM,
            national_id=f"010085{800000 + start + number:06d}",
            full_name=f"Người Số {start + number}",
            birth_date=datetime.date(1985, 5, 5),
            sex="male",
            ethnicity="01",
            village_code=village.code,
            status_since=datetime.date(2025, 7, 1),
        )
        for number in range(count)
    ]


def foreign_certificate(world: Any) -> Certificate:
    """Commune B's records of the certificate pages, for the scope walk
    (`hoctap/accounts/tests/test_scope_every_route.py`): a certificate of person_b, and a
    completion of person_b2 still without one."""
    from hoctap.learning.services import catalogue

    course = Course.objects.filter(code="KNS-WALK").first() or catalogue.course_create(
        actor=SYSTEM, code="KNS-WALK", title="Kỹ năng số", owner_code=world.province_org.code
    )
    if not Completion.objects.filter(person=world.person_b2, course=course).exists():
        complete(world.person_b2, course, certify=False)
    existing = Certificate.objects.filter(completion__person=world.person_b).first()
    if existing is not None:
        return existing
    return certificate_of(complete(world.person_b, course))


def foreign_certificate_batch(world: Any) -> Any:
    """A bulk issue commune B's officer asked for (queued: its task waits for a commit)."""
    from hoctap.learning.services.certificates import certificate_bulk_issue_request

    foreign_certificate(world)
    return certificate_bulk_issue_request(actor=world.officer_b)
