"""The demo's learning data: eight published courses with lessons and a quiz, learner accounts
that sign in, learning that obeys the services' rules, completions on several platforms at the
province's rates, verifiable certificates; the same for the same seed, and never loaded twice."""

from __future__ import annotations

import collections
import hashlib
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client

from hoctap.accounts.models import User
from hoctap.audit.models import AuditEntry
from hoctap.demo.courses import COURSES
from hoctap.demo.learning import EXTERNAL_TITLES
from hoctap.demo.services import DEMO_PASSWORD, DemoResult, Scale, demo_build
from hoctap.geo.models import AdminUnit
from hoctap.learning.codes import normalise_certificate_code
from hoctap.learning.models import (
    AttemptAnswer,
    Attendance,
    Certificate,
    CertificateStatus,
    Choice,
    Completion,
    Course,
    CourseStatus,
    DigitalTechGroup,
    Enrolment,
    EnrolmentStatus,
    LearnerAccount,
    Lesson,
    LessonProgress,
    OfflineClass,
    Question,
    QuestionKind,
    QuizAttempt,
)
from hoctap.learning.selectors.certificates import certificate_for_verification
from hoctap.registry.models import OrganisationMembership, Person

SEED = 2026
TINY = Scale("tiny", communes=2, households=150, clans=6, villages_per_commune=(2, 3))
LEARNING_TABLES = (
    Course,
    Lesson,
    Question,
    LearnerAccount,
    Enrolment,
    LessonProgress,
    QuizAttempt,
    AttemptAnswer,
    Completion,
    Certificate,
    AuditEntry,
)


class _Undo(Exception):
    """Raised to roll a block back."""


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in LEARNING_TABLES}


