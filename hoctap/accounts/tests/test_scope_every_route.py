"""Walks EVERY route of the project (pages, API, admin) as users scoped to commune A and as an
anonymous visitor, filling each route's parameters with records of commune B, and asserts:

1. a record outside the user's scope does not exist for them: the answer for commune B's record
   is the same as for a code that exists nowhere (so not even a 403 reveals it), and never 2xx;
2. no response body shows any of commune B's names, codes or usernames;
3. no request, whatever its method and body, changes anything in commune B's scope.

Routes are discovered from the URL resolver, so a new route is covered without editing this
test. A route whose parameter name is unknown here fails loudly: add how to name a foreign
record for it in `foreign_values` (one line), and the route is walked like all the others.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hoctap.accounts import services as accounts
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World
from hoctap.geo import services as geo
from hoctap.geo.models import AdminUnit, Organisation, UnitClosure, UnitSuccession
from hoctap.imports import services as imports
from hoctap.imports.models import ImportJob
from hoctap.learning.models import (
    AccountBatch,
    Certificate,
    Choice,
    Course,
    CourseModule,
    DigitalTechActivity,
    DigitalTechGroup,
    DigitalTechGroupMember,
    Enrolment,
    LearnerAccount,
    Lesson,
    LessonAttachment,
    Question,
)
from hoctap.learning.services import groups as digital_groups
from hoctap.learning.services.account_batches import account_batch_request, account_batch_run
from hoctap.learning.services.completions import completion_record
from hoctap.learning.tests import certmgmt_data
from hoctap.learning.tests.classes_helpers import build_foreign_class
from hoctap.learning.tests.conftest import build_course
from hoctap.learning.tests.portal_scope import portal_foreign_values
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatusChange,
)

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
NOWHERE_TEXT = "ZZ-NOWHERE-404"
NOWHERE_NUMBER = "987654321"
# Routes that answer anyone about any record by design (their pages must still show no
# marker): the public certificate verification shows a certificate of commune B to anyone.
PUBLIC_ROUTES = {"verify/<str:code>", "api/v1/learning/verify/<code>"}


def nowhere(param: str, foreign: str) -> str:
    """A value of the same shape as `foreign` that names no record at all."""
    return NOWHERE_NUMBER if foreign.isdigit() and param != "code" else NOWHERE_TEXT


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "api/v1/units/<code>"
    params: tuple[str, ...]

    def build(self, values: dict[str, str]) -> str:
        def sub(match: re.Match[str]) -> str:
            return values[match.group("name")]

        path = _PARAM.sub(sub, self.template)
        path = _REGEX_GROUP.sub(sub, path).replace("^", "").replace("$", "")
        return "/" + path


def all_routes() -> list[Route]:
    routes: dict[str, Route] = {}

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for template in walk(get_resolver().url_patterns, ""):
        params = tuple(m.group("name") for m in _PARAM.finditer(template)) + tuple(
            m.group("name") for m in _REGEX_GROUP.finditer(template)
        )
        routes[template] = Route(template=template, params=params)
    return list(routes.values())


def foreign_values(world: World) -> dict[str, list[str]]:
    """For each route parameter name: identifiers of commune B's records (outside A's scope)."""
    entry = AuditEntry.objects.filter(unit=world.village_b).first()
    assert entry is not None
    grant = RoleGrant.objects.get(user=world.officer_b)
    token, _key = accounts.token_create(actor=SYSTEM, user=world.officer_b)
    job = imports.import_upload(
        actor=world.officer_b,
        kind="households",
        file=ContentFile(
            f"household_code,village_code\nHH-ZETA-002,{world.village_b.code}\n".encode()
        ),
        file_name="Zeta-households.csv",
    )
    job = imports.import_validate(actor=world.officer_b, job=job)  # one that could be confirmed
    assert job.status == "validated"
    learning = learning_records(world)
    group_b = digital_groups.group_create(  # commune B's digital technology group
        actor=SYSTEM,
        village_code=world.village_b.code,
        decision_number="9/QĐ-UBND",
        decision_date=datetime.date(2025, 7, 15),
    )
    group_member_b = digital_groups.member_add(
        actor=SYSTEM,
        group=group_b,
        person_id=world.person_b.pk,
        role="leader",
        joined_on=datetime.date(2025, 7, 20),
    )
    digital_groups.activity_record(
        actor=SYSTEM,
        group=group_b,
        kind="eid_linking",
        on=datetime.date(2025, 8, 5),
        helper_id=world.person_b.pk,
        person_id=world.person_b2.pk,
    )
    foreign_class = build_foreign_class(world, build_course(code="KNS-LOP-B"))  # learning: classes
    course = authoring_course_b()  # a draft course of commune B's organisation, and its parts
    # learner accounts: commune B's officer creates them for org B's members (person_b)
    batch = account_batch_request(
        actor=world.officer_b, organisation_code=world.org_b.code, queue=False
    )
    batch = account_batch_run(batch_id=batch.pk)
    assert batch.created_count == 1
    learner_account = LearnerAccount.objects.get(person=world.person_b)
    portal = portal_foreign_values(world)
    completion_record(  # a completion of commune B's resident, for the learning lists
        actor=SYSTEM,
        person=world.person_b,
        course=None,
        title="Khoá học Zeta",
        platform="national_portal",
        channel="imported",
        completed_on=world.person_b.status_since,
    )
    return {
        "code": [
            world.village_b.code,
            world.commune_b.code,
            world.org_b.code,
            world.school_b.code,
            world.household_b.code,
            world.clan_b.code,
            group_b.organisation.code,
            foreign_class.code,
            course.code,
            *portal["code"],
        ],
        "member_id": [str(group_member_b.pk)],
        "module_id": [str(course.modules.get().pk)],
        "attachment_id": [str(course.lessons.get().attachments.get().pk)],
        "question_id": [str(course.quiz.questions.get().pk)],
        "national_id": [world.person_b.national_id, world.person_b2.national_id],
        "membership_id": [str(world.membership_b.pk)],
        "person_id": [str(world.person_b.pk), str(world.person_b2.pk)],
        "username": [world.officer_b.username, world.org_officer_b.username],
        "grant_id": [str(grant.pk)],
        "entry_id": [str(entry.pk)],
        "token_id": [str(token.pk)],
        "job_id": [str(job.pk)],
        "account_id": [str(learner_account.pk)],
        "batch_id": [str(batch.pk)],
        "id": [str(world.officer_b.pk)],
        "object_id": [
            str(world.village_b.pk),
            str(world.org_b.pk),
            str(world.officer_b.pk),
            str(entry.pk),
            str(world.person_b.pk),
            str(world.household_b.pk),
            str(world.clan_b.pk),
            str(world.membership_b.pk),
        ],
        "content_type_id": [str(ContentType.objects.get_for_model(AdminUnit).pk)],
        "lesson_id": [
            str(course.lessons.get().pk),
            str(learning["draft_lesson"].pk),
        ],
        "attempt_id": [str(learning["attempt"].pk), *portal["attempt_id"]],
        "certificate_id": [str(certmgmt_data.foreign_certificate(world).pk)],
        "certificate_batch_id": [str(certmgmt_data.foreign_certificate_batch(world).pk)],
        "app_label": ["geo"],
        "url": ["geo/adminunit/"],
        "class_id": [str(foreign_class.pk)],
        "number": ["1"],
        "participant_id": [str(foreign_class.participants.get().pk)],
        "instructor_id": [str(foreign_class.instructors.get().pk)],
    }


def learning_records(world: World) -> dict[str, Any]:
    """Commune B's learning: a draft course of its association (invisible outside), and
    person_b2's enrolment and quiz attempt in a province course."""
    from hoctap.learning.services import catalogue, learners, progress, quizzes
    from hoctap.learning.tests.conftest import build_course

    draft = catalogue.course_create(
        actor=SYSTEM, code="ZETA-DRAFT", title="Zeta draft", owner_code=world.org_b.code
    )
    module = catalogue.module_create(actor=SYSTEM, course=draft, title="Zeta module")
    draft_lesson = catalogue.lesson_create(actor=SYSTEM, module=module, title="Zeta lesson")
    course = build_course(code="KNS-ZZ")
    account = learners.learner_signup(
        national_id=world.person_b2.national_id,
        birth_date=world.person_b2.birth_date,
        password=PASSWORD,
    )
    progress.enrolment_self(actor=account.user, course=course)
    lessons = list(course.lessons.order_by("number"))
    for lesson in lessons:
        progress.lesson_complete(actor=account.user, lesson_id=lesson.pk)
    attempt = quizzes.attempt_start(actor=account.user, quiz=course.quiz)
    return {"draft_lesson": draft_lesson, "lesson": lessons[0], "attempt": attempt}


