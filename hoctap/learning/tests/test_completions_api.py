"""`POST /api/v1/learning/completions` (a batch of records from another platform, the import's
rules) and `GET /api/v1/learning/completions` (the scoped list)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.learning.models import Channel, Completion
from hoctap.learning.services import catalogue
from hoctap.learning.services.completions import completion_record
from hoctap.learning.tests.conftest import LearningWorld

pytestmark = pytest.mark.django_db

URL = "/api/v1/learning/completions"
NOBODY = "001090123456"


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def post(client: Client, records: Any) -> Any:
    return client.post(URL, json.dumps({"records": records}), content_type="application/json")


def snapshot() -> tuple[int, int]:
    return Completion.objects.count(), AuditEntry.objects.count()


def record(national_id: str, **kw: Any) -> dict[str, Any]:
    return {
        "national_id": national_id,
        "course_code": "KNS-01",
        "platform": "national_portal",
        "completed_on": "2025-09-01",
        **kw,
    }


def test_matched_records_are_recorded_and_unmatched_listed_masked(learning: LearningWorld) -> None:
    w = learning.world
    response = post(
        api(w.officer_a),
        [
            record(w.person_a.national_id, score=8.5, certificate_no="QG-1"),
            record(NOBODY),
            {
                "national_id": w.person_a2.national_id,
                "external_course_title": "Kỹ năng số cho phụ nữ",
                "platform": "Hệ thống ngành",
                "completed_on": "15/08/2025",
                "score": "9,25",
            },
            record(w.person_b.national_id),  # commune B: outside the scope, looks the same
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["records"] == 4
    assert (body["created"], body["unchanged"]) == (2, 0)
    assert body["unmatched"] == [
        {"index": 1, "national_id": "********3456", "message": body["unmatched"][0]["message"]},
        {"index": 3, "national_id": "********9876", "message": body["unmatched"][0]["message"]},
    ]
    assert "No person of the register" in body["unmatched"][0]["message"]
    assert NOBODY not in response.content.decode()
    completion = Completion.objects.get(person=w.person_a)
    assert (completion.channel, str(completion.score), completion.certificate_no) == (
        Channel.IMPORTED,
        "8.50",
        "QG-1",
    )
    external = Completion.objects.get(person=w.person_a2)
    assert (external.course_key, external.platform, str(external.score)) == (
        "~ky nang so cho phu nu",
        "sector_system",
        "9.25",
    )
    entry = AuditEntry.objects.get(action="completions.record")
    assert entry.actor == w.officer_a
    assert entry.changes["created"] == 2
    assert entry.changes["unmatched"] == 2
    assert entry.unit == w.commune_a


def test_a_resent_batch_is_unchanged_and_writes_nothing(learning: LearningWorld) -> None:
    w = learning.world
    client = api(w.officer_a)
    batch = [record(w.person_a.national_id, score=8), record(NOBODY)]
    assert post(client, batch).json()["created"] == 1
    before = snapshot()
    batch[0]["score"] = 10  # a re-sent record with another score: the first one stands
    body = post(client, batch).json()
    assert (body["created"], body["unchanged"], len(body["unmatched"])) == (0, 1, 1)
    assert snapshot() == before
    assert str(Completion.objects.get(person=w.person_a).score) == "8.00"


def test_any_malformed_record_refuses_the_batch_and_names_each_problem(
    learning: LearningWorld,
) -> None:
    w = learning.world
    before = snapshot()
    response = post(
        api(w.officer_a),
        [
            record(w.person_a.national_id),  # good
            record(w.person_a2.national_id, course_code="NOPE"),
            record("12345"),
            record(NOBODY, completed_on="2999-01-01"),
            {"national_id": w.person_a2.national_id, "platform": "national_portal"},
            record(w.person_a.national_id, platform="Cổng quốc gia"),  # the same as index 0
            record(w.person_a2.national_id, grade=9),
            "not a record",
        ],
    )
    assert response.status_code == 400
    body = response.json()
    assert "nothing was recorded" in body["detail"]
    problems = [(e["index"], e["field"]) for e in body["errors"]]
    assert problems == [
        (1, "course_code"),
        (2, "national_id"),
        (3, "completed_on"),
        (4, "completed_on"),  # a record without a required field is judged no further
        (5, "national_id"),
        (6, "grade"),
        (7, ""),
    ]
    messages = {(e["index"], e["field"]): e["message"] for e in body["errors"]}
    assert "Unknown course code “NOPE”" in messages[(1, "course_code")]
    assert "12 digits" in messages[(2, "national_id")]
    assert "future" in messages[(3, "completed_on")]
    assert "required" in messages[(4, "completed_on")]
    assert "index 0" in messages[(5, "national_id")]
    assert "Unknown field" in messages[(6, "grade")]
    assert snapshot() == before


def test_an_empty_or_oversized_batch_is_refused(learning: LearningWorld) -> None:
    client = api(learning.world.officer_a)
    assert post(client, []).status_code == 400
    too_many = [record(NOBODY)] * 5001
    response = post(client, too_many)
    assert response.status_code == 400
    assert "records" in response.json()["errors"]
    assert client.post(URL, "{}", content_type="application/json").status_code == 400


def test_scope_an_organisation_officer_records_for_its_members(world: World) -> None:
    from hoctap.learning.tests.conftest import build_course

    build_course()
    body = post(
        api(world.org_officer_b),
        [record(world.person_b.national_id), record(world.person_a.national_id)],
    ).json()
    assert body["created"] == 1
    assert [u["index"] for u in body["unmatched"]] == [1]
    assert Completion.objects.get().person == world.person_b
    entry = AuditEntry.objects.get(action="completions.record")
    assert entry.organisation == world.org_b


def test_who_may_record(learning: LearningWorld) -> None:
    w = learning.world
    for user in (w.secretariat, w.viewer):
        assert post(api(user), [record(w.person_a.national_id)]).status_code == 403
    assert Client().post(URL, "{}", content_type="application/json").status_code == 401
    assert Completion.objects.count() == 0


def test_a_token_can_send_a_batch(learning: LearningWorld) -> None:
    from hoctap.accounts import services as accounts

    w = learning.world
    _token, key = accounts.token_create(actor=SYSTEM, user=w.officer_a)
    client = Client(headers={"authorization": f"Bearer {key}"})
    response = client.post(
        URL,
        json.dumps({"records": [record(w.person_a.national_id)]}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1


# ---------------------------------------------------------------------------------------------
# GET: the scoped list
# ---------------------------------------------------------------------------------------------


def _completions(learning: LearningWorld) -> None:
    w = learning.world
    post(
        api(w.admin),
        [
            record(w.person_a.national_id, platform="national_portal"),
            record(w.person_a2.national_id, platform="sector_system", completed_on="2025-08-01"),
            record(w.person_b.national_id, course_code="", external_course_title="Khoá Zeta"),
        ],
    )
    with transaction.atomic():
        completion_record(
            actor=SYSTEM,
            person=w.person_a2,
            course=learning.course,
            title="",
            platform="provincial_portal",
            channel=Channel.ONLINE,
            completed_on=datetime.date(2025, 10, 1),
        )


def test_the_list_is_scoped_masked_and_filtered(learning: LearningWorld) -> None:
    w = learning.world
    _completions(learning)
    client = api(w.officer_a)
    body = client.get(URL).json()
    assert body["count"] == 3
    assert {item["national_id"] for item in body["items"]} == {"********1234", "********4567"}
    assert "Zeta" not in json.dumps(body, ensure_ascii=False)
    first = body["items"][0]  # newest first
    assert (first["completed_on"], first["channel"], first["course_code"]) == (
        "2025-10-01",
        "online",
        "KNS-01",
    )

    def count(query: str, user: Any = w.officer_a) -> int:
        return int(api(user).get(f"{URL}?{query}").json()["count"])

    assert count("platform=sector_system") == 1
    assert count("channel=imported") == 2
    assert count("course=KNS-01") == 3
    assert count("course=NOPE") == 0
    assert count("completed_from=2025-09-01") == 2
    assert count("completed_to=2025-08-31") == 1
    assert count(f"unit={w.village_a.code}") == 3
    assert count(f"unit={w.commune_b.code}") == 0  # outside the scope: nothing
    assert count("", w.admin) == 4
    assert count(f"unit={w.commune_b.code}", w.admin) == 1
    assert count(f"organisation={w.org_b.code}", w.admin) == 1
    assert count("", w.org_officer_b) == 1  # its member person_b
    assert api(w.officer_a).get(f"{URL}?platform=facebook").status_code == 400


def test_the_list_costs_a_fixed_number_of_queries(
    learning: LearningWorld, django_assert_max_num_queries: Any
) -> None:
    _completions(learning)
    client = api(learning.world.secretariat)
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get(URL).json()["count"] == 4


def test_another_organisations_draft_course_is_an_unknown_code(learning: LearningWorld) -> None:
    """A draft is seen by those who write it only: to others its code does not exist, in a
    batch of completions as on the course pages."""
    w = learning.world
    catalogue.course_create(  # organisation B's, a draft
        actor=SYSTEM, code="ZETA-DRAFT", title="Bản nháp của Zeta", owner_code=w.org_b.code
    )
    before = snapshot()

    response = post(api(w.officer_a), [record(w.person_a.national_id, course_code="ZETA-DRAFT")])

    assert response.status_code == 400
    messages = [e["message"] for e in response.json()["errors"]]
    assert messages == ["Unknown course code “ZETA-DRAFT”."]
    assert snapshot() == before
    # who writes the course may record completions of it
    own = post(api(w.org_officer_b), [record(w.person_b.national_id, course_code="ZETA-DRAFT")])
    assert own.status_code == 200
