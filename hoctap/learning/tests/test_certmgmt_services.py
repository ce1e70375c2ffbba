"""Officers' certificate services: re-issue with today's title, bulk issue and re-issue as a
job (scope, filters, progress, idempotence), refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.learning.models import Certificate, CertificateBatch, Completion
from hoctap.learning.services import catalogue
from hoctap.learning.services import certificates as service
from hoctap.learning.services.completions import certificate_revoke
from hoctap.learning.tasks.certificates import certificate_batch_run_task
from hoctap.learning.tests.certmgmt_data import (
    certificate_of,
    complete,
    count_rows,
    offline_class,
    participant,
)
from hoctap.learning.tests.conftest import LearningWorld, build_course

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, ...]:
    return (*count_rows(Certificate, CertificateBatch, AuditEntry), _valid())


def _valid() -> int:
    return Certificate.objects.filter(status="valid").count()


def test_reissue_current_prints_the_corrected_course_title(learning: LearningWorld) -> None:
    w = learning.world
    old = certificate_of(complete(w.person_a, learning.course))
    catalogue.course_update(actor=SYSTEM, course=learning.course, title="Kỹ năng số nền tảng")
    new = service.certificate_reissue_current(actor=w.officer_a, certificate=old, reason="Sửa tên")
    old.refresh_from_db()
    assert old.status == "revoked"
    assert old.revoked_reason == "Sửa tên"
    assert new.replaces == old
    assert new.is_valid
    assert new.code != old.code
    assert new.course_title == "Kỹ năng số nền tảng"
    assert old.course_title == "Kỹ năng số cơ bản"  # as it was printed
    assert AuditEntry.objects.filter(action="completion.update").count() == 1


def test_reissue_refused_without_manage_changes_nothing(learning: LearningWorld) -> None:
    w = learning.world
    certificate = certificate_of(complete(w.person_a, learning.course))
    catalogue.course_update(actor=SYSTEM, course=learning.course, title="Tên mới")
    before = _state()
    for actor in (w.viewer, w.officer_b, w.secretariat):
        with pytest.raises(PermissionDenied):
            service.certificate_reissue_current(actor=actor, certificate=certificate, reason="x")
    assert _state() == before
    assert Completion.objects.get().title == "Kỹ năng số cơ bản"


def _run_queued(django_capture_on_commit_callbacks: Any, call: Any) -> CertificateBatch:
    with django_capture_on_commit_callbacks(execute=True):
        batch: CertificateBatch = call()
    batch.refresh_from_db()
    return batch


def test_bulk_issue_certifies_completions_in_scope_only_and_twice_issues_nothing_more(
    learning: LearningWorld, django_capture_on_commit_callbacks: Any
) -> None:
    w = learning.world
    a = complete(w.person_a, learning.course, certify=False)
    a2 = complete(w.person_a2, learning.course, certify=False)
    b = complete(w.person_b, learning.course, certify=False)
    imported = complete(
        w.person_a, None, title="An toàn thông tin", channel="imported", platform="other"
    )
    batch = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: service.certificate_bulk_issue_request(actor=w.officer_a),
    )
    assert (batch.status, batch.total, batch.done, batch.issued_count) == ("done", 2, 2, 2)
    assert certificate_of(a).issued_by == w.officer_a
    assert certificate_of(a2).full_name == "Trần Thị Bình"
    assert not b.certificates.exists()
    assert not imported.certificates.exists()
    assert AuditEntry.objects.filter(action="certificate.issue").count() == 2
    finish = AuditEntry.objects.get(action="certificate_batch.finish")
    assert finish.unit_id == w.commune_a.pk
    assert finish.changes["issued"] == 2

    # the task again: the batch is finished, nothing more
    before = _state()
    certificate_batch_run_task.call(batch.pk)
    assert _state() == before
    # a batch left running (a worker died) runs again, and finds nothing left to issue
    CertificateBatch.objects.filter(pk=batch.pk).update(status="running")
    certificate_batch_run_task.call(batch.pk)
    assert Certificate.objects.count() == 2
    batch.refresh_from_db()
    assert (batch.status, batch.issued_count, batch.total) == ("done", 2, 2)
    # a new request: nothing to do, nothing written
    before = _state()
    with pytest.raises(Conflict):
        service.certificate_bulk_issue_request(actor=w.officer_a)
    assert _state() == before


def test_bulk_issue_after_a_revocation_and_by_filters(
    learning: LearningWorld, django_capture_on_commit_callbacks: Any
) -> None:
    w = learning.world
    other = build_course(code="KNS-02")
    revoked = certificate_of(complete(w.person_a, learning.course))
    certificate_revoke(actor=w.officer_a, certificate=revoked, reason="Cấp nhầm")
    klass = offline_class("LOP-A-1", other, w.village_a, [w.person_a2])
    in_class = complete(
        w.person_a2, other, channel="offline_class", certify=False,
        participant=participant(klass, w.person_a2),
    )  # fmt: skip
    # by class: only the class's completion
    batch = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: service.certificate_bulk_issue_request(actor=w.officer_a, class_code="LOP-A-1"),
    )
    assert batch.issued_count == 1
    assert certificate_of(in_class).course_title == other.title
    assert Certificate.objects.filter(completion=revoked.completion, status="valid").count() == 0
    # by course and unit: the revoked one gets a new certificate
    batch = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: service.certificate_bulk_issue_request(
            actor=w.officer_a, course_code="KNS-01", unit_code=w.village_a.code
        ),
    )
    assert batch.issued_count == 1
    assert certificate_of(revoked.completion).code != revoked.code


def test_bulk_issue_refusals_change_nothing(learning: LearningWorld) -> None:
    w = learning.world
    complete(w.person_a, learning.course, certify=False)
    klass_b = offline_class("LOP-B-1", learning.course, w.village_b, [w.person_b])
    complete(
        w.person_b, learning.course, channel="offline_class", certify=False,
        participant=participant(klass_b, w.person_b),
    )  # fmt: skip
    before = _state()
    with pytest.raises(PermissionDenied):
        service.certificate_bulk_issue_request(actor=w.viewer)
    cases = [
        ({"course_code": "NOPE"}, "course_code"),
        ({"class_code": "LOP-B-1"}, "class_code"),  # commune B's class: unknown to A
        ({"unit_code": w.commune_b.code}, "unit_code"),
    ]
    for arguments, field in cases:
        with pytest.raises(InvalidInput) as caught:
            service.certificate_bulk_issue_request(actor=w.officer_a, **arguments)
        assert field in caught.value.errors
    assert _state() == before


def test_bulk_issue_progress_is_written_chunk_by_chunk(
    learning: LearningWorld,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = learning.world
    courses = [learning.course, *(build_course(code=f"KNS-{n:02}") for n in range(2, 6))]
    for course in courses:
        complete(w.person_a, course, certify=False)
    seen: list[int] = []
    real_issue = service._issue_one

    def spy(actor: Any, pk: int) -> bool:
        seen.append(CertificateBatch.objects.get().done)
        return real_issue(actor, pk)

    monkeypatch.setattr(service, "BATCH_CHUNK", 2)
    monkeypatch.setattr(service, "_issue_one", spy)
    batch = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: service.certificate_bulk_issue_request(actor=w.officer_a),
    )
    assert seen == [0, 0, 2, 2, 4]
    assert (batch.done, batch.total, batch.issued_count) == (5, 5, 5)


def test_bulk_reissue_after_a_title_correction(
    learning: LearningWorld, django_capture_on_commit_callbacks: Any
) -> None:
    w = learning.world
    a = certificate_of(complete(w.person_a, learning.course))
    b = certificate_of(complete(w.person_b, learning.course))
    catalogue.course_update(actor=SYSTEM, course=learning.course, title="Kỹ năng số (sửa)")
    before = _state()
    with pytest.raises(InvalidInput) as caught:
        service.certificate_bulk_reissue_request(actor=w.officer_a, course_code="", reason=" ")
    assert set(caught.value.errors) == {"course_code", "reason"}
    with pytest.raises(PermissionDenied):
        service.certificate_bulk_reissue_request(
            actor=w.viewer, course_code="KNS-01", reason="Sửa tên khoá học"
        )
    assert _state() == before
    batch = _run_queued(
        django_capture_on_commit_callbacks,
        lambda: service.certificate_bulk_reissue_request(
            actor=w.officer_a, course_code="KNS-01", reason="Sửa tên khoá học"
        ),
    )
    assert (batch.status, batch.issued_count) == ("done", 1)
    a.refresh_from_db()
    assert a.status == "revoked"
    assert a.revoked_reason == "Sửa tên khoá học"
    assert a.replaced_by.course_title == "Kỹ năng số (sửa)"
    b.refresh_from_db()
    assert b.is_valid  # commune B's certificate: outside the officer's scope
    # again: the new certificates are newer than the batch, nothing more
    CertificateBatch.objects.filter(pk=batch.pk).update(status="queued")
    certificate_batch_run_task.call(batch.pk)
    assert Certificate.objects.filter(completion=a.completion).count() == 2