def authoring_course_b() -> Any:
    """A draft course owned by commune B's organisation HKH-B, with a module, a lesson with an
    attachment, and a quiz with a question (titles carry the marker "Zeta")."""
    from hoctap.learning.services import catalogue

    course = catalogue.course_create(
        actor=SYSTEM, code="KNS-ZETA-B", title="Khóa học Zeta", owner_code="HKH-B"
    )
    module = catalogue.module_create(actor=SYSTEM, course=course, title="Chương Zeta")
    lesson = catalogue.lesson_create(actor=SYSTEM, module=module, title="Bài Zeta")
    catalogue.attachment_add(
        actor=SYSTEM, lesson=lesson, title="Tệp Zeta", file=ContentFile(b"x", name="zeta.txt")
    )
    quiz = catalogue.quiz_set(actor=SYSTEM, course=course, title="Kiểm tra Zeta")
    catalogue.question_create(
        actor=SYSTEM,
        quiz=quiz,
        kind="true_false",
        text="Câu hỏi Zeta?",
        choices=catalogue.true_false_choices(true_is_correct=True),
    )
    return course


def markers(world: World) -> list[str]:
    """Strings that only commune B's records contain."""
    return [
        world.commune_b.code,
        "Khao Mang",
        "Zơ Zeta",
        world.org_b.code,
        world.school_b.code,
        world.officer_b.username,
        world.org_officer_b.username,
        "Zeta",
        world.household_b.code,
        world.clan_b.code,
        world.person_b.national_id,
        world.person_b2.national_id,
        *Certificate.objects.filter(completion__person__village=world.village_b).values_list(
            "code", flat=True
        ),
        "LOP-ZETA-B",
    ]


