"""The officers' pages of learner accounts, bulk creation, course assignment and enrolments,
through the HTTP client: scope, masking, passwords shown once, the audited sheet and exports,
and refusals that change nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World
from hoctap.learning.models import AccountBatch, Enrolment, EnrolmentSource, JobStatus
from hoctap.learning.models import LearnerAccount as Account
from hoctap.learning.services.learners import learner_account_create
from hoctap.learning.tests.conftest import LearningWorld, build_course
from hoctap.learning.tests.test_account_batches import member

pytestmark = pytest.mark.django_db


class CommittingClient(Client):
    """Runs the callbacks queued on commit (the tasks) as production does after a request."""

    capture: Any = None

    def request(self, **request: Any) -> Any:
        with self.capture(execute=True):
            return super().request(**request)


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks: Any) -> None:
    CommittingClient.capture = django_capture_on_commit_callbacks


def signed_in(user: User) -> Client:
    client = CommittingClient()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def content(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def text(response: Any) -> str:
    return content(response).decode("utf-8-sig")


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def accounts(world: World) -> World:
    """Accounts for person_a (self sign-up) and person_b (by commune B's officer)."""
    from hoctap.learning.services.learners import learner_signup

    learner_signup(
        national_id=world.person_a.national_id,
        birth_date=world.person_a.birth_date,
        password=PASSWORD,
    )
    learner_account_create(actor=world.officer_b, person=world.person_b)
    return world


def test_the_account_list_shows_the_scope_masked(accounts: World) -> None:
    world = accounts
    page = text(signed_in(world.officer_a).get(reverse("learning:account_list")))
    assert world.person_a.full_name in page
    assert world.person_a.masked_national_id in page
    assert world.person_a.national_id not in page
    assert world.person_b.full_name not in page
    province = text(signed_in(world.viewer).get(reverse("learning:account_list")))
    assert world.person_a.full_name in province
    assert world.person_b.full_name in province
    assert world.person_b.national_id not in province


def test_the_account_list_filters(accounts: World) -> None:
    world = accounts
    client = signed_in(world.viewer)
    url = reverse("learning:account_list")

    def names(**query: str) -> set[str]:
        page = text(client.get(url, query))
        return {p.full_name for p in (world.person_a, world.person_b) if p.full_name in page}

    everyone = {world.person_a.full_name, world.person_b.full_name}
    assert names() == everyone
    assert names(origin="officer") == {world.person_b.full_name}
    assert names(origin="self_signup") == {world.person_a.full_name}
    assert names(q="lù thi") == {world.person_b.full_name}
    assert names(q="zeta") == {world.person_b.full_name}
    # a viewer sees the numbers masked: the whole number finds a person, its start not
    assert names(q=world.person_a.national_id) == {world.person_a.full_name}
    assert names(q=world.person_a.national_id[:6]) == set()
    assert names(within=world.commune_a.code) == {world.person_a.full_name}
    assert names(organisation=world.org_b.code) == {world.person_b.full_name}


def test_the_account_list_reads_a_fixed_number_of_queries(
    accounts: World, django_assert_max_num_queries: Any
) -> None:
    world = accounts
    client = signed_in(world.viewer)
    url = reverse("learning:account_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for person in (world.person_a2, world.person_b2):
        learner_account_create(actor=SYSTEM, person=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert world.person_b2.full_name in text(client.get(url))


def test_who_may_see_the_account_pages(accounts: World) -> None:
    world = accounts
    learner = Account.objects.get(person=world.person_a).user
    assert signed_in(learner).get(reverse("learning:account_list")).status_code == 403
    assert signed_in(learner).get(reverse("learning:account_create")).status_code == 403
    assert signed_in(world.viewer).get(reverse("learning:account_create")).status_code == 403
    other = Account.objects.get(person=world.person_b)
    detail = reverse("learning:account_detail", args=[other.pk])
    assert signed_in(world.officer_a).get(detail).status_code == 404
    assert signed_in(world.viewer).get(detail).status_code == 200


def test_create_an_account_from_a_search_and_see_the_password_once(world: World) -> None:
    client = signed_in(world.officer_a)
    url = reverse("learning:account_create")
    found = text(client.get(url, {"q": "bình"}))
    assert world.person_a2.full_name in found
    assert world.person_a2.national_id not in found
    assert world.person_b.full_name not in text(client.get(url, {"q": "zeta"}))
    chosen = text(client.get(url, {"person": world.person_a2.pk}))
    assert "Create the account" in chosen
    response = client.post(f"{url}?person={world.person_a2.pk}", {"person": world.person_a2.pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    account = Account.objects.get(person=world.person_a2)
    page = text(response)
    password = page.split("data-temporary-password>")[1].split("<")[0]
    assert authenticate(None, username=world.person_a2.national_id, password=password)
    assert account.must_change_password
    assert AuditEntry.objects.filter(action="learner_account.create").count() == 1
    # the account's page never shows it again
    detail = text(client.get(reverse("learning:account_detail", args=[account.pk])))
    assert password not in detail
    assert "data-temporary-password" not in detail


def test_create_refusals_change_nothing(accounts: World) -> None:
    world = accounts
    client = signed_in(world.officer_a)
    url = reverse("learning:account_create")
    before = Account.objects.count(), AuditEntry.objects.count()
    # outside the scope: not found
    assert client.get(url, {"person": world.person_b2.pk}).status_code == 404
    response = client.post(url, {"person": world.person_b2.pk})
    assert response.status_code == 404
    # already has one: said so, nothing created
    page = text(client.get(url, {"person": world.person_a.pk}))
    assert "already has a learner account" in page
    response = client.post(f"{url}?person={world.person_a.pk}", {"person": world.person_a.pk})
    assert "already has a learner account" in text(response)
    # a bad phone: named on its field
    response = client.post(
        f"{url}?person={world.person_a2.pk}", {"person": world.person_a2.pk, "phone": "12ab"}
    )
    assert "8 to 15 digits" in text(response)
    assert (Account.objects.count(), AuditEntry.objects.count()) == before


def test_reset_a_password(accounts: World) -> None:
    world = accounts
    account = Account.objects.get(person=world.person_a)
    url = reverse("learning:account_reset_password", args=[account.pk])
    assert signed_in(world.officer_a).get(url).status_code == 405
    before = account.user.password
    # a viewer sees the account but may not reset it; another commune's officer does not see it
    assert signed_in(world.viewer).post(url).status_code == 403
    assert signed_in(world.officer_b).post(url).status_code == 404
    assert User.objects.get(pk=account.user_id).password == before
    response = signed_in(world.officer_a).post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = text(response).split("data-temporary-password>")[1].split("<")[0]
    assert authenticate(None, username=world.person_a.national_id, password=PASSWORD) is None
    assert authenticate(None, username=world.person_a.national_id, password=password)
    account.refresh_from_db()
    assert account.must_change_password


def test_set_the_sign_in_phone(accounts: World) -> None:
    world = accounts
    account = Account.objects.get(person=world.person_a)
    url = reverse("learning:account_phone", args=[account.pk])
    client = signed_in(world.officer_a)
    response = client.post(url, {"phone": "12"})
    assert "8 to 15 digits" in text(response)
    account.refresh_from_db()
    assert account.phone == ""
    assert signed_in(world.viewer).post(url, {"phone": "0912345678"}).status_code == 403
    response = client.post(url, {"phone": "0912 345 678"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.phone == "0912345678"
    assert authenticate(None, username="0912345678", password=PASSWORD)


def test_the_register_page_shows_the_learner_account(accounts: World) -> None:
    world = accounts
    client = signed_in(world.officer_a)
    with_account = text(client.get(reverse("registry:person_detail", args=[world.person_a.pk])))
    account = Account.objects.get(person=world.person_a)
    assert "Learner account" in with_account
    assert reverse("learning:account_reset_password", args=[account.pk]) in with_account
    without = text(client.get(reverse("registry:person_detail", args=[world.person_a2.pk])))
    assert f"{reverse('learning:account_create')}?person={world.person_a2.pk}" in without
    # the province's viewer sees the fact, without the actions
    viewer = text(signed_in(world.viewer).get(reverse("registry:person_detail",
                                                       args=[world.person_a.pk])))  # fmt: skip
    assert "Learner account" in viewer
    assert "reset-password" not in viewer


# ---------------------------------------------------------------------------------------------
# Bulk creation
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def teachers(world: World) -> World:
    member(world.person_a, world.org_a.code)
    member(world.person_a2, world.org_a.code)
    return world


def test_bulk_creation_from_the_form_to_the_sheet(teachers: World) -> None:
    world = teachers
    client = signed_in(world.officer_a)
    new = text(client.get(reverse("learning:account_batch_new")))
    assert world.org_a.code in new
    assert world.org_b.code not in new
    response = client.post(
        reverse("learning:account_batch_new"),
        {"organisation": world.org_a.code, "position": "teacher"},
    )
    assert response.status_code == 302
    batch = AccountBatch.objects.get()
    assert response["Location"] == reverse("learning:account_batch_detail", args=[batch.pk])
    assert batch.language == "en"
    # the task ran once the request's transaction committed
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == (JobStatus.DONE, 2)
    page = text(client.get(response["Location"]))
    assert 'data-count="created">2<' in page
    assert "Teacher" in page
    assert "data-progress-url" not in page
    progress = client.get(reverse("learning:account_batch_progress", args=[batch.pk])).json()
    assert progress["finished"] is True
    assert progress["done"] == 2

    sheet_url = reverse("learning:account_batch_sheet_csv", args=[batch.pk])
    assert signed_in(world.admin).get(sheet_url).status_code == 404
    assert signed_in(world.officer_b).get(sheet_url).status_code == 404
    response = client.get(sheet_url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0][5] == "Temporary password"
    assert {r[1] for r in rows[1:]} == {world.person_a.masked_national_id,
                                         world.person_a2.masked_national_id}  # fmt: skip
    for row in rows[1:]:
        number = next(p.national_id for p in (world.person_a, world.person_a2)
                      if p.full_name == row[0])  # fmt: skip
        assert authenticate(None, username=number, password=row[5])
    xlsx = client.get(reverse("learning:account_batch_sheet_xlsx", args=[batch.pk]))
    workbook = load_workbook(io.BytesIO(content(xlsx)), read_only=True)
    assert len(list(workbook.active.iter_rows())) == 3
    assert AuditEntry.objects.filter(action="account_batch.sheet_download").count() == 2

    delete = reverse("learning:account_batch_sheet_delete", args=[batch.pk])
    assert signed_in(world.officer_b).post(delete).status_code == 404
    assert client.get(delete).status_code == 405
    response = client.post(delete)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert not batch.sheet
    assert client.get(sheet_url).status_code == 404
    assert "The sheet was deleted" in text(client.get(response["Location"]))


def test_a_batch_in_progress_shows_its_progress(teachers: World) -> None:
    from hoctap.learning.services.account_batches import account_batch_request

    world = teachers
    batch = account_batch_request(
        actor=world.officer_a, organisation_code=world.org_a.code, queue=False
    )
    client = signed_in(world.officer_a)
    page = text(client.get(reverse("learning:account_batch_detail", args=[batch.pk])))
    assert reverse("learning:account_batch_progress", args=[batch.pk]) in page
    assert '<meta http-equiv="refresh"' in page
    progress = client.get(reverse("learning:account_batch_progress", args=[batch.pk]))
    assert progress["Cache-Control"].startswith("max-age=0")
    assert progress.json()["finished"] is False
    # the sheet is not there yet: back to the page with a message
    response = client.get(reverse("learning:account_batch_sheet_csv", args=[batch.pk]))
    assert response.status_code == 302
    # someone else's batch does not exist for them
    other = signed_in(world.officer_b)
    assert other.get(reverse("learning:account_batch_detail", args=[batch.pk])).status_code == 404
    listed = text(client.get(reverse("learning:account_batch_list")))
    assert world.org_a.name in listed
    assert "every position" in listed
    assert world.org_a.name not in text(other.get(reverse("learning:account_batch_list")))


def test_bulk_creation_refusals_change_nothing(teachers: World) -> None:
    world = teachers
    before = AccountBatch.objects.count(), Account.objects.count(), AuditEntry.objects.count()
    url = reverse("learning:account_batch_new")
    response = signed_in(world.officer_a).post(url, {"organisation": world.org_b.code})
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert signed_in(world.viewer).post(url, {"organisation": world.org_a.code}).status_code == 403
    learner = learner_account_create(actor=SYSTEM, person=world.person_b2)[0].user
    assert signed_in(learner).get(url).status_code == 403
    assert AccountBatch.objects.count() == before[0]
    assert Account.objects.count() == before[1] + 1


# ---------------------------------------------------------------------------------------------
# Course assignment and the enrolments
# ---------------------------------------------------------------------------------------------


def test_assign_a_course_to_an_organisations_members(teachers: World) -> None:
    world = teachers
    course = build_course()
    client = signed_in(world.officer_a)
    form = text(client.get(reverse("learning:assign")))
    assert course.code in form
    response = client.post(
        reverse("learning:assign"),
        {"course": course.code, "target": "organisation", "organisation": world.org_a.code,
         "position": "teacher"},
    )  # fmt: skip
    assert response.status_code == 302
    enrolments = Enrolment.objects.filter(course=course)
    assert {e.person_id for e in enrolments} == {world.person_a.pk, world.person_a2.pk}
    assert {e.source for e in enrolments} == {EnrolmentSource.ORGANISATION}
    assert {e.organisation_id for e in enrolments} == {world.org_a.pk}
    page = text(client.get(response["Location"]))
    assert "2 new enrolments, 0 already enrolled" in page
    assert world.person_a2.full_name in page
    # again: nobody new
    client.post(
        reverse("learning:assign"),
        {"course": course.code, "target": "organisation", "organisation": world.org_a.code},
    )
    assert enrolments.count() == 2


def test_assign_a_course_to_one_person(world: World) -> None:
    course = build_course()
    client = signed_in(world.officer_a)
    page = text(client.get(reverse("learning:assign"), {"person": world.person_a2.pk}))
    assert world.person_a2.full_name in page
    response = client.post(
        reverse("learning:assign") + f"?person={world.person_a2.pk}",
        {"course": course.code, "target": "person", "person": world.person_a2.pk},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("learning:assign"),
        {"course": course.code, "target": "person", "national_id": world.person_a.national_id},
    )
    assert response.status_code == 302
    assert set(Enrolment.objects.values_list("person_id", flat=True)) == {
        world.person_a.pk,
        world.person_a2.pk,
    }
    assert set(Enrolment.objects.values_list("source", flat=True)) == {EnrolmentSource.OFFICER}


def test_assignment_refusals_change_nothing(world: World) -> None:
    course = build_course()
    draft = build_course(code="DRAFT-01")
    from hoctap.learning.services import catalogue

    catalogue.course_set_status(actor=SYSTEM, course=draft, status="archived")
    client = signed_in(world.officer_a)
    url = reverse("learning:assign")
    before = Enrolment.objects.count(), AuditEntry.objects.count()
    cases = [
        ({"course": course.code, "target": "person", "national_id": world.person_b.national_id},
         "No person with this ID number is in your scope"),
        ({"course": course.code, "target": "person"}, "Give the person&#x27;s ID number"),
        ({"course": course.code, "target": "organisation", "organisation": world.org_b.code},
         "Select a valid choice"),
        ({"course": draft.code, "target": "person", "national_id": world.person_a.national_id},
         "Select a valid choice"),
        ({"course": course.code, "target": "organisation", "organisation": world.org_a.code},
         "No current member of this organisation"),
    ]  # fmt: skip
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in text(response), data
    response = client.post(
        url, {"course": course.code, "target": "person", "person": world.person_b.pk}
    )
    assert response.status_code == 200
    assert "Person not found" in text(response)
    assert signed_in(world.viewer).get(url).status_code == 403
    assert (Enrolment.objects.count(), AuditEntry.objects.count()) == before


def test_the_enrolment_list_and_its_audited_exports(learning: LearningWorld) -> None:
    world = learning.world
    from hoctap.learning.services import assignments

    assignments.course_assign_person(actor=SYSTEM, course=learning.course, person=world.person_a)
    assignments.course_assign_person(actor=SYSTEM, course=learning.course, person=world.person_b)
    client = signed_in(world.officer_a)
    url = reverse("learning:enrolment_list")
    page = text(client.get(url))
    assert world.person_a.full_name in page
    assert world.person_b.full_name not in page
    assert world.person_a.national_id not in page
    assert "0 / 3" in page
    province = signed_in(world.viewer)
    assert world.person_b.full_name in text(province.get(url))
    assert world.person_b.full_name not in text(province.get(url, {"within": "02647"}))
    assert world.person_b.full_name not in text(province.get(url, {"status": "completed"}))
    assert world.person_b.full_name in text(province.get(url, {"course": learning.course.code}))
    assert world.person_b.full_name in text(province.get(url, {"organisation": "HKH-B"}))

    response = province.get(reverse("learning:enrolment_export_csv"), {"q": "zeta"})
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(text(response))))
    assert len(rows) == 2
    assert rows[1][0] == world.person_b.full_name
    assert rows[1][1] == world.person_b.masked_national_id
    response = province.get(reverse("learning:enrolment_export_xlsx"))
    workbook = load_workbook(io.BytesIO(content(response)), read_only=True)
    assert len(list(workbook.active.iter_rows())) == 3
    exports = AuditEntry.objects.filter(action="enrolment.export").order_by("pk")
    assert [e.changes["rows"] for e in exports] == [1, 2]
    assert exports[0].changes["filters"] == ["q=zeta"]
    assert signed_in(learning.learner).get(url).status_code == 403


def test_the_enrolment_list_reads_a_fixed_number_of_queries(
    learning: LearningWorld, django_assert_max_num_queries: Any
) -> None:
    world = learning.world
    from hoctap.learning.services import assignments

    assignments.course_assign_person(actor=SYSTEM, course=learning.course, person=world.person_a)
    client = signed_in(world.viewer)
    url = reverse("learning:enrolment_list")
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for person in (world.person_a2, world.person_b, world.person_b2):
        assignments.course_assign_person(actor=SYSTEM, course=learning.course, person=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert world.person_b2.full_name in text(client.get(url))
