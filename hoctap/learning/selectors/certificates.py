"""Reads of certificates: the public verification, the officers' scoped lists and details, and
what a bulk issue or re-issue would touch.

A certificate is about the person of its completion: it is in an actor's scope when that person
is (`selectors.scope.person_scope_q` through `completion__person`); outside, it is *not found*.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.geo.models import UnitClosure
from hoctap.learning.codes import CODE_ALPHABET, CODE_GROUP_LENGTH, normalise_certificate_code
from hoctap.learning.models import (
    Certificate,
    CertificateBatch,
    CertificateStatus,
    Channel,
    Completion,
    Course,
    OfflineClass,
)
from hoctap.learning.selectors.scope import person_in_scope, person_scope_q


def certificate_for_verification(code: str) -> Certificate:
    """The certificate a public verification code names (anyone may ask); NotFound when the
    code is malformed or unknown."""
    normal = normalise_certificate_code(code)
    certificate = (
        Certificate.objects.filter(code=normal).select_related("completion").first()
        if normal
        else None
    )
    if certificate is None:
        raise NotFound(_("No certificate has this code."))
    return certificate


_LOOK_ALIKES = str.maketrans("OIL", "011")  # as `codes.normalise_certificate_code` reads them


def _code_prefix(text: str) -> str | None:
    """The start of a code as a person may type it ("abcd e" → "ABCD-E"), or None when it
    cannot be the start of a code."""
    raw = (text or "").upper().replace("-", "").replace(" ", "").translate(_LOOK_ALIKES)
    if not raw or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))


def _within_unit(path: str, unit_code: str) -> Q:
    return Q(
        **{
            f"{path}__in": UnitClosure.objects.filter(ancestor__code=unit_code).values(
                "descendant_id"
            )
        }
    )


def _with_related(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return certificates.select_related(
        "completion__person__village",
        "completion__course",
        "issuer",
        "replaces",
        "replaced_by",
    )


def certificate_list(
    *,
    actor: Any,
    status: str | None = None,
    course_code: str | None = None,
    unit_code: str | None = None,
    issued_from: datetime.date | None = None,
    issued_to: datetime.date | None = None,
    q: str | None = None,
) -> QuerySet[Certificate]:
    """Certificates of the persons in the actor's `learning.view_record` scope, newest first.
    `unit_code`: persons living anywhere beneath that unit; `q`: the start of a verification
    code (case, dashes and look-alike letters ignored)."""
    certificates = Certificate.objects.filter(
        person_scope_q(actor, Perm.VIEW_LEARNING, "completion__person")
    )
    if status:
        certificates = certificates.filter(status=status)
    if course_code:
        certificates = certificates.filter(completion__course__code=course_code)
    if unit_code:
        certificates = certificates.filter(
            _within_unit("completion__person__village_id", unit_code)
        )
    if issued_from:
        certificates = certificates.filter(issued_on__gte=issued_from)
    if issued_to:
        certificates = certificates.filter(issued_on__lte=issued_to)
    if q and q.strip():
        prefix = _code_prefix(q)
        if prefix is None:
            return certificates.none()
        certificates = certificates.filter(code__startswith=prefix)
    return _with_related(certificates).order_by("-issued_at", "-id")


def certificate_get(*, actor: Any, certificate_id: int) -> Certificate:
    certificate = (
        _with_related(
            Certificate.objects.filter(
                person_scope_q(actor, Perm.VIEW_LEARNING, "completion__person"),
                pk=certificate_id,
            )
        )
        .select_related("issued_by", "revoked_by", "completion__class_participant__offline_class")
        .first()
    )
    if certificate is None:
        raise NotFound(_("Certificate not found."))
    return certificate


def certificate_get_by_code(*, actor: Any, code: str) -> Certificate:
    """The certificate with this verification code, if its person is in the actor's scope."""
    normal = normalise_certificate_code(code)
    certificate = (
        _with_related(
            Certificate.objects.filter(
                person_scope_q(actor, Perm.VIEW_LEARNING, "completion__person"), code=normal
            )
        ).first()
        if normal
        else None
    )
    if certificate is None:
        raise NotFound(_("Certificate not found."))
    return certificate


def certificate_chain(*, certificate: Certificate) -> list[Certificate]:
    """Every certificate issued for the same completion, oldest first: each re-issue replaces
    the one before, so this is the chain of replacements."""
    return list(
        Certificate.objects.filter(completion_id=certificate.completion_id)
        .select_related("replaces")
        .order_by("issued_at", "id")
    )


def certificate_can_manage(*, actor: Any, certificate: Certificate) -> bool:
    """Whether the actor may revoke or re-issue it (to show the buttons; services check)."""
    return person_in_scope(actor, certificate.completion.person_id, Perm.MANAGE_LEARNERS)


# ---------------------------------------------------------------------------------------------
# What a bulk issue or re-issue touches
# ---------------------------------------------------------------------------------------------


def _has_valid_certificate() -> Exists:
    return Exists(
        Certificate.objects.filter(completion_id=OuterRef("pk"), status=CertificateStatus.VALID)
    )


def completions_to_certify(
    *,
    actor: Any,
    course: Course | None = None,
    offline_class: OfflineClass | None = None,
    unit_id: int | None = None,
) -> QuerySet[Completion]:
    """Completions recorded here (online or in a class) of persons in the actor's
    `learning.manage_learner` scope that have no valid certificate: never issued (e.g. a class
    completed before certificates were configured) or revoked. Optionally of one course, one
    class, or persons living beneath one unit."""
    completions = Completion.objects.filter(
        person_scope_q(actor, Perm.MANAGE_LEARNERS, "person"),
        channel__in=[Channel.ONLINE, Channel.OFFLINE_CLASS],
    ).exclude(_has_valid_certificate())
    if course is not None:
        completions = completions.filter(course=course)
    if offline_class is not None:
        completions = completions.filter(class_participant__offline_class=offline_class)
    if unit_id is not None:
        completions = completions.filter(
            person__village_id__in=UnitClosure.objects.filter(ancestor_id=unit_id).values(
                "descendant_id"
            )
        )
    return completions.order_by("id")


def certificates_to_reissue(
    *, actor: Any, course: Course, issued_before: datetime.datetime
) -> QuerySet[Certificate]:
    """The valid certificates of a course issued before `issued_before` (a batch's request
    time: those it re-issued are newer), of persons in the actor's manage scope."""
    return Certificate.objects.filter(
        person_scope_q(actor, Perm.MANAGE_LEARNERS, "completion__person"),
        completion__course=course,
        status=CertificateStatus.VALID,
        issued_at__lt=issued_before,
    ).order_by("id")


def certificate_batch_list(*, actor: Any) -> QuerySet[CertificateBatch]:
    """The bulk issues and re-issues the actor asked for (a superuser sees all)."""
    batches = CertificateBatch.objects.select_related("course", "offline_class", "unit")
    if getattr(actor, "is_superuser", False) and not getattr(actor, "is_system", False):
        return batches
    if not getattr(actor, "is_authenticated", False):
        return batches.none()
    return batches.filter(actor_id=actor.pk)


def certificate_batch_get(*, actor: Any, batch_id: int) -> CertificateBatch:
    """One of the actor's batches; another officer's is *not found*."""
    batch = certificate_batch_list(actor=actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("Certificate batch not found."))
    return batch
