"""Demo learning data over the demo registers: learner accounts, enrolments, lesson progress,
quiz attempts, completions and certificates on the provincial portal, and completions recorded
on other platforms (the national portal, the ministries' platforms, the education sector's
system), at rates that look like a province a few months into the movement.

Who learns where (each adult living here gets one role, in this order):

- *Military Command* (BCHQS) and *Police* (CA, commune police) members: about 80% trained,
  mostly on their ministry's platform (`ministry_platform`); a few of the trained also on the
  portal. The share is kept exact across communes (`Quota`), not left to chance.
- *Teachers* of the demo's schools: nearly all with an account (created in bulk for the
  school), assigned the AI and child-safety courses; about 90% trained on the sector's system.
- *Civil servants* (provincial departments, the steering committee): accounts in bulk, the
  public-services and AI courses assigned; most also on the national portal.
- *Enterprise workers*, *digital-group members*, *students* (15–18) and other *citizens*: a
  share with an account (more in towns, fewer in the uplands) who enrol themselves in one to
  four courses; a larger share trained on the national portal.

Of the enrolments, most finish: every lesson done in order, the quiz passed within its attempt
limit (answers drawn per question, scored as the quiz service scores them), a completion and a
certificate; the rest stopped part-way or failed the quiz.

The named learner `hoctap demo` prints (`showcase_learner`) is an ordinary resident of the
first commune with two certificates and a course in progress.

Like the registers, the rows are generated in Python, commune by commune, and written with
`hoctap.core.bulk` (multi-row INSERTs on SQLite, COPY on PostgreSQL, there in a thread beside the
generation: `Writer`), with one summary audit entry: the services would take hours at province
scale. Every row obeys what the services guarantee
(lesson numbers in order, `lessons_done` = completed progress rows, one completion per person,
course key and platform, one valid certificate per completion). Deterministic: the same seed
and registers give the same rows, but for the certificate codes, which are random because they
must stay unguessable. Times are drawn between the movement's launch and the registers'
reference day, not from the clock.

Offline classes and community digital technology groups come last (`_classes_and_groups`), in
a few villages, through the models until their services land (`hoctap.demo.community`).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import random
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Model
from django.utils.translation import gettext as _

from hoctap.accounts.models import User
from hoctap.core import bulk
from hoctap.core.formatting import show_number
from hoctap.demo.bulk import next_id, reset_sequences
from hoctap.demo.community import CommunityTotals, classes_and_groups_build
from hoctap.demo.courses import COURSES
from hoctap.demo.population import PLATFORM_LAUNCH, REFERENCE_DAY
from hoctap.geo.models import AdminUnit, Organisation
from hoctap.learning.codes import CODE_ALPHABET, CODE_GROUP_LENGTH, CODE_GROUPS
from hoctap.learning.models import (
    AccountOrigin,
    AttemptAnswer,
    AttemptStatus,
    Certificate,
    CertificateStatus,
    Channel,
    ClassInstructor,
    ClassStatus,
    Completion,
    Course,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    InstructorRole,
    LearnerAccount,
    Lesson,
    LessonProgress,
    Platform,
    QuestionKind,
    QuizAttempt,
)
from hoctap.learning.services.completions import course_key_of
from hoctap.learning.services.learners import learner_username
from hoctap.registry.models import OrganisationMembership, Person, PersonStatus

__all__ = [
    "EXTERNAL_TITLES",
    "LEARNING_MODELS",
    "CommunePlan",
    "LearningTotals",
    "learning_build",
    "learning_loaded",
    "showcase_instructor",
    "showcase_learner",
]

Progress = Callable[[str, float, str], None]

# Courses of other platforms, as their records name them.
EXTERNAL_TITLES = {
    "citizen": "Bình dân học vụ số - Kỹ năng số cơ bản cho người dân",
    "student": "Bình dân học vụ số - Kỹ năng số cơ bản cho học sinh, sinh viên",
    "civil_servant": "Bình dân học vụ số - Kỹ năng số cơ bản cho cán bộ, công chức, viên chức",
    "worker": "Bình dân học vụ số - Kỹ năng số cơ bản cho người lao động trong doanh nghiệp",
    "scams": "Bình dân học vụ số - Nhận diện và phòng chống lừa đảo trực tuyến",
    "vneid": "Bình dân học vụ số - Khai thác tiện ích ứng dụng VNeID",
    "military": "Bình dân học vụ số trong Quân đội - Kiến thức, kỹ năng số cơ bản",
    "police": "Bình dân học vụ số trong Công an nhân dân - Kiến thức, kỹ năng số cơ bản",
    "teacher": "Bồi dưỡng năng lực số cho cán bộ quản lý, giáo viên ngành Giáo dục",
}

# Roles of the persons, from their memberships (the first that applies).
MILITARY, POLICE, TEACHER, CIVIL_SERVANT, WORKER, HELPER, STUDENT, CITIZEN = (
    "military",
    "police",
    "teacher",
    "civil_servant",
    "worker",
    "helper",
    "student",
    "citizen",
)

ARMED_TRAINED_SHARE = 0.80  # of the Military Command's and the Police's members
TEACHERS_SECTOR_SHARE = 0.90  # teachers trained on the education sector's system

# Chance of a learner account on the provincial portal, by role (citizens and students: by
# the commune's profile).
ACCOUNT_RATE = {
    MILITARY: 0.20,  # of the trained: the rest learn on the ministry's platform only
    POLICE: 0.20,
    TEACHER: 0.95,
    CIVIL_SERVANT: 0.85,
    WORKER: 0.35,
    HELPER: 0.90,
}
ACCOUNT_RATE_BY_PROFILE = {
    STUDENT: {"town": 0.12, "lowland": 0.08, "upland": 0.05},
    CITIZEN: {"town": 0.09, "lowland": 0.06, "upland": 0.035},
}
# Chance of a completion on the national portal.
NATIONAL_RATE = {TEACHER: 0.30, CIVIL_SERVANT: 0.85, WORKER: 0.60, HELPER: 0.90}
NATIONAL_RATE_BY_PROFILE = {
    STUDENT: {"town": 0.45, "lowland": 0.38, "upland": 0.25},
    CITIZEN: {"town": 0.30, "lowland": 0.24, "upland": 0.15},
}
NATIONAL_SECOND_COURSE = 0.15  # of those, a second course

# Courses an organisation assigns to its members on the portal, by role.
ASSIGNED = {
    TEACHER: ("BDHVS-08", "BDHVS-07"),
    CIVIL_SERVANT: ("BDHVS-05", "BDHVS-08"),
    MILITARY: ("BDHVS-04",),
    POLICE: ("BDHVS-04",),
    WORKER: ("BDHVS-04",),
}

USER_FIELDS = [
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "full_name",
    "phone",
]
ACCOUNT_FIELDS = [
    "id",
    "created_at",
    "updated_at",
    "user",
    "person",
    "phone",
    "origin",
    "must_change_password",
    "created_by",
]
ENROLMENT_FIELDS = [
    "id",
    "person",
    "course",
    "source",
    "organisation",
    "offline_class",
    "assigned_by",
    "enrolled_at",
    "status",
    "completed_at",
    "lessons_done",
    "last_lesson",
    "quiz_passed",
]
PROGRESS_FIELDS = ["enrolment", "lesson", "opened_at", "completed_at", "seconds_spent"]
ATTEMPT_FIELDS = [
    "id",
    "enrolment",
    "quiz",
    "number",
    "layout",
    "status",
    "started_at",
    "deadline",
    "submitted_at",
    "score_percent",
    "passed",
]
ANSWER_FIELDS = ["attempt", "question", "choices", "is_correct"]
COMPLETION_FIELDS = [
    "id",
    "person",
    "course",
    "course_key",
    "title",
    "platform",
    "channel",
    "completed_on",
    "score",
    "certificate_no",
    "enrolment",
    "class_participant",
    "recorded_at",
    "recorded_by",
]
CERTIFICATE_FIELDS = [
    "code",
    "completion",
    "full_name",
    "course_title",
    "issuer",
    "issuer_name",
    "issued_on",
    "issued_at",
    "issued_by",
    "status",
    "revoked_at",
    "revoked_reason",
    "revoked_by",
    "replaces",
]

# ---------------------------------------------------------------------------------------------
# What the generator needs to know of the catalogue
# ---------------------------------------------------------------------------------------------

LAYOUTS_PER_COURSE = 24  # attempts draw their question order from these (as JSON, made once)


@dataclass(frozen=True)
class QuestionInfo:
    """A question as the generator answers it: the chosen choices as stored JSON, right, and
    the plausible mistakes."""

    id: int
    points: int
    right: str
    wrong: tuple[str, ...]


@dataclass(frozen=True)
class CourseInfo:
    id: int
    code: str
    title: str
    owner_id: int
    owner_name: str
    lessons: tuple[tuple[int, int], ...]  # (lesson id, estimated minutes), in order
    quiz_id: int | None
    pass_mark: int
    max_attempts: int
    time_limit_minutes: int | None
    questions: tuple[QuestionInfo, ...]
    layouts: tuple[str, ...]  # `QuizAttempt.layout` values, as JSON


def _mistakes(kind: str, choices: list[int], correct: set[int]) -> list[list[int]]:
    """What a learner may tick wrongly: another answer; for several correct answers, one
    too many or one missing."""
    wrong = [c for c in choices if c not in correct]
    if kind != QuestionKind.MULTIPLE:
        return [[c] for c in wrong]
    mistakes = [sorted({*correct, c}) for c in wrong]
    if len(correct) > 1:
        mistakes += [sorted(correct - {c}) for c in sorted(correct)]
    return mistakes


def _catalogue(seed: int) -> dict[str, CourseInfo]:
    courses = (
        Course.objects.filter(code__in=[c.code for c in COURSES], status="published")
        .select_related("owner", "quiz")
        .prefetch_related("quiz__questions__choices")
        .order_by("code")
    )
    infos = {}
    for course in courses:
        lessons = tuple(
            Lesson.objects.filter(course=course)
            .order_by("number")
            .values_list("id", "estimated_minutes")
        )
        quiz = getattr(course, "quiz", None)
        questions: list[QuestionInfo] = []
        layouts: list[str] = []
        if quiz is not None:
            rng = random.Random(f"{seed}:{course.code}:layouts")  # noqa: S311 - demo data
            choices = {q.pk: [c.pk for c in q.choices.all()] for q in quiz.questions.all()}
            for q in quiz.questions.all():
                correct = {c.pk for c in q.choices.all() if c.is_correct}
                questions.append(
                    QuestionInfo(
                        id=q.pk,
                        points=q.points,
                        right=json.dumps(sorted(correct)),
                        wrong=tuple(
                            json.dumps(m) for m in _mistakes(q.kind, choices[q.pk], correct)
                        ),
                    )
                )
            # as `attempt_start` lays an attempt out: questions, then each one's answers, shuffled
            for _layout in range(LAYOUTS_PER_COURSE):
                order = list(quiz.questions.all())
                if quiz.shuffle_questions:
                    rng.shuffle(order)
                layout = []
                for q in order:
                    ids = list(choices[q.pk])
                    if quiz.shuffle_choices and q.kind != QuestionKind.TRUE_FALSE:
                        rng.shuffle(ids)
                    layout.append({"question": q.pk, "choices": ids})
                layouts.append(json.dumps(layout))
        infos[course.code] = CourseInfo(
            id=course.pk,
            code=course.code,
            title=course.title,
            owner_id=course.owner_id,
            owner_name=course.owner.name,
            lessons=lessons,
            quiz_id=quiz.pk if quiz is not None else None,
            pass_mark=quiz.pass_mark_percent if quiz is not None else 0,
            max_attempts=quiz.max_attempts if quiz is not None else 0,
            time_limit_minutes=quiz.time_limit_minutes if quiz is not None else None,
            questions=tuple(questions),
            layouts=tuple(layouts),
        )
    return infos


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


@dataclass
class Ids:
    """The next primary key of each table written with explicit keys."""

    user: int
    account: int
    enrolment: int
    attempt: int
    completion: int

    @classmethod
    def from_database(cls) -> Ids:
        return cls(
            user=next_id(User),
            account=next_id(LearnerAccount),
            enrolment=next_id(Enrolment),
            attempt=next_id(QuizAttempt),
            completion=next_id(Completion),
        )


@dataclass
class Rows:
    users: list[tuple[Any, ...]] = field(default_factory=list)
    accounts: list[tuple[Any, ...]] = field(default_factory=list)
    enrolments: list[tuple[Any, ...]] = field(default_factory=list)
    progress: list[tuple[Any, ...]] = field(default_factory=list)
    attempts: list[tuple[Any, ...]] = field(default_factory=list)
    answers: list[tuple[Any, ...]] = field(default_factory=list)
    completions: list[tuple[Any, ...]] = field(default_factory=list)
    certificates: list[tuple[Any, ...]] = field(default_factory=list)

    def tables(self) -> list[tuple[type[Model], list[str], list[tuple[Any, ...]]]]:
        """Parents first: foreign keys may be checked row by row (`check_constraints_at_once`)."""
        return [
            (User, USER_FIELDS, self.users),
            (LearnerAccount, ACCOUNT_FIELDS, self.accounts),
            (Enrolment, ENROLMENT_FIELDS, self.enrolments),
            (LessonProgress, PROGRESS_FIELDS, self.progress),
            (QuizAttempt, ATTEMPT_FIELDS, self.attempts),
            (AttemptAnswer, ANSWER_FIELDS, self.answers),
            (Completion, COMPLETION_FIELDS, self.completions),
            (Certificate, CERTIFICATE_FIELDS, self.certificates),
        ]


class Writer:
    """Writes each commune's rows with `hoctap.core.bulk`. On PostgreSQL, the COPY runs in a
    thread, on the same connection and so in the same transaction, while the main thread
    generates the next commune: the database's share (indexes, and the foreign-key checks at
    the end of each COPY: about two thirds of the whole at province scale) overlaps with
    Python's instead of following it. The main thread touches the connection only after
    `wait()`. On SQLite (`make run`, the tests), the rows are written in line.

    `seconds` collects each table's writing time; `waited` is the time the main thread spent
    waiting for the writer (what the overlap did not hide)."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.threaded = connection.vendor == "postgresql"
        self.thread: threading.Thread | None = None
        self.failure: BaseException | None = None
        self.waited = 0.0

    def submit(self, rows: Rows) -> None:
        self.wait()
        if not self.threaded:
            began = time.perf_counter()
            for model, fields, table_rows in rows.tables():
                started = time.perf_counter()
                bulk.bulk_insert(model, fields, table_rows)
                self._count(model, started)
            self.waited += time.perf_counter() - began
            return
        raw = connection.connection  # the psycopg connection of this transaction
        quote = connection.ops.quote_name
        statements = []
        for model, fields, table_rows in rows.tables():
            columns = [str(getattr(model._meta.get_field(f), "column", f)) for f in fields]
            names = ", ".join(quote(c) for c in columns)
            sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
            statements.append((model, sql, table_rows))

        def copy_all() -> None:
            try:
                with raw.cursor() as cursor:
                    for model, sql, table_rows in statements:
                        started = time.perf_counter()
                        with cursor.copy(sql) as copy:
                            for row in table_rows:
                                copy.write_row(row)
                        self._count(model, started)
            except BaseException as exc:  # handed to the main thread by `wait`
                self.failure = exc

        self.thread = threading.Thread(target=copy_all, name="demo-learning-writer")
        self.thread.start()

    def _count(self, model: type[Model], started: float) -> None:
        name = model.__name__
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def wait(self) -> None:
        """Until the rows submitted are written (the connection is then free); their error,
        if any, raised here."""
        if self.thread is not None:
            began = time.perf_counter()
            self.thread.join()
            self.thread = None
            self.waited += time.perf_counter() - began
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure


