"""Officers' work on certificates: re-issue one with today's name and course title, and issue or
re-issue many at once as a background job (`CertificateBatch`) that reports its progress.

One certificate is issued, revoked and re-issued by `services.completions`; this module calls
those, so each certificate has its own audit entry whichever way it came."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import SYSTEM, has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, failure_message
from hoctap.geo.models import AdminUnit
from hoctap.geo.selectors import unit_visible_q
from hoctap.learning.certificate_pdf import certificate_pdf
from hoctap.learning.models import (
    Certificate,
    CertificateBatch,
    CertificateBatchKind,
    CertificateStatus,
    Completion,
    Course,
    JobStatus,
    OfflineClass,
)
from hoctap.learning.selectors.certificates import (
    certificates_to_reissue,
    completions_to_certify,
)
from hoctap.learning.selectors.scope import person_in_scope
from hoctap.learning.services.completions import certificate_issue, certificate_reissue

# Certificates written per transaction of a batch: each commit makes the progress visible.
BATCH_CHUNK = 200
REASON_MAX = 300


def _title_refresh(*, actor: Any, completion: Completion) -> None:
    """A certificate prints the completion's course title: a catalogue course's title
    corrected since the completion was recorded is copied to it first (audited)."""
    course = completion.course
    if course is None or completion.title == course.title:
        return
    before = completion.title
    completion.title = course.title[:300]
    completion.save(update_fields=["title"])
    audit_record(
        actor=actor,
        action="completion.update",
        target=completion,
        changes={"title": [before, completion.title]},
        unit_id=completion.person.village_id,
    )


@transaction.atomic
def certificate_reissue_current(
    *, actor: Any, certificate: Certificate, reason: str = ""
) -> Certificate:
    """Re-issue a certificate (`services.completions.certificate_reissue`) so that the new one
    carries the person's name as the register has it today and the course's current title."""
    if not person_in_scope(actor, certificate.completion.person_id, Perm.MANAGE_LEARNERS):
        raise PermissionDenied(_("You may not change this certificate."))
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": _("At most %(n)s characters.") % {"n": REASON_MAX}})
    _title_refresh(actor=actor, completion=certificate.completion)
    return certificate_reissue(actor=actor, certificate=certificate, reason=reason)


def certificate_pdf_export(*, actor: Any, certificate: Certificate, verify_url: str) -> bytes:
    """A certificate as PDF for an officer who sees its person (`learning.view_record`): the
    copy a class participant without a learner account is given. It carries the person's name
    and leaves the system, so each download is audited (as other exports of personal data).
    A revoked certificate is not served (Conflict)."""
    if not person_in_scope(actor, certificate.completion.person_id, Perm.VIEW_LEARNING):
        raise NotFound(_("Certificate not found."))
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(_("This certificate is revoked and can no longer be downloaded."))
    # rendered before the transaction: on SQLite an open write transaction would hold the
    # database's write lock for the whole rendering
    pdf = certificate_pdf(certificate=certificate, verify_url=verify_url)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="certificate.download",
            target=certificate,
            changes={"code": certificate.code, "format": "pdf"},
            unit_id=certificate.completion.person.village_id,
        )
    return pdf


# ---------------------------------------------------------------------------------------------
# Bulk issue and re-issue
# ---------------------------------------------------------------------------------------------


def _require_manage_somewhere(actor: Any) -> None:
    if not has_permission_somewhere(actor, Perm.MANAGE_LEARNERS):
        raise PermissionDenied(_("You may not issue certificates."))


def _course_of(code: str | None, field: str = "course_code") -> Course | None:
    code = (code or "").strip()
    if not code:
        return None
    course = Course.objects.filter(code=code).first()
    if course is None:
        raise InvalidInput({field: _("Unknown course code %(code)s.") % {"code": code}})
    return course


def _class_of(actor: Any, code: str | None) -> OfflineClass | None:
    code = (code or "").strip()
    if not code:
        return None
    scope = scope_for(actor, Perm.MANAGE_LEARNERS)
    offline_class = (
        OfflineClass.objects.filter(scope.organisations_q("organisation_id", "unit_id"), code=code)
        .select_related("course")
        .first()
    )
    if offline_class is None:
        raise InvalidInput({"class_code": _("Unknown class code %(code)s.") % {"code": code}})
    return offline_class


def _unit_of(actor: Any, code: str | None) -> AdminUnit | None:
    code = (code or "").strip()
    if not code:
        return None
    unit = AdminUnit.objects.filter(unit_visible_q(actor, Perm.MANAGE_LEARNERS), code=code).first()
    if unit is None:
        raise InvalidInput({"unit_code": _("Unknown unit code %(code)s.") % {"code": code}})
    return unit


def _audit_unit_id(actor: Any, *candidates: int | None) -> int | None:
    """The unit a batch's audit entries are filed under: the first of `candidates`, or the
    actor's only granted unit."""
    for unit_id in candidates:
        if unit_id is not None:
            return unit_id
    roots = scope_for(actor, Perm.MANAGE_LEARNERS).unit_ids
    return next(iter(roots)) if len(roots) == 1 else None