def digest() -> str:
    """A digest of every learning row, by natural keys (ID numbers, course codes), leaving out
    the certificate codes (random by design) and the moment rows were written."""
    parts: list[Any] = [
        list(
            LearnerAccount.objects.order_by("person__national_id").values_list(
                "person__national_id", "user__username", "phone", "origin", "created_at"
            )
        ),
        list(
            Enrolment.objects.order_by("person__national_id", "course__code").values_list(
                "person__national_id",
                "course__code",
                "source",
                "organisation__code",
                "enrolled_at",
                "status",
                "completed_at",
                "lessons_done",
                "last_lesson__number",
                "quiz_passed",
            )
        ),
        list(
            LessonProgress.objects.order_by(
                "enrolment__person__national_id", "enrolment__course__code", "lesson__number"
            ).values_list(
                "enrolment__person__national_id",
                "lesson__course__code",
                "lesson__number",
                "opened_at",
                "completed_at",
                "seconds_spent",
            )
        ),
        list(
            QuizAttempt.objects.order_by(
                "enrolment__person__national_id", "quiz__course__code", "number"
            ).values_list(
                "enrolment__person__national_id",
                "quiz__course__code",
                "number",
                "started_at",
                "submitted_at",
                "score_percent",
                "passed",
            )
        ),
        list(
            Completion.objects.order_by(
                "person__national_id", "course_key", "platform"
            ).values_list(
                "person__national_id",
                "course_key",
                "title",
                "platform",
                "channel",
                "completed_on",
                "score",
                "certificate_no",
            )
        ),
        list(
            Attendance.objects.order_by(
                "session__offline_class__code", "session__number", "participant__person_id"
            ).values_list(
                "session__offline_class__code",
                "session__number",
                "participant__person__national_id",
                "present",
            )
        ),
        list(
            DigitalTechGroup.objects.order_by("village__code").values_list(
                "village__code", "decision_number", "decision_date"
            )
        ),
        list(
            Certificate.objects.order_by(
                "completion__person__national_id", "completion__course_key"
            ).values_list(
                "completion__person__national_id", "course_title", "issuer__code", "issued_on"
            )
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def digest_undone(seed: int) -> tuple[str, dict[str, int]]:
    """Build the tiny demo on an empty database, take its digest and counts, and roll it all
    back (a fresh database for the next build)."""
    assert not AdminUnit.objects.exists()
    taken: list[Any] = []
    try:
        with transaction.atomic():
            demo_build(province_code="15", scale=TINY, seed=seed)
            taken += [digest(), counts()]
            raise _Undo
    except _Undo:
        pass
    assert not AdminUnit.objects.exists()
    return taken[0], taken[1]


def current_members(code: str) -> set[int]:
    return set(
        OrganisationMembership.objects.filter(
            organisation__code=code, end_date__isnull=True, person__status="living_here"
        ).values_list("person_id", flat=True)
    )


def trained(persons: set[int]) -> set[int]:
    return set(Completion.objects.filter(person_id__in=persons).values_list("person_id", flat=True))


class TestTheSmallDemo:
    """One small demo (what `make run` loads), read by every test of the class."""

    @pytest.fixture(scope="class")
    @classmethod
    def demo(
        cls, django_db_setup: None, django_db_blocker: Any
    ) -> Iterator[tuple[DemoResult, str]]:
        with django_db_blocker.unblock():
            try:
                with transaction.atomic():
                    out = io.StringIO()
                    call_command(
                        "demo", "--province", "15", "--scale", "small", "--seed", str(SEED),
                        stdout=out,
                    )  # fmt: skip
                    result = demo_build(province_code="15", scale="small", seed=SEED)
                    yield result, out.getvalue()
                    raise _Undo
            except _Undo:
                pass

    @pytest.mark.django_db
    def test_eight_published_courses_with_lessons_in_order_and_a_quiz(self, demo):
        courses = Course.objects.filter(code__in=[c.code for c in COURSES])
        assert courses.count() == len(COURSES) == 8
        kinds: set[str] = set()
        for spec in COURSES:
            course = courses.get(code=spec.code)
            assert course.status == CourseStatus.PUBLISHED
            assert course.published_at is not None
            assert course.owner.code == f"{spec.owner}-15"
            assert course.language == "vi"
            assert course.target_groups
            assert course.competencies.exists()
            assert set(course.competencies.values_list("area__framework", flat=True)) == {
                "tt02_2025"
            }
            assert 2 <= course.modules.count() <= 3
            lessons = list(course.lessons.order_by("number"))
            assert 3 <= len(lessons) == course.lesson_count <= 8
            assert [lesson.number for lesson in lessons] == list(range(1, len(lessons) + 1))
            for lesson in lessons:
                assert "<h3>" in lesson.body_html
                assert "<p>" in lesson.body_html
                assert "<script" not in lesson.body_html
                assert len(lesson.body_html) > 400  # a few paragraphs, not a placeholder
            questions = list(course.quiz.questions.prefetch_related("choices"))
            assert 5 <= len(questions) <= 8
            for question in questions:
                choices = list(question.choices.all())
                correct = [c for c in choices if c.is_correct]
                kinds.add(question.kind)
                if question.kind == QuestionKind.TRUE_FALSE:
                    assert [c.text for c in choices] == ["Đúng", "Sai"]
                    assert len(correct) == 1
                elif question.kind == QuestionKind.SINGLE:
                    assert len(choices) >= 3
                    assert len(correct) == 1
                else:
                    assert len(correct) >= 1
                    assert len(choices) > len(correct)
            assert len({q.kind for q in questions}) >= 2  # each quiz mixes kinds
        assert kinds == set(QuestionKind.values)
        # through the catalogue services, audited one by one
        assert AuditEntry.objects.filter(action="course.create").count() == 8
        assert AuditEntry.objects.filter(action="course.set_status").count() == 8

    @pytest.mark.django_db
    def test_demo_learners_sign_in_with_their_id_number_and_the_demo_password(self, demo):
        _result, output = demo
        hint = re.search(r"Một người học mẫu đăng nhập tại /login/ bằng (\d{12}) / (\S+)", output)
        assert hint is not None, output
        national_id, password = hint.groups()
        assert password == DEMO_PASSWORD
        assert Client().login(username=national_id, password=password)
        # the named learner: a resident of the first commune, a certificate, a course going on
        account = LearnerAccount.objects.get(person__national_id=national_id)
        first_commune = AdminUnit.objects.filter(parent__code="15").earliest("code")
        assert account.person.village.parent == first_commune
        assert Certificate.objects.filter(
            completion__person=account.person, status=CertificateStatus.VALID
        ).exists()
        assert Enrolment.objects.filter(
            person=account.person, status=EnrolmentStatus.ACTIVE, lessons_done__gt=0
        ).exists()
        # and others, created in bulk for an organisation or signed up, alike
        for origin in ("bulk", "self_signup"):
            other = LearnerAccount.objects.filter(origin=origin).exclude(pk=account.pk).last()
            assert other is not None
            assert other.user.username == f"hv{other.person_id}"
            assert other.user.full_name == other.person.full_name
            assert Client().login(username=other.person.national_id, password=DEMO_PASSWORD)
        assert not Client().login(username=national_id, password="wrong-password")

    @pytest.mark.django_db
    def test_completions_on_several_platforms_at_the_provinces_rates(self, demo):
        result, output = demo
        by_platform = dict(
            Completion.objects.values_list("platform").annotate(n=Count("id")).order_by()
        )
        assert set(by_platform) == {
            "national_portal",
            "provincial_portal",
            "ministry_platform",
            "sector_system",
        }
        assert result.completions == by_platform
        assert "lượt hoàn thành: Nền tảng của bộ, ngành" in output
        imported = Completion.objects.filter(channel="imported")
        assert imported.count() == sum(
            n for p, n in by_platform.items() if p != "provincial_portal"
        )
        assert not imported.filter(course__isnull=False).exists()
        assert set(imported.values_list("title", flat=True)) <= set(EXTERNAL_TITLES.values())
        assert not imported.filter(certificate_no="").exists()
        assert all(key.startswith("~") for key in imported.values_list("course_key", flat=True))
        # about 80% of the Military Command's and of the Police's members, whatever the platform
        military = current_members("BCHQS-15")
        police = current_members("CA-15") | set(
            OrganisationMembership.objects.filter(
                organisation__code__startswith="CAX-",
                end_date__isnull=True,
                person__status="living_here",
            ).values_list("person_id", flat=True)
        )
        for members in (military, police):
            assert len(members) >= 10
            share = len(trained(members)) / len(members)
            assert abs(share - 0.8) <= 1 / len(members) + 0.01, share
        assert set(
            Completion.objects.filter(person_id__in=military).values_list("platform", flat=True)
        ) >= {"ministry_platform"}
        # the education sector's teachers: mostly trained
        teachers = set(
            OrganisationMembership.objects.filter(
                position="teacher", end_date__isnull=True, person__status="living_here"
            ).values_list("person_id", flat=True)
        )
        assert len(trained(teachers)) >= 0.85 * len(teachers)
        assert Completion.objects.filter(
            person_id__in=teachers, platform="sector_system"
        ).count() >= 0.8 * len(teachers)
        # citizens: a share, not everyone
        adults = Person.objects.filter(status="living_here", birth_date__lte="2010-10-01").count()
        persons_trained = Completion.objects.values("person").distinct().count()
        assert 0.2 * adults < persons_trained < 0.6 * adults

    @pytest.mark.django_db
    def test_online_learning_follows_the_rules_of_the_services(self, demo):
        enrolments = list(Enrolment.objects.select_related("course"))
        assert len(enrolments) > 300
        done_numbers: dict[int, list[int]] = collections.defaultdict(list)
        opened: collections.Counter[int] = collections.Counter()
        for enrolment_id, number, completed_at in LessonProgress.objects.values_list(
            "enrolment_id", "lesson__number", "completed_at"
        ):
            opened[enrolment_id] += 1
            if completed_at is not None:
                done_numbers[enrolment_id].append(number)
        completions = {c.enrolment_id: c for c in Completion.objects.filter(channel="online")}
        completed = 0
        for enrolment in enrolments:
            numbers = sorted(done_numbers[enrolment.pk])
            # lessons in order: the ones done are 1..n, at most one more opened
            assert numbers == list(range(1, enrolment.lessons_done + 1))
            assert opened[enrolment.pk] - enrolment.lessons_done in (0, 1)
            if enrolment.status == EnrolmentStatus.COMPLETED:
                completed += 1
                assert enrolment.lessons_done == enrolment.course.lesson_count
                assert enrolment.quiz_passed
                assert enrolment.completed_at is not None
                completion = completions[enrolment.pk]
                assert completion.person_id == enrolment.person_id
                assert completion.platform == "provincial_portal"
                assert completion.course_key == enrolment.course.code
            else:
                assert not enrolment.quiz_passed
                assert enrolment.pk not in completions
        assert len(completions) == completed
        assert 0.7 <= completed / len(enrolments) <= 0.92  # most finish
        # a course is assigned to an organisation's members, or chosen by the learner
        assert Enrolment.objects.filter(source="organisation", organisation__isnull=False).exists()
        assert Enrolment.objects.filter(source="self", organisation__isnull=True).exists()

    @pytest.mark.django_db
    def test_quiz_attempts_are_scored_as_the_quiz_service_scores_them(self, demo):
        correct = collections.defaultdict(set)
        for question_id, choice_id in Choice.objects.filter(is_correct=True).values_list(
            "question_id", "pk"
        ):
            correct[question_id].add(choice_id)
        attempts = list(
            QuizAttempt.objects.select_related("quiz", "enrolment").prefetch_related("answers")
        )
        assert attempts
        by_enrolment = collections.defaultdict(list)
        for attempt in attempts:
            by_enrolment[attempt.enrolment_id].append(attempt)
            quiz_questions = set(attempt.quiz.questions.values_list("pk", flat=True))
            assert {item["question"] for item in attempt.layout} == quiz_questions
            answers = list(attempt.answers.all())
            assert {a.question_id for a in answers} == quiz_questions
            earned = 0
            for answer in answers:
                assert answer.is_correct == (set(answer.choices) == correct[answer.question_id])
                earned += answer.is_correct
            assert attempt.score_percent == (Decimal(100 * earned) / len(answers)).quantize(
                Decimal("0.01")
            )
            assert attempt.score_percent is not None
            assert attempt.submitted_at is not None
            assert attempt.passed == (attempt.score_percent >= attempt.quiz.pass_mark_percent)
            assert attempt.submitted_at > attempt.started_at
            if attempt.deadline is not None:
                assert attempt.submitted_at <= attempt.deadline
        for enrolment_attempts in by_enrolment.values():
            enrolment_attempts.sort(key=lambda a: a.number)
            assert [a.number for a in enrolment_attempts] == list(
                range(1, len(enrolment_attempts) + 1)
            )
            assert len(enrolment_attempts) <= enrolment_attempts[0].quiz.max_attempts
            assert not any(a.passed for a in enrolment_attempts[:-1])  # stops at the pass
            assert enrolment_attempts[-1].enrolment.quiz_passed == bool(
                enrolment_attempts[-1].passed
            )

    @pytest.mark.django_db
    def test_certificates_are_unique_verifiable_and_name_their_completion(self, demo):
        certificates = list(Certificate.objects.select_related("completion__person", "issuer"))
        assert certificates
        codes = [c.code for c in certificates]
        assert len(set(codes)) == len(codes)
        # one for every completion here, online or in a class; none for other platforms'
        assert len(certificates) == Completion.objects.exclude(channel="imported").count()
        for certificate in certificates:
            assert normalise_certificate_code(certificate.code) == certificate.code
            assert certificate_for_verification(certificate.code.lower()) == certificate
            completion = certificate.completion
            assert certificate.status == CertificateStatus.VALID
            assert certificate.full_name == completion.person.full_name
            assert certificate.course_title == completion.title
            assert certificate.issued_on == completion.completed_on
            assert certificate.issuer is not None
            if completion.channel == "online":
                assert completion.course is not None
                assert certificate.issuer == completion.course.owner
            else:  # issued by the group that ran the class
                assert completion.channel == "offline_class"
                assert completion.class_participant is not None
                assert certificate.issuer == completion.class_participant.offline_class.organisation
            assert certificate.issuer_name == certificate.issuer.name
        assert not Certificate.objects.filter(completion__channel="imported").exists()

    @pytest.mark.django_db
    def test_digital_groups_and_offline_classes_in_remote_villages(self, demo):
        _result, output = demo
        groups = list(DigitalTechGroup.objects.select_related("organisation", "village"))
        assert len(groups) == 3
        for group in groups:
            assert group.organisation.code == f"CNS-{group.village.code}"
            roles = collections.Counter(group.members.values_list("role", flat=True))
            assert roles["leader"] == 1
            assert roles["deputy"] == 1
            assert sum(roles.values()) >= 5
            assert group.activities.count() >= 25
            for member in group.members.select_related("person"):
                assert member.person.village == group.village
            helped = group.activities.values_list("person__village", flat=True)
            assert set(helped) == {group.village.pk}
        classes = list(OfflineClass.objects.select_related("organisation", "unit"))
        assert len(classes) == 3
        assert sorted(c.status for c in classes) == ["completed", "completed", "open"]
        for offline in classes:
            assert offline.organisation is not None
            assert offline.organisation.code == f"CNS-{offline.unit.code}"
            sessions = list(offline.sessions.order_by("number"))
            assert len(sessions) == 5
            assert offline.instructors.filter(role="lead").count() == 1
            participants = list(offline.participants.all())
            assert 18 <= len(participants) <= 25
            ids = {p.pk for p in participants}
            # attendance only for the class's own participants and sessions
            for row in Attendance.objects.filter(session__offline_class=offline):
                assert row.participant_id in ids
            for participant in participants:
                present = Attendance.objects.filter(participant=participant, present=True).count()
                completion = Completion.objects.filter(class_participant=participant).first()
                if offline.status == "open":
                    assert participant.result == "pending"
                    assert completion is None
                    continue
                assert participant.test_score is not None
                met = present * 100 >= 80 * len(sessions) and participant.test_score >= 50
                assert (participant.result == "completed") == met
                assert (completion is not None) == met
                if completion is not None:
                    assert completion.channel == "offline_class"
                    assert completion.platform == "provincial_portal"
                    assert completion.course_key == offline.course.code
        assert Completion.objects.filter(channel="offline_class").exists()
        # the instructor of the running class signs in to take attendance
        hint = re.search(r"một lớp đang học đăng nhập tại /login/ bằng (\d{12}) / (\S+)", output)
        assert hint is not None, output
        running = OfflineClass.objects.get(status="open")
        lead = running.instructors.get(role="lead").person
        assert hint.group(1) == lead.national_id
        assert Client().login(username=hint.group(1), password=hint.group(2))

    @pytest.mark.django_db
    def test_one_summary_audit_entry_with_the_counts(self, demo):
        result, _output = demo
        entry = AuditEntry.objects.get(action="demo.load_learning")
        assert entry.changes["learner_accounts"] == LearnerAccount.objects.count()
        assert entry.changes["enrolments"] == Enrolment.objects.count() == result.enrolments
        assert entry.changes["certificates"] == Certificate.objects.count() == result.certificates
        for platform, count in result.completions.items():
            assert entry.changes[f"completions_{platform}"] == count
        assert result.learner_accounts == LearnerAccount.objects.count()
        # not one entry per generated row
        assert not AuditEntry.objects.filter(
            action__in=["learner_account.create", "completion.create", "certificate.issue"]
        ).exists()

    @pytest.mark.django_db
    def test_a_second_build_adds_nothing(self, demo):
        rows = counts()
        before = digest()

        again = demo_build(province_code="15", scale="small", seed=SEED)

        assert again.learning_skipped
        assert counts() == rows
        assert digest() == before


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_learning_data():
    first = digest_undone(SEED)
    second = digest_undone(SEED)
    other = digest_undone(SEED + 1)

    assert first[1]["Enrolment"] > 0
    assert first[1]["Completion"] > 0
    assert first == second
    assert other[0] != first[0]


@pytest.mark.django_db
def test_no_learner_id_number_printed_once_the_demo_passwords_are_changed():
    out = io.StringIO()
    call_command("demo", "--province", "15", "--scale", "small", "--seed", "1", stdout=out)
    learner = re.search(r"Một người học mẫu đăng nhập tại /login/ bằng (\d{12})", out.getvalue())
    assert learner is not None
    account = LearnerAccount.objects.get(person__national_id=learner.group(1))

    account.user.set_password("a-password-of-their-own")
    account.user.save()
    again = io.StringIO()
    call_command("demo", "--if-empty", "--province", "15", stdout=again)
    assert learner.group(1) not in again.getvalue()

    admin = User.objects.get(username="admin")
    admin.set_password("the-real-administrator-password")
    admin.save()
    real = io.StringIO()
    call_command("demo", "--if-empty", "--province", "15", stdout=real)
    assert "đăng nhập tại /login/ bằng" not in real.getvalue()
    assert not re.search(r"\d{12}", real.getvalue())