@dataclass
class LearningTotals:
    accounts: int = 0
    enrolments: int = 0
    enrolments_completed: int = 0
    lesson_progress: int = 0
    quiz_attempts: int = 0
    certificates: int = 0
    completions: dict[str, int] = field(default_factory=dict)  # by platform
    classes: int = 0
    class_completions: int = 0
    digital_groups: int = 0
    answers: int = 0
    write_seconds: dict[str, float] = field(default_factory=dict)  # by table

    def add(self, rows: Rows, completed: int) -> None:
        self.accounts += len(rows.accounts)
        self.enrolments += len(rows.enrolments)
        self.enrolments_completed += completed
        self.lesson_progress += len(rows.progress)
        self.quiz_attempts += len(rows.attempts)
        self.answers += len(rows.answers)
        self.certificates += len(rows.certificates)
        for row in rows.completions:
            platform = str(row[5])  # the value, not the enum member (the audit entry is JSON)
            self.completions[platform] = self.completions.get(platform, 0) + 1

    def as_changes(self) -> dict[str, Any]:
        return {
            "learner_accounts": self.accounts,
            "enrolments": self.enrolments,
            "enrolments_completed": self.enrolments_completed,
            "lesson_progress": self.lesson_progress,
            "quiz_attempts": self.quiz_attempts,
            "certificates": self.certificates,
            # flat: the audit log keeps plain values
            **{f"completions_{p}": n for p, n in sorted(self.completions.items())},
            "offline_classes": self.classes,
            "offline_class_completions": self.class_completions,
            "digital_groups": self.digital_groups,
        }


