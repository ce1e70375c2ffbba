"""The officers' certificate pages and API, through the HTTP client: scoped lists with filters
and masked ID numbers, details with the chain of replacements, revocation and re-issue
(403 inside the scope without the right, 404 outside, nothing changed when refused), bulk issue
with its progress page, and the public verification endpoint."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.learning.models import Certificate, CertificateBatch, Completion, LearnerAccount
from hoctap.learning.services.completions import certificate_revoke
from hoctap.learning.tests.certmgmt_data import add_persons, certificate_of, complete
from hoctap.learning.tests.conftest import LearningWorld, build_course

pytestmark = pytest.mark.django_db

AsUser = Callable[[Any], Client]


@pytest.fixture
def as_user(as_user: AsUser) -> AsUser:
    """Clients whose pages are in English (the language chosen with the switcher): messages
    are compared in English; the Vietnamese catalogue is made centrally."""

    def english(user: Any) -> Client:
        client = as_user(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return english


def _text(response: Any) -> str:
    return response.content.decode()


def _snapshot() -> dict[str, Any]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Certificate, CertificateBatch, Completion, AuditEntry)
    }


@pytest.fixture
def certs(learning: LearningWorld) -> dict[str, Certificate]:
    w = learning.world
    other = build_course(code="KNS-02")
    return {
        "a": certificate_of(complete(w.person_a, learning.course)),
        "a2": certificate_of(complete(w.person_a2, other, on=datetime.date(2025, 10, 1))),
        "b": certificate_of(complete(w.person_b, learning.course)),
    }


# ---------------------------------------------------------------------------------------------
# List and detail
# ---------------------------------------------------------------------------------------------


def test_the_list_shows_the_scope_masked(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    page = _text(as_user(world.officer_a).get(reverse("learning:certificate_list")))
    assert certs["a"].code in page
    assert certs["a2"].code in page
    assert certs["b"].code not in page
    assert "Zeta" not in page
    assert world.person_a.masked_national_id in page
    assert world.person_a.national_id not in page
    # the province's secretariat sees both communes
    page = _text(as_user(world.secretariat).get(reverse("learning:certificate_list")))
    assert certs["b"].code in page


def test_the_list_filters(world: World, certs: dict[str, Certificate], as_user: AsUser) -> None:
    client = as_user(world.secretariat)
    url = reverse("learning:certificate_list")
    certificate_revoke(actor=world.admin, certificate=certs["a"], reason="Cấp nhầm")

    def shown(**query: str) -> set[str]:
        page = _text(client.get(url, query))
        return {name for name, c in certs.items() if c.code in page}

    assert shown(status="revoked") == {"a"}
    assert shown(status="valid") == {"a2", "b"}
    assert shown(course="KNS-02") == {"a2"}
    assert shown(unit=world.commune_b.code) == {"b"}
    assert shown(unit=world.commune_a.code) == {"a", "a2"}
    assert shown(q=certs["b"].code.lower().replace("-", "")[:6]) == {"b"}
    assert shown(q="not a code!") == set()
    today = certs["a"].issued_on.isoformat()
    assert shown(issued_from=today, issued_to=today) == {"a", "a2", "b"}
    assert shown(issued_to="2000-01-01") == set()
    page = _text(client.get(url, {"issued_from": "2025-02-01", "issued_to": "2025-01-01"}))
    assert "before its start" in page


def test_the_list_query_count_does_not_grow_with_rows(
    learning: LearningWorld, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    w = learning.world
    client = as_user(w.officer_a)
    url = reverse("learning:certificate_list")
    complete(w.person_a, learning.course)
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for person in add_persons(w.village_a, 60):
        complete(person, learning.course)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Người Số 1" in _text(response)
    assert "page=2" in _text(response)


def test_the_detail_shows_the_chain_and_its_audit(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    old = certs["a"]
    response = as_user(world.officer_a).post(
        reverse("learning:certificate_reissue", args=[old.pk]), {"reason": "Sai ngày sinh"}
    )
    new = Certificate.objects.get(replaces=old)
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:certificate_detail", args=[new.pk])
    page = _text(as_user(world.secretariat).get(response["Location"]))
    assert old.code in page
    assert new.code in page
    assert "Sai ngày sinh" in page
    assert "certificate.issue" in page  # the audit entries (the secretariat may read them)
    assert f"/verify/{new.code}" in page
    # the actions: none on a replaced certificate; both on the valid one, for a manager only
    officer = as_user(world.officer_a)
    page = _text(officer.get(reverse("learning:certificate_detail", args=[old.pk])))
    assert reverse("learning:certificate_revoke", args=[old.pk]) not in page
    assert reverse("learning:certificate_reissue", args=[old.pk]) not in page
    page = _text(officer.get(response["Location"]))
    assert reverse("learning:certificate_revoke", args=[new.pk]) in page
    assert reverse("learning:certificate_reissue", args=[new.pk]) in page
    page = _text(as_user(world.viewer).get(response["Location"]))
    assert reverse("learning:certificate_revoke", args=[new.pk]) not in page


def test_outside_the_scope_is_not_found_and_nothing_changes(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    b = certs["b"]
    before = _snapshot()
    assert client.get(reverse("learning:certificate_detail", args=[b.pk])).status_code == 404
    for name in ("certificate_revoke", "certificate_reissue"):
        url = reverse(f"learning:{name}", args=[b.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert _snapshot() == before


def test_an_officer_downloads_the_pdf_of_a_class_participant_without_an_account(
    world: World, learning: LearningWorld, as_user: AsUser
) -> None:
    """A participant of an offline class has no learner account: the officer prints their
    certificate from its page, and the download is on record."""
    assert not LearnerAccount.objects.filter(person=world.person_a2).exists()
    certificate = certificate_of(
        complete(world.person_a2, learning.course, channel="offline_class")
    )
    client = as_user(world.officer_a)
    url = reverse("learning:certificate_pdf_download", args=[certificate.pk])
    page = _text(client.get(reverse("learning:certificate_detail", args=[certificate.pk])))
    assert f'href="{url}"' in page
    assert "Certificate (PDF)" in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"giay-chung-nhan-{certificate.code}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert certificate.code in text
    assert certificate.full_name in text
    assert f"http://testserver/verify/{certificate.code}" in text
    entry = AuditEntry.objects.get(action="certificate.download")
    assert entry.actor == world.officer_a
    assert entry.target_id == str(certificate.pk)
    assert entry.unit_id == world.person_a2.village_id
    # the download shows in the certificate's audit trail
    page = _text(
        as_user(world.secretariat).get(
            reverse("learning:certificate_detail", args=[certificate.pk])
        )
    )
    assert "certificate.download" in page


def test_the_pdf_outside_the_scope_is_not_found_and_not_audited(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    before = _snapshot()
    url = reverse("learning:certificate_pdf_download", args=[certs["b"].pk])
    assert client.get(url).status_code == 404
    nowhere = reverse("learning:certificate_pdf_download", args=[987654321])
    assert client.get(nowhere).status_code == 404
    assert client.post(url).status_code == 405
    assert as_user(world.officer_b).get(url).status_code == 200  # in commune B's scope
    assert AuditEntry.objects.filter(action="certificate.download").count() == 1
    assert Certificate.objects.count() == len(before["Certificate"])


def test_a_revoked_certificates_pdf_is_not_served(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    a = certs["a"]
    certificate_revoke(actor=world.admin, certificate=a, reason="Cấp nhầm")
    client = as_user(world.officer_a)
    detail = reverse("learning:certificate_detail", args=[a.pk])
    url = reverse("learning:certificate_pdf_download", args=[a.pk])
    assert url not in _text(client.get(detail))
    before = _snapshot()
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert "This certificate is revoked and can no longer be downloaded." in _text(response)
    assert _snapshot() == before


def test_revoke_and_reissue_need_the_manage_right(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    viewer = as_user(world.viewer)  # sees the province's learning records, manages nothing
    a = certs["a"]
    assert viewer.get(reverse("learning:certificate_detail", args=[a.pk])).status_code == 200
    before = _snapshot()
    for name in ("certificate_revoke", "certificate_reissue"):
        url = reverse(f"learning:{name}", args=[a.pk])
        assert viewer.get(url).status_code == 403
        assert viewer.post(url, {"reason": "x"}).status_code == 403
    for name in ("certificate_bulk_issue", "certificate_bulk_reissue"):
        assert viewer.post(reverse(f"learning:{name}"), {"reason": "x"}).status_code == 403
    assert _snapshot() == before


def test_revoke_through_the_page(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    a = certs["a"]
    url = reverse("learning:certificate_revoke", args=[a.pk])
    before = _snapshot()
    page = _text(client.post(url, {"reason": "   "}))
    assert "This field is required" in page
    assert _snapshot() == before
    response = client.post(url, {"reason": "Học viên gian lận"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "revoked"
    assert a.revoked_reason == "Học viên gian lận"
    assert a.revoked_by == world.officer_a
    # again: a conflict on the form, nothing more
    before = _snapshot()
    assert "already revoked" in _text(client.post(url, {"reason": "Lần nữa"}))
    assert _snapshot() == before


# ---------------------------------------------------------------------------------------------
# Bulk issue through the pages
# ---------------------------------------------------------------------------------------------


def test_bulk_issue_through_the_pages(
    learning: LearningWorld, as_user: AsUser, django_capture_on_commit_callbacks: Any
) -> None:
    w = learning.world
    complete(w.person_a, learning.course, certify=False)
    complete(w.person_b, learning.course, certify=False)
    client = as_user(w.officer_a)
    url = reverse("learning:certificate_bulk_issue")
    assert client.get(url).status_code == 200
    before = _snapshot()
    page = _text(client.post(url, {"unit_code": w.commune_b.code}))
    assert "Unknown unit code" in page
    assert _snapshot() == before
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"course_code": "KNS-01"})
    assert response.status_code == 302
    batch = CertificateBatch.objects.get()
    assert response["Location"] == reverse("learning:certificate_batch_detail", args=[batch.pk])
    page = _text(client.get(response["Location"]))
    assert "Finished: 1 certificate issued." in page
    assert "data-progress-url" not in page
    progress = client.get(reverse("learning:certificate_batch_progress", args=[batch.pk])).json()
    assert progress == {
        "status": "done", "finished": True, "done": 1, "total": 1, "text": "Done",
    }  # fmt: skip
    assert Certificate.objects.filter(completion__person=w.person_b).count() == 0
    # nothing left: a clear message, no new batch
    assert "already has a valid certificate" in _text(client.post(url, {}))
    assert CertificateBatch.objects.count() == 1
    # another officer's batch does not exist for them
    other = as_user(w.officer_b)
    for name in ("certificate_batch_detail", "certificate_batch_progress"):
        assert other.get(reverse(f"learning:{name}", args=[batch.pk])).status_code == 404


def test_a_queued_batch_page_polls_its_progress(learning: LearningWorld, as_user: AsUser) -> None:
    w = learning.world
    complete(w.person_a, learning.course, certify=False)
    client = as_user(w.officer_a)
    client.post(reverse("learning:certificate_bulk_issue"), {})  # the task waits for the commit
    batch = CertificateBatch.objects.get()
    page = _text(client.get(reverse("learning:certificate_batch_detail", args=[batch.pk])))
    progress_url = reverse("learning:certificate_batch_progress", args=[batch.pk])
    assert f'data-progress-url="{progress_url}"' in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert client.get(progress_url).json()["finished"] is False


def test_bulk_reissue_through_the_page_requires_a_reason(
    learning: LearningWorld, as_user: AsUser
) -> None:
    w = learning.world
    complete(w.person_a, learning.course)
    client = as_user(w.officer_a)
    before = _snapshot()
    page = _text(
        client.post(reverse("learning:certificate_bulk_reissue"), {"course_code": "KNS-01"})
    )
    assert "This field is required" in page
    assert _snapshot() == before
    response = client.post(
        reverse("learning:certificate_bulk_reissue"),
        {"course_code": "KNS-01", "reason": "Sửa tên khoá học"},
    )
    assert response.status_code == 302
    assert CertificateBatch.objects.get().kind == "reissue"


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------

API = "/api/v1/learning"


def test_api_list_and_detail_are_scoped(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    body = client.get(f"{API}/certificates").json()
    codes = {item["code"] for item in body["items"]}
    assert codes == {certs["a"].code, certs["a2"].code}
    item = next(i for i in body["items"] if i["code"] == certs["a"].code)
    assert item["national_id"] == world.person_a.masked_national_id
    assert item["course_code"] == "KNS-01"
    assert item["issuer_code"] == "SGDDT-15"
    assert {i["code"] for i in client.get(f"{API}/certificates?course=KNS-02").json()["items"]} == {
        certs["a2"].code
    }
    code = certs["a"].code
    detail = client.get(f"{API}/certificates/{code.lower()}")
    assert detail.status_code == 200
    assert detail.json()["full_name"] == "Nguyễn Văn An"
    assert client.get(f"{API}/certificates/{certs['b'].code}").status_code == 404
    assert client.get(f"{API}/certificates/NOT-A-CODE").status_code == 404


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_api_revoke_and_reissue(
    world: World, certs: dict[str, Certificate], as_user: AsUser
) -> None:
    a, b = certs["a"], certs["b"]
    before = _snapshot()
    viewer = _post(as_user(world.viewer), f"{API}/certificates/{a.code}/revoke", {"reason": "x"})
    assert viewer.status_code == 403
    outside = _post(
        as_user(world.officer_a), f"{API}/certificates/{b.code}/revoke", {"reason": "x"}
    )
    assert outside.status_code == 404
    empty = _post(as_user(world.officer_a), f"{API}/certificates/{a.code}/revoke", {"reason": ""})
    assert empty.status_code == 400
    assert "reason" in empty.json()["errors"]
    assert _snapshot() == before

    client = as_user(world.officer_a)
    response = _post(client, f"{API}/certificates/{a.code}/reissue", {"reason": "Đổi tên"})
    assert response.status_code == 200
    new = response.json()
    assert new["replaces"] == a.code
    assert new["status"] == "valid"
    old = client.get(f"{API}/certificates/{a.code}").json()
    assert old["status"] == "revoked"
    assert old["replaced_by"] == new["code"]
    assert old["revoked_reason"] == "Đổi tên"
    response = _post(client, f"{API}/certificates/{new['code']}/revoke", {"reason": "Gian lận"})
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    again = _post(client, f"{API}/certificates/{new['code']}/revoke", {"reason": "Lại"})
    assert again.status_code == 409


def test_api_public_verification(world: World, certs: dict[str, Certificate]) -> None:
    anonymous = Client()
    b = certs["b"]
    body = anonymous.get(f"{API}/verify/{b.code.lower().replace('-', '')}").json()
    assert body["name"] == "Lù T** Z***"
    assert body["course"] == "Kỹ năng số cơ bản"
    assert body["status"] == "valid"
    assert body["reason"] == ""
    assert "Zeta" not in json.dumps(body, ensure_ascii=False)
    certificate_revoke(actor=world.admin, certificate=b, reason="Cấp nhầm người")
    body = anonymous.get(f"{API}/verify/{b.code}").json()
    assert body["status"] == "revoked"
    assert body["reason"] == "Cấp nhầm người"
    assert body["revoked_on"] is not None
    missing = anonymous.get(f"{API}/verify/AAAA-BBBB-CCCC")
    assert missing.status_code == 404
    assert missing.json()["detail"]
    # the officers' endpoints are not public
    assert anonymous.get(f"{API}/certificates/{b.code}").status_code == 401