def _queue(batch: CertificateBatch) -> None:
    # by name: tasks sit above services in the layers, and the task calls `certificate_batch_run`
    task = import_string("hoctap.learning.tasks.certificates.certificate_batch_run_task")
    batch_id = batch.pk
    transaction.on_commit(lambda: task.enqueue(batch_id))


def _batch_audit(actor: Any, batch: CertificateBatch, action: str, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action=action, target=batch, changes=changes, unit_id=batch.audit_unit_id
    )


@transaction.atomic
def certificate_bulk_issue_request(
    *,
    actor: Any,
    course_code: str | None = None,
    class_code: str | None = None,
    unit_code: str | None = None,
    language: str = "",
) -> CertificateBatch:
    """Queue the issue of a certificate for every completion recorded here (online or in a
    class) in the actor's `learning.manage_learner` scope that has no valid certificate,
    optionally of one course, one class, or persons living beneath one unit. Conflict when
    there is none; nothing is written then."""
    _require_manage_somewhere(actor)
    course = _course_of(course_code)
    offline_class = _class_of(actor, class_code)
    unit = _unit_of(actor, unit_code)
    pending = completions_to_certify(
        actor=actor,
        course=course,
        offline_class=offline_class,
        unit_id=unit.pk if unit else None,
    ).count()
    if not pending:
        raise Conflict(_("Every completion that matches already has a valid certificate."))
    batch = CertificateBatch.objects.create(
        kind=CertificateBatchKind.ISSUE,
        course=course,
        offline_class=offline_class,
        unit=unit,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        audit_unit_id=_audit_unit_id(
            actor, unit.pk if unit else None, offline_class.unit_id if offline_class else None
        ),
        language=language[:10],
        total=pending,
    )
    _batch_audit(
        actor,
        batch,
        "certificate_batch.request",
        {
            "kind": batch.kind,
            "course": course.code if course else "",
            "class": offline_class.code if offline_class else "",
            "unit": unit.code if unit else "",
            "completions": pending,
        },
    )
    _queue(batch)
    return batch