class Quota:
    """An exact share of a population met commune by commune: each commune takes what brings
    the running total to `share` of everyone seen so far (so 80% of the Military Command's
    members are trained however few live in each commune)."""

    def __init__(self, share: float) -> None:
        self.share = share
        self.seen = 0
        self.taken = 0

    def take(self, rng: random.Random, items: Sequence[int]) -> set[int]:
        self.seen += len(items)
        count = max(0, min(len(items), round(self.share * self.seen) - self.taken))
        self.taken += count
        return set(rng.sample(list(items), count))


class PersonRow(NamedTuple):
    id: int
    national_id: str
    full_name: str
    birth_date: datetime.date
    phone: str
    village_id: int
    age: int  # on the reference day


class _Pk:
    """Enough of a person for `learner_username` (which reads the primary key only)."""

    def __init__(self, pk: int) -> None:
        self.pk = pk


def certificate_code() -> str:
    """A new random code in the form `certificate_issue` gives (hoctap.learning.codes), drawn
    from 60 random bits at once: the province's hundred thousand certificates in a blink."""
    bits = secrets.randbits(5 * CODE_GROUPS * CODE_GROUP_LENGTH)
    symbols = "".join(
        CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(CODE_GROUPS * CODE_GROUP_LENGTH)
    )
    return "-".join(
        symbols[i : i + CODE_GROUP_LENGTH] for i in range(0, len(symbols), CODE_GROUP_LENGTH)
    )


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------