def foreign_snapshot(world: World) -> dict[str, Any]:
    """Everything in commune B's scope, as plain data, to compare before and after."""
    units = UnitClosure.objects.filter(ancestor=world.commune_b).values("descendant_id")
    org_q = Q(unit_id__in=units) | Q(pk__in=[world.org_b.pk, world.school_b.pk])
    orgs = Organisation.objects.filter(org_q)
    users = User.objects.filter(pk__in=[world.officer_b.pk, world.org_officer_b.pk])
    return {
        "units": list(AdminUnit.objects.filter(pk__in=units).order_by("pk").values()),
        "orgs": list(orgs.order_by("pk").values()),
        "users": list(users.order_by("pk").values()),
        "grants": list(
            RoleGrant.objects.filter(
                Q(unit_id__in=units) | Q(organisation__in=orgs) | Q(user__in=users)
            )
            .order_by("pk")
            .values()
        ),
        "tokens": list(ApiToken.objects.filter(user__in=users).order_by("pk").values()),
        "successions": list(
            UnitSuccession.objects.filter(
                Q(predecessor_id__in=units) | Q(successor_id__in=units)
            ).values()
        ),
        "persons": list(Person.objects.filter(village_id__in=units).order_by("pk").values()),
        "status_changes": list(
            PersonStatusChange.objects.filter(person__village_id__in=units).order_by("pk").values()
        ),
        "households": list(Household.objects.filter(village_id__in=units).order_by("pk").values()),
        "clans": list(Clan.objects.filter(commune_id__in=units).order_by("pk").values()),
        "memberships": list(
            OrganisationMembership.objects.filter(
                Q(person__village_id__in=units) | Q(organisation__in=orgs)
            )
            .order_by("pk")
            .values()
        ),
        "imports": list(ImportJob.objects.filter(actor__in=users).order_by("pk").values()),
        **learning_snapshot(units, orgs),
        "digital_groups": [
            list(model.objects.filter(**{f"{path}__in": units}).order_by("pk").values())
            for model, path in (
                (DigitalTechGroup, "village_id"),
                (DigitalTechGroupMember, "group__village_id"),
                (DigitalTechActivity, "group__village_id"),
            )
        ],
        "certificates": list(
            Certificate.objects.filter(completion__person__village_id__in=units)
            .order_by("pk")
            .values()
        ),
        "courses": [
            list(model.objects.filter(**{path: orgs}).order_by("pk").values())
            for model, path in (
                (Course, "owner__in"),
                (CourseModule, "course__owner__in"),
                (Lesson, "course__owner__in"),
                (LessonAttachment, "lesson__course__owner__in"),
                (Question, "quiz__course__owner__in"),
                (Choice, "question__quiz__course__owner__in"),
            )
        ],
        "learner_accounts": list(
            LearnerAccount.objects.filter(person__village_id__in=units).order_by("pk").values()
        ),
        "learner_passwords": list(
            User.objects.filter(learner_account__person__village_id__in=units)
            .order_by("pk")
            .values("pk", "password")
        ),
        "account_batches": list(
            AccountBatch.objects.filter(organisation__in=orgs).order_by("pk").values()
        ),
        "enrolments": list(
            Enrolment.objects.filter(person__village_id__in=units).order_by("pk").values()
        ),
        "audit": AuditEntry.objects.filter(Q(unit_id__in=units) | Q(organisation__in=orgs))
        .order_by("pk")
        .count(),
    }