@transaction.atomic
def certificate_bulk_reissue_request(
    *, actor: Any, course_code: str, reason: str, language: str = ""
) -> CertificateBatch:
    """Queue the re-issue of every valid certificate of a course in the actor's manage scope
    (e.g. after its title was corrected): each is revoked with `reason` and replaced by a new
    one with the current title and name."""
    _require_manage_somewhere(actor)
    errors: dict[str, str] = {}
    reason = " ".join((reason or "").split())
    if not reason:
        errors["reason"] = _("Say why the certificates are re-issued.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("At most %(n)s characters.") % {"n": REASON_MAX}
    course: Course | None = None
    if not (course_code or "").strip():
        errors["course_code"] = _("Choose the course.")
    else:
        try:
            course = _course_of(course_code)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    assert course is not None
    now = timezone.now()
    pending = certificates_to_reissue(actor=actor, course=course, issued_before=now).count()
    if not pending:
        raise Conflict(_("No valid certificate of this course to re-issue."))
    batch = CertificateBatch.objects.create(
        kind=CertificateBatchKind.REISSUE,
        course=course,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        audit_unit_id=_audit_unit_id(actor),
        language=language[:10],
        total=pending,
    )
    # what the batch re-issues is what was issued before it was requested
    CertificateBatch.objects.filter(pk=batch.pk).update(created_at=now)
    batch.created_at = now
    _batch_audit(
        actor,
        batch,
        "certificate_batch.request",
        {"kind": batch.kind, "course": course.code, "reason": reason, "certificates": pending},
    )
    _queue(batch)
    return batch


def _issue_one(actor: Any, completion_id: int) -> bool:
    completion = (
        Completion.objects.filter(pk=completion_id)
        .select_related("person", "course__owner", "class_participant__offline_class__organisation")
        .first()
    )
    if completion is None:
        return False
    _title_refresh(actor=actor, completion=completion)
    certificate_issue(actor=actor, completion=completion)
    return True


def _reissue_one(actor: Any, certificate_id: int, reason: str) -> bool:
    certificate = (
        Certificate.objects.filter(pk=certificate_id)
        .select_related(
            "completion__person",
            "completion__course__owner",
            "completion__class_participant__offline_class__organisation",
        )
        .first()
    )
    if certificate is None or not certificate.is_valid:
        return False
    certificate_reissue_current(actor=actor, certificate=certificate, reason=reason)
    return True


def _pending_ids(actor: Any, batch: CertificateBatch) -> list[int]:
    """What is still to do: completions still without a valid certificate, or certificates
    still valid and older than the batch (what a run did no longer matches)."""
    if batch.kind == CertificateBatchKind.REISSUE:
        assert batch.course is not None
        certificates = certificates_to_reissue(
            actor=actor, course=batch.course, issued_before=batch.created_at
        )
        return list(certificates.values_list("pk", flat=True))
    completions = completions_to_certify(
        actor=actor,
        course=batch.course,
        offline_class=batch.offline_class,
        unit_id=batch.unit_id,
    )
    return list(completions.values_list("pk", flat=True))


def _finish(batch: CertificateBatch, actor: Any, status: str, message: str = "") -> None:
    with transaction.atomic():
        batch.status, batch.message, batch.finished_at = status, message, timezone.now()
        batch.save(update_fields=["status", "message", "finished_at", "updated_at"])
        _batch_audit(
            actor,
            batch,
            "certificate_batch.finish",
            {
                "status": status,
                "issued": batch.issued_count,
                "skipped": batch.skipped_count,
                **({"message": message} if message else {}),
            },
        )


def certificate_batch_run(*, batch_id: int) -> CertificateBatch:
    """Do a queued batch, `BATCH_CHUNK` certificates per transaction (the progress shows after
    each), as the officer who asked and within their scope as it is now. Safe to run twice: a
    finished batch is left as it is, and what a run did is no longer to do."""
    batch = (
        CertificateBatch.objects.filter(pk=batch_id)
        .select_related("course", "offline_class", "actor")
        .first()
    )
    if batch is None:
        raise NotFound(_("Certificate batch not found."))
    if batch.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return batch
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        return _run(batch)


def _run(batch: CertificateBatch) -> CertificateBatch:
    actor = batch.actor
    if actor is None or not actor.is_active:
        # the officer's account is gone: nobody's scope to work in
        _finish(batch, SYSTEM, JobStatus.FAILED, _("The officer who asked can no longer sign in."))
        return batch
    ids = _pending_ids(actor, batch)
    batch.status = JobStatus.RUNNING
    batch.started_at = batch.started_at or timezone.now()
    batch.total = batch.done + len(ids)
    batch.save(update_fields=["status", "started_at", "total", "updated_at"])
    one: Callable[[int], bool]
    if batch.kind == CertificateBatchKind.REISSUE:
        reason = batch.reason

        def one(pk: int) -> bool:
            return _reissue_one(actor, pk, reason)
    else:

        def one(pk: int) -> bool:
            return _issue_one(actor, pk)

    try:
        for start in range(0, len(ids), BATCH_CHUNK):
            with transaction.atomic():
                issued = skipped = 0
                for pk in ids[start : start + BATCH_CHUNK]:
                    try:
                        with transaction.atomic():
                            done = one(pk)
                    except (Conflict, PermissionDenied, InvalidInput):
                        done = False  # changed since it was listed (e.g. issued meanwhile)
                    issued, skipped = issued + done, skipped + (not done)
                batch.done += issued + skipped
                batch.issued_count += issued
                batch.skipped_count += skipped
                batch.save(update_fields=["done", "issued_count", "skipped_count", "updated_at"])
    except Exception as exc:
        batch.refresh_from_db()
        _finish(batch, actor, JobStatus.FAILED, failure_message(exc)[:500])
        raise
    _finish(batch, actor, JobStatus.DONE)
    return batch