# Times are computed as naive UTC (fast arithmetic, no zone lookups on a million rows) and
# stamped once per row; the province's day is UTC+7 all year (no daylight saving).
LOCAL_OFFSET = datetime.timedelta(hours=7)
DAY = datetime.timedelta(days=1)
END = datetime.datetime.combine(REFERENCE_DAY, datetime.time(22)) - LOCAL_OFFSET
GAPS = (60, 300, 3600 * 20, 3600 * 48)  # the next lesson: same sitting, or another day


@dataclass(frozen=True)
class CommunePlan:
    id: int
    code: str
    name: str
    profile: str  # town, lowland, upland


class LearningGenerator:
    """Rows of one commune at a time; `Quota`s and ids run across communes."""

    def __init__(
        self,
        *,
        province_code: str,
        courses: dict[str, CourseInfo],
        ids: Ids,
        password_hash: str,
        taken_phones: set[str],
        seed: int,
    ) -> None:
        self.province_code = province_code
        self.courses = courses
        self.ids = ids
        self.password_hash = password_hash
        self.taken_phones = taken_phones
        self.seed = seed
        self.postgresql = connection.vendor == "postgresql"
        self.military = Quota(ARMED_TRAINED_SHARE)
        self.police = Quota(ARMED_TRAINED_SHARE)
        self.teachers = Quota(TEACHERS_SECTOR_SHARE)
        self.codes: set[str] = set()
        self.keys: dict[str, str] = {}  # external title -> course key
        self.rows = Rows()
        self.completed = 0
        self.rng = random.Random()  # noqa: S311 - demo data; reseeded per commune

    # -- helpers ----------------------------------------------------------------------------

    def _role(self, memberships: list[tuple[int, str, str]]) -> tuple[str, int | None]:
        """The person's role and the organisation that assigns them courses."""
        p = self.province_code
        found: dict[str, int] = {}
        for organisation_id, code, position in memberships:
            if code == f"BCHQS-{p}":
                found.setdefault(MILITARY, organisation_id)
            elif code == f"CA-{p}" or code.startswith("CAX-"):
                found.setdefault(POLICE, organisation_id)
            elif position == "teacher":
                found.setdefault(TEACHER, organisation_id)
            elif code in (f"SGDDT-{p}", f"SKHCN-{p}", f"SNV-{p}", f"SYT-{p}", f"BCD-{p}"):
                found.setdefault(CIVIL_SERVANT, organisation_id)
            elif code.startswith("DN-"):
                found.setdefault(WORKER, organisation_id)
            elif code.startswith("CNS-"):
                found.setdefault(HELPER, organisation_id)
        for role in (MILITARY, POLICE, TEACHER, CIVIL_SERVANT, WORKER, HELPER):
            if role in found:
                return role, found[role]
        return CITIZEN, None

    def _below(self, n: int) -> int:
        return int(self.rng.random() * n)

    def _day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        if last <= first:
            return first
        return first + datetime.timedelta(days=self._below((last - first).days + 1))

    def _moment(self, day: datetime.date) -> datetime.datetime:
        """A time of `day` between 6:00 and 22:00 local time (as naive UTC)."""
        midnight = datetime.datetime.combine(day, datetime.time()) - LOCAL_OFFSET
        return midnight + datetime.timedelta(seconds=6 * 3600 + self._below(16 * 3600))

    def _stamp(self, moment: datetime.datetime | None) -> Any:
        """A time as the database stores it, as `adapt_datetimefield_value` gives it (aware
        for PostgreSQL, naive UTC text for SQLite), without its per-call cost."""
        if moment is None:
            return None
        if self.postgresql:
            return moment.replace(tzinfo=datetime.UTC)
        return str(moment)

    @staticmethod
    def _local_day(moment: datetime.datetime) -> str:
        return (moment + LOCAL_OFFSET).date().isoformat()

    # -- one commune --------------------------------------------------------------------------

    def commune(
        self,
        plan: CommunePlan,
        persons: list[PersonRow],
        memberships: dict[int, list[tuple[int, str, str]]],
        *,
        showcase: int | None,
    ) -> Rows:
        self.rows = Rows()
        self.completed = 0
        self.rng = random.Random(f"{self.seed}:{plan.code}:learning")  # noqa: S311 - demo data
        rng = self.rng
        village_factor: dict[int, float] = {}
        roles: dict[int, tuple[str, int | None]] = {}
        armed: dict[str, list[int]] = {MILITARY: [], POLICE: []}
        teachers: list[int] = []
        for person in persons:
            role, organisation = (
                self._role(memberships[person.id]) if person.id in memberships else (CITIZEN, None)
            )
            if role == CITIZEN and person.age <= 18:
                role = STUDENT
            roles[person.id] = (role, organisation)
            if role in armed:
                armed[role].append(person.id)
            elif role == TEACHER:
                teachers.append(person.id)
        trained = self.military.take(rng, armed[MILITARY]) | self.police.take(rng, armed[POLICE])
        sector = self.teachers.take(rng, teachers)
        for person in persons:
            factor = village_factor.get(person.village_id)
            if factor is None:
                factor = village_factor[person.village_id] = 0.7 + 0.6 * rng.random()
            role, organisation = roles[person.id]
            if person.id == showcase:
                self._showcase(person)
                continue
            if role in (MILITARY, POLICE):
                if person.id in trained:
                    self._imported(person, role, Platform.MINISTRY_PLATFORM, EXTERNAL_TITLES[role])
                    if rng.random() < ACCOUNT_RATE[role]:
                        self._learner(person, role, organisation, origin=AccountOrigin.BULK)
                continue
            if role == TEACHER and person.id in sector:
                self._imported(person, role, Platform.SECTOR_SYSTEM, EXTERNAL_TITLES["teacher"])
            self._national(person, role, plan.profile, factor)
            if role in ACCOUNT_RATE:
                account_rate = ACCOUNT_RATE[role]
                origin = AccountOrigin.SELF_SIGNUP if role == HELPER else AccountOrigin.BULK
            else:
                account_rate = ACCOUNT_RATE_BY_PROFILE[role][plan.profile] * factor
                if person.age > 60:
                    account_rate *= 0.4
                origin = AccountOrigin.SELF_SIGNUP
            if rng.random() < account_rate:
                self._learner(person, role, organisation, origin=origin)
        return self.rows

    # -- other platforms ----------------------------------------------------------------------

    def _national(self, person: PersonRow, role: str, profile: str, factor: float) -> None:
        rng = self.rng
        if role in NATIONAL_RATE:
            rate = NATIONAL_RATE[role]
        else:
            rate = NATIONAL_RATE_BY_PROFILE[role][profile] * factor
            if person.age > 65:
                rate *= 0.3
        if rng.random() >= rate:
            return
        # teachers are public employees; digital-group members are citizens
        title = EXTERNAL_TITLES[{TEACHER: CIVIL_SERVANT, HELPER: CITIZEN}.get(role, role)]
        self._imported(person, role, Platform.NATIONAL_PORTAL, title)
        if rng.random() < NATIONAL_SECOND_COURSE:
            extra = EXTERNAL_TITLES["scams" if rng.random() < 0.6 else "vneid"]
            self._imported(person, role, Platform.NATIONAL_PORTAL, extra)

    def _imported(self, person: PersonRow, role: str, platform: str, title: str) -> None:
        """A completion recorded on another platform, as an import records it: no catalogue
        course, the key of its title, the other platform's certificate number."""
        day = self._day(PLATFORM_LAUNCH + datetime.timedelta(days=10), REFERENCE_DAY)
        if platform == Platform.NATIONAL_PORTAL:
            prefix = "BDHVS"
        elif platform == Platform.SECTOR_SYSTEM:
            prefix = f"GDDT{self.province_code}"
        else:
            prefix = "BQP" if role == MILITARY else "BCA"
        recorded = min(END, self._moment(day) + DAY * (1 + self._below(20)))
        key = self.keys.get(title)
        if key is None:
            key = self.keys[title] = course_key_of(course_code=None, external_title=title)
        completion_id = self.ids.completion
        self.ids.completion += 1
        self.rows.completions.append(
            (
                completion_id,
                person.id,
                None,
                key,
                title,
                platform,
                Channel.IMPORTED,
                day.isoformat(),
                f"{70 + self._below(31)}.00",
                f"{prefix}-{day.year}-{self._below(10**7):07d}",
                None,
                None,
                self._stamp(recorded),
                None,
            )
        )

    # -- the portal ---------------------------------------------------------------------------

    def _choose_courses(self, person: PersonRow, role: str) -> list[tuple[str, bool]]:
        """(course code, assigned by the organisation?) in the order enrolled."""
        rng = self.rng
        age = person.age
        assigned = [code for code in ASSIGNED.get(role, ()) if code in self.courses]
        weights = {
            "BDHVS-01": 1.0,
            "BDHVS-02": 1.0 if age >= 50 else 0.25,
            "BDHVS-03": 0.6,
            "BDHVS-04": 0.9,
            "BDHVS-05": 0.6 if age >= 22 else 0.2,
            "BDHVS-06": 0.7 if 18 <= age <= 60 else 0.3,
            "BDHVS-07": 0.8 if 25 <= age <= 50 else 0.15,
            "BDHVS-08": 0.8 if age < 40 else 0.3,
        }
        own = 1
        while own < 4 and rng.random() < 0.45:
            own += 1
        if assigned:
            own -= 1  # the organisation's courses come first
        left = {
            code: w for code, w in weights.items() if code in self.courses and code not in assigned
        }
        chosen: list[str] = []
        for _taken in range(min(own, len(left))):
            code = _pick(rng, left)
            chosen.append(code)
            del left[code]
        return [(code, True) for code in assigned] + [(code, False) for code in chosen]

    def _learner(
        self, person: PersonRow, role: str, organisation: int | None, *, origin: str
    ) -> None:
        rng = self.rng
        joined = self._moment(
            self._day(
                PLATFORM_LAUNCH + datetime.timedelta(days=5),
                REFERENCE_DAY - datetime.timedelta(days=5),
            )
        )
        plans = []
        for code, assigned in self._choose_courses(person, role):
            draw = rng.random()
            if assigned:
                outcome = "none" if draw < 0.03 else "partial" if draw < 0.10 else "finish"
            else:
                outcome = "none" if draw < 0.05 else "partial" if draw < 0.16 else "finish"
            plans.append((code, assigned, outcome))
        self._enrolments(person, joined, origin, organisation, plans)

    def _showcase(self, person: PersonRow) -> None:
        """The demo's named learner (`showcase_learner`): two courses done with their
        certificates, one in progress, and the national portal's basic course."""
        self._imported(person, CITIZEN, Platform.NATIONAL_PORTAL, EXTERNAL_TITLES["citizen"])
        joined = self._moment(REFERENCE_DAY - datetime.timedelta(days=40))
        plans = [
            (code, False, outcome)
            for code, outcome in (
                ("BDHVS-01", "finish"),
                ("BDHVS-04", "finish"),
                ("BDHVS-08", "showcase"),
            )
            if code in self.courses
        ]
        self._enrolments(person, joined, AccountOrigin.SELF_SIGNUP, None, plans, sure=True)

    def _enrolments(
        self,
        person: PersonRow,
        joined: datetime.datetime,
        origin: str,
        organisation: int | None,
        plans: list[tuple[str, bool, str]],
        *,
        sure: bool = False,
    ) -> None:
        """The account and its enrolments. The user's id is taken now; its row is written once
        the last activity (the last sign-in) is known."""
        user_id = self.ids.user
        self.ids.user += 1
        moment = last_seen = joined
        for code, assigned, outcome in plans:
            moment = min(END, moment + DAY * self._below(21))
            last_seen = max(
                last_seen,
                self._enrol(
                    person=person,
                    user_id=user_id,
                    course=self.courses[code],
                    at=moment,
                    source=EnrolmentSource.ORGANISATION if assigned else EnrolmentSource.SELF,
                    organisation=organisation if assigned else None,
                    outcome=outcome,
                    sure=sure,
                ),
            )
        self._account(person, user_id, origin, joined, last_seen)

    def _account(
        self,
        person: PersonRow,
        user_id: int,
        origin: str,
        joined: datetime.datetime,
        last_login: datetime.datetime,
    ) -> None:
        account_id = self.ids.account
        self.ids.account += 1
        phone = ""
        if person.phone and person.phone not in self.taken_phones and self.rng.random() < 0.6:
            phone = person.phone  # the sign-in phone is unique among accounts
            self.taken_phones.add(phone)
        stamp = self._stamp(joined)
        self.rows.users.append(
            (
                user_id,
                self.password_hash,
                self._stamp(last_login),
                False,
                learner_username(cast(Person, _Pk(person.id))),
                "",
                "",
                "",
                False,
                True,
                stamp,
                person.full_name,
                "",
            )
        )
        self.rows.accounts.append(
            (account_id, stamp, stamp, user_id, person.id, phone, origin, False, None)
        )

    def _enrol(
        self,
        *,
        person: PersonRow,
        user_id: int,
        course: CourseInfo,
        at: datetime.datetime,
        source: str,
        organisation: int | None,
        outcome: str,
        sure: bool,
    ) -> datetime.datetime:
        """One enrolment and its trace, as the progress and quiz services leave them; the time
        of the learner's last activity in it."""
        random_ = self.rng.random
        enrolment_id = self.ids.enrolment
        self.ids.enrolment += 1
        lessons = course.lessons
        if outcome == "none":
            done, open_next = 0, False
        elif outcome == "partial":
            done, open_next = self._below(len(lessons)), random_() < 0.7
        elif outcome == "showcase":
            done, open_next = 1, True
        else:
            done, open_next = len(lessons), False
        moment = at + datetime.timedelta(seconds=self._below(1800))
        last_lesson = None
        progress = self.rows.progress
        for number, (lesson_id, minutes) in enumerate(lessons, start=1):
            if number > done and not (open_next and number == done + 1):
                break
            opened = min(END, moment)
            last_lesson = lesson_id
            if number > done:  # opened, not finished
                spent = 60 + self._below(minutes * 30)
                progress.append((enrolment_id, lesson_id, self._stamp(opened), None, spent))
                moment = opened + datetime.timedelta(seconds=spent)
                break
            spent = int(minutes * 60 * (0.5 + 1.1 * random_()))
            finished = min(END, opened + datetime.timedelta(seconds=spent))
            progress.append(
                (enrolment_id, lesson_id, self._stamp(opened), self._stamp(finished), spent)
            )
            gap = GAPS[self._below(len(GAPS))]
            moment = finished + datetime.timedelta(seconds=30 + self._below(gap))
        passed_at: datetime.datetime | None = None
        best: str | None = None
        if done == len(lessons) and course.quiz_id is not None:
            passed_at, best, moment = self._attempts(enrolment_id, course, min(END, moment), sure)
        completed = done == len(lessons) and (course.quiz_id is None or passed_at is not None)
        completed_at = None
        if completed:
            completed_at = passed_at or min(END, moment)
            self._online_completion(person, user_id, enrolment_id, course, completed_at, best)
            self.completed += 1
        self.rows.enrolments.append(
            (
                enrolment_id,
                person.id,
                course.id,
                source,
                organisation,
                None,
                None,
                self._stamp(at),
                EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.ACTIVE,
                self._stamp(completed_at),
                done,
                last_lesson,
                passed_at is not None,
            )
        )
        return min(END, moment)

    def _attempts(
        self, enrolment_id: int, course: CourseInfo, moment: datetime.datetime, sure: bool
    ) -> tuple[datetime.datetime | None, str | None, datetime.datetime]:
        """Quiz attempts until one passes, the limit is reached or the learner gives up (scored
        as `attempt_submit` scores them): the time of the passing attempt, its score, and the
        time of the last activity. A `sure` learner passes at the first attempt."""
        random_ = self.rng.random
        skill = 1.0 if sure else 0.62 + 0.36 * random_()
        limit = course.max_attempts or 5
        answers = self.rows.answers
        total = sum(q.points for q in course.questions)
        for number in range(1, limit + 1):
            started = min(END, moment + datetime.timedelta(seconds=60 + self._below(5400)))
            attempt_id = self.ids.attempt
            self.ids.attempt += 1
            chance = min(0.99, skill + 0.08 * (number - 1)) if not sure else 1.0
            earned = 0
            for question in course.questions:
                if random_() < chance:
                    earned += question.points
                    answers.append((attempt_id, question.id, question.right, True))
                else:
                    wrong = question.wrong[self._below(len(question.wrong))]
                    answers.append((attempt_id, question.id, wrong, False))
            percent = decimal.Decimal(100 * earned) / total if total else decimal.Decimal(0)
            score = str(percent.quantize(CENT))
            passed = percent >= course.pass_mark
            submitted = started + datetime.timedelta(seconds=150 + self._below(570))
            deadline = (
                started + datetime.timedelta(minutes=course.time_limit_minutes)
                if course.time_limit_minutes
                else None
            )
            self.rows.attempts.append(
                (
                    attempt_id,
                    enrolment_id,
                    course.quiz_id,
                    number,
                    course.layouts[self._below(len(course.layouts))],
                    AttemptStatus.SUBMITTED,
                    self._stamp(started),
                    self._stamp(deadline),
                    self._stamp(submitted),
                    score,
                    passed,
                )
            )
            moment = submitted
            if passed:
                return submitted, score, moment
            if random_() < 0.15:  # gave up for now
                break
        return None, None, moment

    def _online_completion(
        self,
        person: PersonRow,
        user_id: int,
        enrolment_id: int,
        course: CourseInfo,
        at: datetime.datetime,
        score: str | None,
    ) -> None:
        """As `_complete_if_done` records it: the completion on the provincial portal and its
        certificate, issued by the course's owner in the learner's name."""
        completion_id = self.ids.completion
        self.ids.completion += 1
        day = self._local_day(at)
        stamp = self._stamp(at)
        self.rows.completions.append(
            (
                completion_id,
                person.id,
                course.id,
                course.code,
                course.title,
                Platform.PROVINCIAL_PORTAL,
                Channel.ONLINE,
                day,
                score,
                "",
                enrolment_id,
                None,
                stamp,
                user_id,
            )
        )
        self.rows.certificates.append(
            (
                self.new_code(),
                completion_id,
                person.full_name,
                course.title,
                course.owner_id,
                course.owner_name,
                day,
                stamp,
                user_id,
                CertificateStatus.VALID,
                None,
                "",
                None,
                None,
            )
        )

    def new_code(self) -> str:
        while True:
            code = certificate_code()
            if code not in self.codes:
                self.codes.add(code)
                return code


