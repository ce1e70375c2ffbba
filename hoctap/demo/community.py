"""Demo community learning: community digital technology groups (members, the help they gave)
and offline classes (sessions, participants, attendance, completions and certificates) in a few
villages of a remote commune.

WRITTEN THROUGH THE MODELS, NOT THE SERVICES: the services of offline classes and digital
groups were being built alongside this demo. When they land, switch each block below to them
(`group create / member add / activity record`, `class create / instructor add / session add /
participant add / attendance take / class complete`) — a few dozen rows, so the services' cost
does not matter. Until then the rows obey what those services will check: one group per
village on its `CNS-<village>` organisation, one current membership per person, instructors and
participants persons of the register living in the village, attendance only for the class's
participants and sessions, a completion (channel `offline_class`, platform `provincial_portal`)
and a certificate issued by the group only for a participant who met the class's rule, and
never for a person who already completed the same course on the portal.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hoctap.accounts.models import User
from hoctap.demo.population import REFERENCE_DAY
from hoctap.geo.models import AdminUnit, Organisation
from hoctap.learning.models import (
    AccountOrigin,
    ActivityKind,
    Attendance,
    Certificate,
    Channel,
    ClassInstructor,
    ClassParticipant,
    ClassSession,
    ClassStatus,
    Completion,
    Course,
    DigitalTechActivity,
    DigitalTechGroup,
    DigitalTechGroupMember,
    GroupRole,
    InstructorRole,
    LearnerAccount,
    OfflineClass,
    ParticipantResult,
    Platform,
)
from hoctap.learning.services.learners import learner_username
from hoctap.registry.models import OrganisationMembership, Person, PersonStatus

__all__ = ["CommunityTotals", "classes_and_groups_build"]

VILLAGES = 3  # villages of one remote commune get a group and a class
SESSIONS = 5  # four of five sessions is 80%, the usual rule
LOCAL = datetime.timezone(datetime.timedelta(hours=7))

# (course code, what the class is called) for the first, second and third village; the third
# class is still running on the reference day (sessions to come, attendance to take).
CLASS_COURSES = (
    ("BDHVS-01", "Lớp hướng dẫn tài khoản định danh điện tử VNeID"),
    ("BDHVS-02", "Lớp làm quen điện thoại thông minh"),
    ("BDHVS-04", "Lớp phòng tránh lừa đảo trực tuyến"),
)

ACTIVITY_NOTES = {
    ActivityKind.EID_REGISTRATION: "Hướng dẫn đăng ký, kích hoạt tài khoản VNeID mức 2",
    ActivityKind.EID_LINKING: "Hướng dẫn tích hợp thẻ bảo hiểm y tế vào VNeID",
    ActivityKind.PUBLIC_SERVICE: "Hỗ trợ nộp hồ sơ trên Cổng Dịch vụ công quốc gia",
    ActivityKind.CASHLESS_PAYMENT: "Hướng dẫn cài ứng dụng ngân hàng, trả tiền điện bằng mã QR",
    ActivityKind.DEVICE_SKILLS: "Hướng dẫn gọi video, chỉnh cỡ chữ trên điện thoại",
    ActivityKind.SAFETY: "Nhắc cảnh giác cuộc gọi giả danh công an, không đưa mã OTP",
}
ACTIVITY_WEIGHTS = {
    ActivityKind.EID_REGISTRATION: 0.25,
    ActivityKind.EID_LINKING: 0.2,
    ActivityKind.PUBLIC_SERVICE: 0.15,
    ActivityKind.CASHLESS_PAYMENT: 0.12,
    ActivityKind.DEVICE_SKILLS: 0.18,
    ActivityKind.SAFETY: 0.1,
}


@dataclass
class CommunityTotals:
    groups: int = 0
    members: int = 0
    activities: int = 0
    classes: int = 0
    participants: int = 0
    completions: int = 0
    accounts: int = 0
    instructors: list[int] = field(default_factory=list)  # person ids of lead instructors


def _remote_commune(plans: list[Any]) -> Any | None:
    """The commune whose villages get groups and classes: among those whose villages have a
    group's organisation (`CNS-<village>`), an upland commune if there is one, else a rural
    one, else the first."""
    with_groups = [
        plan
        for plan in plans
        if Organisation.objects.filter(code__startswith="CNS-", unit__parent_id=plan.id).exists()
    ]
    for wanted in ("upland", "lowland"):
        for plan in with_groups:
            if plan.profile == wanted:
                return plan
    return with_groups[0] if with_groups else None


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL)


def classes_and_groups_build(
    *, plans: list[Any], seed: int, password_hash: str, new_code: Any
) -> CommunityTotals:
    """Groups and classes for the first villages of a remote commune (`plans`: the communes
    with their profile). Inside the caller's transaction; the caller audits."""
    totals = CommunityTotals()
    plan = _remote_commune(plans)
    if plan is None:
        return totals
    rng = random.Random(f"{seed}:{plan.code}:community")  # noqa: S311 - demo data
    commune = AdminUnit.objects.get(pk=plan.id)
    villages = [
        village
        for village in AdminUnit.objects.filter(parent=commune).order_by("code")
        if Organisation.objects.filter(code=f"CNS-{village.code}").exists()
    ][:VILLAGES]
    courses = {c.code: c for c in Course.objects.filter(code__in=[c for c, _t in CLASS_COURSES])}
    for index, village in enumerate(villages):
        organisation = Organisation.objects.get(code=f"CNS-{village.code}")
        if DigitalTechGroup.objects.filter(village=village).exists():
            continue
        adults = list(
            Person.objects.filter(village=village, status=PersonStatus.LIVING_HERE)
            .filter(birth_date__lte=REFERENCE_DAY.replace(year=REFERENCE_DAY.year - 18))
            .order_by("id")
        )
        if len(adults) < 15:
            continue
        founded = datetime.date(2025, 4, 2 + 3 * index)
        group = DigitalTechGroup.objects.create(
            organisation=organisation,
            village=village,
            decision_number=f"{45 + index}/QĐ-UBND",
            decision_date=founded,
            decided_by=f"Chủ tịch Ủy ban nhân dân {commune.name}",
        )
        totals.groups += 1
        members = _members(rng, group, organisation, adults, founded)
        totals.members += len(members)
        helpers = [person for person, _role in members]
        totals.activities += _activities(rng, group, helpers, adults, founded)
        for person, role in members[:2]:  # the leader and the deputy teach and take attendance
            totals.accounts += _ensure_account(person, password_hash, founded)
            if role == GroupRole.LEADER:
                totals.instructors.append(person.pk)
        code, title = CLASS_COURSES[index % len(CLASS_COURSES)]
        course = courses.get(code)
        if course is None:
            continue
        participants, completed = _offline_class(
            rng,
            course=course,
            title=f"{title} - {village.name}",
            code=f"LH-{village.code}-01",
            village=village,
            organisation=organisation,
            instructors=helpers[:2],
            candidates=[p for p in adults if p not in helpers],
            starts_on=founded + datetime.timedelta(days=40 + 30 * index),
            running=index == 2,
            new_code=new_code,
        )
        totals.classes += 1
        totals.participants += participants
        totals.completions += completed
    return totals