def learning_snapshot(units: Any, orgs: Any) -> dict[str, Any]:
    """Commune B's learning records, as plain data."""
    from hoctap.learning import models as learning

    persons = Person.objects.filter(village_id__in=units).values("pk")
    by_person = {
        "accounts": learning.LearnerAccount.objects.filter(person__in=persons),
        "enrolments": learning.Enrolment.objects.filter(person__in=persons),
        "progress": learning.LessonProgress.objects.filter(enrolment__person__in=persons),
        "attempts": learning.QuizAttempt.objects.filter(enrolment__person__in=persons),
        "completions": learning.Completion.objects.filter(person__in=persons),
        "certificates": learning.Certificate.objects.filter(completion__person__in=persons),
        "courses": learning.Course.objects.filter(owner__in=orgs),
        "lessons": learning.Lesson.objects.filter(course__owner__in=orgs),
    }
    return {
        f"learning_{name}": list(rows.order_by("pk").values()) for name, rows in by_person.items()
    }


def intruder_body(world: World, *, api: bool) -> dict[str, Any]:
    """A request body that points every likely field at commune B."""
    b = world.commune_b.code
    body: dict[str, Any] = {
        "parent": b,
        "unit": b,
        "unit_code": b,
        "within": b,
        "organisation": world.org_b.code,
        "organisation_code": world.org_b.code,
        "parent_code": b,
        "code": "INTRUDER-1",
        "name": "Intruder",
        "kind": "village",
        "role": "viewer",
        "username": "intruder",
        "full_name": "Intruder",
        "password": PASSWORD,
        "valid_from": "2025-07-01",
        "valid_to": "2026-01-01",
        "successors": [world.village_b.code] if api else world.village_b.code,
        "is_active": False,
        "note": "intrusion",
        # the registers
        "village": world.village_b.code,
        "commune": b,
        "household": world.household_b.code,
        "clan": world.clan_b.code,
        "national_id": world.person_b.national_id,
        "representative": world.person_b.national_id,
        "birth_date": "1990-01-20",
        "sex": "female",
        "ethnicity": "08",
        "relation_to_head": "spouse",
        "status": "deceased",
        "position": "member",
        "start_date": "2025-07-01",
        "end_date": "2026-01-01",
    }
    return body