CENT = decimal.Decimal("0.01")


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    """A key drawn in proportion to its weight."""
    draw = rng.random() * sum(weights.values())
    last = ""
    for key, weight in weights.items():
        last = key
        draw -= weight
        if draw <= 0:
            break
    return last


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def learning_loaded(province: AdminUnit) -> bool:
    """Whether learning records of the province's persons exist (the demo never adds a second
    set over the first)."""
    in_province = {"person__village__parent__parent": province}
    return (
        LearnerAccount.objects.filter(**in_province).exists()
        or Completion.objects.filter(**in_province).exists()
        or Enrolment.objects.filter(**in_province).exists()
    )


def _showcase_candidate(
    persons: list[PersonRow], memberships: dict[int, list[tuple[int, str, str]]]
) -> int | None:
    """The first adult of 25 to 50 with no membership: an ordinary resident."""
    for person in persons:
        if 25 <= person.age <= 50 and person.id not in memberships:
            return person.id
    return None


def showcase_learner(province: AdminUnit) -> LearnerAccount | None:
    """The learner the demo names for signing in: in the first commune with registers, the
    first self-signed-up account with a certificate and a course still in progress."""
    first = (
        AdminUnit.objects.filter(parent=province, children__isnull=False)
        .order_by("code")
        .values_list("id", flat=True)
        .first()
    )
    if first is None:
        return None
    return (
        LearnerAccount.objects.filter(
            person__village__parent_id=first,
            person__status=PersonStatus.LIVING_HERE,
            origin=AccountOrigin.SELF_SIGNUP,
            person__in=Completion.objects.filter(
                channel=Channel.ONLINE, certificates__status=CertificateStatus.VALID
            ).values("person"),
        )
        .filter(person__in=Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).values("person"))
        .select_related("person", "user")
        .order_by("person_id")
        .first()
    )