def _members(
    rng: random.Random,
    group: DigitalTechGroup,
    organisation: Organisation,
    adults: list[Person],
    founded: datetime.date,
) -> list[tuple[Person, str]]:
    """The group's members: the village's registered members of the group's organisation, and
    young adults of the village up to five, led by a leader and a deputy."""
    registered = set(
        OrganisationMembership.objects.filter(
            organisation=organisation, end_date__isnull=True
        ).values_list("person_id", flat=True)
    )
    young = [p for p in adults if 20 <= (REFERENCE_DAY - p.birth_date).days // 365 <= 50]
    chosen = [p for p in adults if p.pk in registered]
    others = [p for p in young if p.pk not in registered]
    rng.shuffle(others)
    chosen += others[: max(0, 5 - len(chosen))]
    roles = [GroupRole.LEADER, GroupRole.DEPUTY] + [GroupRole.MEMBER] * (len(chosen) - 2)
    DigitalTechGroupMember.objects.bulk_create(
        DigitalTechGroupMember(group=group, person=person, role=role, joined_on=founded)
        for person, role in zip(chosen, roles, strict=True)
    )
    return list(zip(chosen, roles, strict=True))


def _activities(
    rng: random.Random,
    group: DigitalTechGroup,
    helpers: list[Person],
    adults: list[Person],
    founded: datetime.date,
) -> int:
    kinds = list(ACTIVITY_WEIGHTS)
    weights = [ACTIVITY_WEIGHTS[k] for k in kinds]
    helped = [p for p in adults if p not in helpers]
    days = (REFERENCE_DAY - founded).days
    rows = []
    for _ in range(rng.randint(25, 40)):
        kind = rng.choices(kinds, weights)[0]
        on = founded + datetime.timedelta(days=rng.randint(1, days))
        rows.append(
            DigitalTechActivity(
                group=group,
                kind=kind,
                on=on,
                helper=helpers[rng.randrange(len(helpers))],
                person=helped[rng.randrange(len(helped))],
                note=ACTIVITY_NOTES[kind],
                recorded_at=_moment(on, 20),
            )
        )
    DigitalTechActivity.objects.bulk_create(rows)
    return len(rows)


def _ensure_account(person: Person, password_hash: str, day: datetime.date) -> int:
    """A learner account for an instructor (they take attendance on their phone): 1 if made."""
    if LearnerAccount.objects.filter(person=person).exists():
        return 0
    user = User.objects.create(
        username=learner_username(person),
        full_name=person.full_name,
        password=password_hash,
        date_joined=_moment(day, 8),  # dated like the rest of the demo
    )
    account = LearnerAccount.objects.create(
        user=user, person=person, origin=AccountOrigin.SELF_SIGNUP
    )
    # dated like the rest of the demo, not by the clock (the same seed, the same rows)
    joined = _moment(day, 8)
    LearnerAccount.objects.filter(pk=account.pk).update(created_at=joined, updated_at=joined)
    return 1


def _offline_class(
    rng: random.Random,
    *,
    course: Course,
    title: str,
    code: str,
    village: AdminUnit,
    organisation: Organisation,
    instructors: list[Person],
    candidates: list[Person],
    starts_on: datetime.date,
    running: bool,
    new_code: Any,
) -> tuple[int, int]:
    """A class of five weekly evening sessions; the participants, their attendance and test
    scores; completions and certificates for those who met the rule. A `running` class has
    had two sessions by the reference day. (participants, completions)."""
    if running:
        starts_on = REFERENCE_DAY - datetime.timedelta(days=10)
    session_days = [starts_on + datetime.timedelta(days=7 * n) for n in range(SESSIONS)]
    offline = OfflineClass.objects.create(
        code=code,
        course=course,
        title=title[:200],
        unit=village,
        organisation=organisation,
        venue=f"Nhà văn hóa {village.name}",
        capacity=30,
        starts_on=session_days[0],
        ends_on=session_days[-1],
        min_attendance_percent=80,
        requires_test=True,
        test_pass_mark=Decimal(50),
        status=ClassStatus.OPEN if running else ClassStatus.COMPLETED,
        completed_at=None if running else _moment(session_days[-1], 21),
    )
    ClassInstructor.objects.bulk_create(
        ClassInstructor(
            offline_class=offline,
            person=person,
            role=InstructorRole.LEAD if n == 0 else InstructorRole.ASSISTANT,
        )
        for n, person in enumerate(instructors)
    )
    topics = list(course.lessons.order_by("number").values_list("title", flat=True))
    sessions = ClassSession.objects.bulk_create(
        ClassSession(
            offline_class=offline,
            number=n,
            on=day,
            starts_at=datetime.time(19, 30),
            topic=(topics[n - 1] if n <= len(topics) else "Ôn tập và kiểm tra")[:200],
        )
        for n, day in enumerate(session_days, start=1)
    )
    done_online = set(
        Completion.objects.filter(
            course_key=course.code, platform=Platform.PROVINCIAL_PORTAL
        ).values_list("person_id", flat=True)
    )
    pool = [p for p in candidates if p.pk not in done_online]
    rng.shuffle(pool)
    people = sorted(pool[: rng.randint(18, 25)], key=lambda p: p.pk)
    participants = ClassParticipant.objects.bulk_create(
        ClassParticipant(offline_class=offline, person=person, added_at=_moment(starts_on, 8))
        for person in people
    )
    held = [s for s in sessions if s.on <= REFERENCE_DAY]
    recorder = LearnerAccount.objects.filter(person=instructors[0]).values_list("user", flat=True)
    recorded_by = recorder.first()
    completed = 0
    for participant in participants:
        diligence = rng.uniform(0.6, 1.0)
        present = [rng.random() < diligence + 0.1 for _ in held]
        Attendance.objects.bulk_create(
            Attendance(
                session=session,
                participant=participant,
                present=here,
                recorded_at=_moment(session.on, 21),
                recorded_by_id=recorded_by,
            )
            for session, here in zip(held, present, strict=True)
        )
        if running:
            continue
        score = Decimal(rng.randint(35, 100))
        participant.test_score = score
        met = sum(present) * 100 >= offline.min_attendance_percent * len(sessions) and score >= (
            offline.test_pass_mark
        )
        participant.result = ParticipantResult.COMPLETED if met else ParticipantResult.NOT_COMPLETED
        participant.save(update_fields=["test_score", "result"])
        if not met:
            continue
        completion = Completion.objects.create(
            person=participant.person,
            course=course,
            course_key=course.code,
            title=course.title,
            platform=Platform.PROVINCIAL_PORTAL,
            channel=Channel.OFFLINE_CLASS,
            completed_on=session_days[-1],
            score=score,
            class_participant=participant,
            recorded_at=_moment(session_days[-1], 21),
            recorded_by_id=recorded_by,
        )
        Certificate.objects.create(
            code=new_code(),
            completion=completion,
            full_name=participant.person.full_name,
            course_title=course.title,
            issuer=organisation,
            issuer_name=organisation.name,
            issued_on=session_days[-1],
            issued_at=_moment(session_days[-1], 21),
            issued_by_id=recorded_by,
        )
        completed += 1
    return len(participants), completed