def request(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/"):
        return client.generic(method, path, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(path, body)
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def body_text(response: Any) -> str:
    """The body as a person would read it (JSON \\u-escapes decoded, so "Zơ" is "Zơ")."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    text = raw.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


PERSPECTIVES = ["officer_a", "sysadmin_a", "anonymous"]


def client_as(world: World, who: str, client: Client | None = None) -> Client:
    """A client signed in as `who` (a new one, or `client` signed in again: building a Client
    loads the middleware, which is slow, and a route like /logout/ ends the session)."""
    client = client or Client()
    client.cookies.clear()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    return client


@pytest.mark.parametrize("who", PERSPECTIVES)
def test_no_route_reads_or_changes_another_communes_records(world: World, who: str) -> None:
    # a few more of commune B's records for the routes to find: an audit trail and a succession
    closed = geo.village_create(actor=SYSTEM, parent_code=world.commune_b.code, name="Bản Cũ")
    geo.unit_close(
        actor=SYSTEM,
        unit=closed,
        valid_to=closed.valid_from,
        successor_codes=[world.village_b.code],
    )
    values = foreign_values(world)
    secret_markers = markers(world)
    before = foreign_snapshot(world)
    routes = all_routes()
    shared = Client()
    walked = 0
    for route in routes:
        unknown = [p for p in route.params if p not in values]
        assert not unknown, (
            f"Route {route.template!r} has parameters {unknown} that this test cannot fill: "
            "add how to name commune B's record for them in foreign_values()."
        )
        combos = [
            dict(zip(route.params, c, strict=True))
            for c in itertools.product(*(values[p] for p in route.params))
        ]
        for method in METHODS:
            for combo in combos if method == "GET" else combos[:1]:
                client = client_as(world, who, shared)
                path = route.build(combo)
                body = intruder_body(world, api=path.startswith("/api/"))
                response = request(client, method, path, body)
                walked += 1
                # An error may echo what was sent ("Unknown unit code 04465"): that tells the
                # user nothing new, so the values this request carried are taken out first.
                text = body_text(response)
                sent = sorted(
                    {*combo.values(), *(str(v) for v in body.values() if isinstance(v, str))},
                    key=len,
                    reverse=True,
                )
                for value in sent:
                    text = text.replace(value, "")
                leaked = [m for m in secret_markers if m in text]
                assert not leaked, f"{who} {method} {path} shows {leaked} ({response.status_code})"
                if route.params and route.template not in PUBLIC_ROUTES:
                    assert response.status_code >= 300, (
                        f"{who} {method} {path} answered {response.status_code} for commune B"
                    )
                    nowhere_path = route.build({p: nowhere(p, combo[p]) for p in route.params})
                    if method == "GET" and not path.startswith("/admin/"):
                        baseline = request(client_as(world, who, shared), method, nowhere_path, {})
                        assert response.status_code == baseline.status_code, (
                            f"{who} GET {path} answered {response.status_code} but a record that "
                            f"exists nowhere answers {baseline.status_code}: existence leaks"
                        )
        after = foreign_snapshot(world)
        assert after == before, f"{who} changed commune B's records through {route.template}"
    # the walk really covered the project: pages, API and admin
    templates = {r.template for r in routes}
    assert {"api/v1/units/<code>", "api/v1/audit", "home/"} <= templates
    assert walked > 5 * len(routes)


def test_the_markers_are_real_so_the_walk_can_fail(world: World) -> None:
    """Control: someone whose scope covers commune B does see its markers through these routes."""
    client = client_as(world, "secretariat")
    text = body_text(client.get(f"/api/v1/units/{world.village_b.code}"))
    assert world.village_b.name in text
    assert world.commune_b.code in text
    snapshot = foreign_snapshot(world)
    response = client_as(world, "admin").generic(
        "PATCH",
        f"/api/v1/units/{world.village_b.code}",
        json.dumps({"name": "Bản Đổi Tên"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert foreign_snapshot(world) != snapshot