def _salt(seed: int) -> str:
    """A salt drawn from the seed, as long as Django's own (so it is not re-hashed for a
    short salt at the first sign-in)."""
    return hashlib.sha256(f"hoctap-demo-learners:{seed}".encode()).hexdigest()[:24]


def _persons(commune_id: int) -> list[PersonRow]:
    """The commune's residents of 15 and over, in id order (by village ids: one index range
    per village, whatever the planner knows of a table just filled)."""
    villages = list(AdminUnit.objects.filter(parent_id=commune_id).values_list("id", flat=True))
    cutoff = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - 15)
    reference = REFERENCE_DAY.toordinal()
    return [
        PersonRow(pid, nid, name, birth, phone, village, (reference - birth.toordinal()) // 365)
        for pid, nid, name, birth, phone, village in Person.objects.filter(
            village_id__in=villages,
            status=PersonStatus.LIVING_HERE,
            birth_date__lte=cutoff,
        )
        .order_by("id")
        .values_list("id", "national_id", "full_name", "birth_date", "phone", "village_id")
    ]


def _memberships(
    persons: list[PersonRow], organisation_codes: dict[int, str]
) -> dict[int, list[tuple[int, str, str]]]:
    """The persons' current memberships: person -> [(organisation id, code, position)], by
    code. Read by person ids (the foreign key's index), not through a join."""
    found: dict[int, list[tuple[int, str, str]]] = {}
    for person_id, organisation_id, position in bulk.rows_where_in(
        OrganisationMembership,
        ["person", "organisation", "position"],
        "person",
        [p.id for p in persons],
        extra="end_date IS NULL",
    ):
        found.setdefault(person_id, []).append(
            (organisation_id, organisation_codes[organisation_id], position)
        )
    for items in found.values():
        items.sort(key=lambda item: (item[1], item[2]))
    return found


def _classes_and_groups(
    *, communes: list[CommunePlan], seed: int, password_hash: str, new_code: Any
) -> CommunityTotals:
    """Offline classes and digital technology groups: added when those services land.

    Meanwhile `hoctap.demo.community` writes a few of them (three villages of a remote
    commune: a group each with members and activities, a class each with sessions,
    participants, attendance, completions and certificates) directly through the models,
    marked there to be switched to the services. Deterministic like the rest."""
    return classes_and_groups_build(
        plans=communes, seed=seed, password_hash=password_hash, new_code=new_code
    )


def showcase_instructor(province: AdminUnit) -> LearnerAccount | None:
    """The lead instructor of the demo's class still running, who takes its attendance."""
    return (
        LearnerAccount.objects.filter(
            person__in=ClassInstructor.objects.filter(
                role=InstructorRole.LEAD,
                offline_class__status=ClassStatus.OPEN,
                offline_class__unit__parent__parent=province,
            ).values("person")
        )
        .select_related("person", "user")
        .order_by("person_id")
        .first()
    )


def learning_build(
    *,
    province: AdminUnit,
    communes: list[CommunePlan],
    seed: int,
    password: str,
    progress: Progress,
) -> LearningTotals:
    """Accounts (signing in with `password`), learning on the portal and completions from
    other platforms for the persons of `communes` (in that order: the first commune holds the
    showcase learner). Inside the caller's transaction; the caller records the audit entry."""
    totals = LearningTotals()
    courses = _catalogue(seed)
    if not courses:
        return totals
    generator = LearningGenerator(
        province_code=province.code,
        courses=courses,
        ids=Ids.from_database(),
        # one hash for all: the demo learners share the demo password; a salt drawn from the
        # seed keeps the rows the same for the same seed
        password_hash=make_password(password, salt=_salt(seed)),
        taken_phones=set(LearnerAccount.objects.exclude(phone="").values_list("phone", flat=True)),
        seed=seed,
    )
    generate_seconds = 0.0
    bulk.check_constraints_at_once()
    # the registers may have been written in this very transaction: statistics for the planner
    for model in (AdminUnit, Person, OrganisationMembership):
        bulk.analyze(model)
    organisation_codes = dict(Organisation.objects.values_list("id", "code"))
    writer = Writer(totals.write_seconds)
    pending: Rows | None = None  # generated, not yet handed to the writer
    try:
        for index, plan in enumerate(communes):
            writer.wait()  # the connection is free: read this commune
            began = time.perf_counter()
            persons = _persons(plan.id)
            memberships = _memberships(persons, organisation_codes) if persons else {}
            if pending is not None:
                writer.submit(pending)  # the previous commune, written while this one is made
                pending = None
            if persons:
                showcase = _showcase_candidate(persons, memberships) if index == 0 else None
                pending = generator.commune(plan, persons, memberships, showcase=showcase)
                totals.add(pending, generator.completed)
            generate_seconds += time.perf_counter() - began
        if pending is not None:
            writer.submit(pending)
        writer.wait()
    finally:
        if writer.thread is not None:  # an error above: let the writer finish with the connection
            writer.thread.join()
    write_seconds = writer.waited
    began = time.perf_counter()
    reset_sequences([User, LearnerAccount, Enrolment, QuizAttempt, Completion])
    write_seconds += time.perf_counter() - began
    progress(_("generate learning rows (Python)"), generate_seconds, "")
    written = _(
        "%(accounts)s accounts, %(enrolments)s enrolments, %(lessons)s lessons, "
        "%(attempts)s attempts (%(answers)s answers), %(completions)s completions, "
        "%(certificates)s certificates"
    ) % {
        "accounts": show_number(totals.accounts),
        "enrolments": show_number(totals.enrolments),
        "lessons": show_number(totals.lesson_progress),
        "attempts": show_number(totals.quiz_attempts),
        "answers": show_number(totals.answers),
        "completions": show_number(sum(totals.completions.values())),
        "certificates": show_number(totals.certificates),
    }
    tables = ", ".join(
        _("%(table)s %(seconds)s s") % {"table": name, "seconds": show_number(sec, 1)}
        for name, sec in totals.write_seconds.items()
    )
    how = _("COPY in a thread beside the generation: ") if writer.threaded else ""
    progress(_("write learning rows"), write_seconds, f"{written}; {how}{tables}")
    began = time.perf_counter()
    community = _classes_and_groups(
        communes=communes,
        seed=seed,
        password_hash=generator.password_hash,
        new_code=generator.new_code,
    )
    totals.digital_groups, totals.classes = community.groups, community.classes
    totals.accounts += community.accounts
    totals.certificates += community.completions
    totals.class_completions = community.completions
    if community.completions:
        portal = str(Platform.PROVINCIAL_PORTAL)
        totals.completions[portal] = totals.completions.get(portal, 0) + community.completions
    progress(
        _("digital groups and offline classes"),
        time.perf_counter() - began,
        _(
            "%(groups)s groups, %(members)s members, %(activities)s activities, "
            "%(classes)s classes, %(participants)s participants, %(completed)s completed"
        )
        % {
            "groups": show_number(community.groups),
            "members": show_number(community.members),
            "activities": show_number(community.activities),
            "classes": show_number(community.classes),
            "participants": show_number(community.participants),
            "completed": show_number(community.completions),
        },
    )
    return totals


LEARNING_MODELS = (
    User,
    LearnerAccount,
    Enrolment,
    LessonProgress,
    QuizAttempt,
    AttemptAnswer,
    Completion,
    Certificate,
)
