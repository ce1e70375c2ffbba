"""Completions and certificates: the one place a completion is recorded, whatever its channel
(online here, an offline class, another platform), and where Hoctap's certificates are issued,
revoked and re-issued."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.core.text import fold
from hoctap.geo.models import Organisation
from hoctap.learning.codes import new_certificate_code
from hoctap.learning.models import (
    EXTERNAL_KEY_PREFIX,
    Certificate,
    CertificateStatus,
    Channel,
    Completion,
    Course,
    Platform,
)
from hoctap.learning.selectors.scope import person_in_scope
from hoctap.registry.models import Person


def course_key_of(*, course_code: str | None, external_title: str = "") -> str:
    """One completion per person, course and platform: a catalogue course is keyed by its code,
    an external course by its folded title."""
    if course_code:
        return course_code
    return EXTERNAL_KEY_PREFIX + fold(external_title)[:200]


def completion_record(
    *,
    actor: Any,
    person: Person,
    course: Course | None,
    title: str,
    platform: str,
    channel: str,
    completed_on: datetime.date,
    score: decimal.Decimal | None = None,
    certificate_no: str = "",
    enrolment_id: int | None = None,
    class_participant_id: int | None = None,
) -> tuple[Completion, bool]:
    """The completion of `course` (or of the external course `title`) by `person` on
    `platform`: created, or the one already recorded (a record sent again is not counted
    twice). Call inside the transaction of the caller, which checked the permission."""
    key = course_key_of(course_code=course.code if course else None, external_title=title)
    existing = Completion.objects.filter(person=person, course_key=key, platform=platform).first()
    if existing is not None:
        return existing, False
    completion = Completion.objects.create(
        person=person,
        course=course,
        course_key=key,
        title=(course.title if course else title)[:300],
        platform=platform,
        channel=channel,
        completed_on=completed_on,
        score=score,
        certificate_no=certificate_no,
        enrolment_id=enrolment_id,
        class_participant_id=class_participant_id,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="completion.create",
        target=completion,
        changes={
            "course": key,
            "platform": platform,
            "channel": channel,
            "completed_on": completed_on,
        },
        unit_id=person.village_id,
    )
    return completion, True


def _issuer_of(completion: Completion) -> Organisation | None:
    participant = completion.class_participant
    if participant is not None and participant.offline_class.organisation_id:
        return participant.offline_class.organisation
    if completion.course is not None:
        return completion.course.owner
    return None


def certificate_issue(
    *, actor: Any, completion: Completion, replaces: Certificate | None = None
) -> Certificate:
    """A new certificate for a completion recorded here (online or in a class). Call inside
    the caller's transaction, which checked the permission."""
    if completion.channel == Channel.IMPORTED:
        raise Conflict(
            _("A completion recorded on another platform has that platform's certificate.")
        )
    if Certificate.objects.filter(completion=completion, status=CertificateStatus.VALID).exists():
        raise Conflict(_("This completion already has a valid certificate."))
    person = completion.person
    issuer = _issuer_of(completion)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=new_certificate_code(),
                    completion=completion,
                    full_name=person.full_name,
                    course_title=completion.title,
                    issuer=issuer,
                    issuer_name=issuer.name if issuer else "",
                    issued_on=timezone.localdate(),
                    issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                    replaces=replaces,
                )
            break
        except IntegrityError:  # the one-in-10^18 collision of two random codes
            continue
    else:  # pragma: no cover - would take a broken random generator
        raise Conflict(_("Could not draw a new certificate code; try again."))
    audit_record(
        actor=actor,
        action="certificate.issue",
        target=certificate,
        changes={
            "completion": completion.pk,
            "course": completion.title,
            **({"replaces": replaces.code} if replaces else {}),
        },
        unit_id=person.village_id,
        organisation_id=issuer.id if issuer else None,
    )
    return certificate


def _require_manage(actor: Any, certificate: Certificate) -> None:
    if not person_in_scope(actor, certificate.completion.person_id, Perm.MANAGE_LEARNERS):
        raise PermissionDenied(_("You may not change this certificate."))


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke with a reason: the public page then says the certificate is revoked, and why."""
    _require_manage(actor, certificate)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput({"reason": _("Say why the certificate is revoked.")})
    if len(reason) > 300:
        raise InvalidInput({"reason": _("At most %(n)s characters.") % {"n": 300}})
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(_("This certificate is already revoked."))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
    audit_record(
        actor=actor,
        action="certificate.revoke",
        target=certificate,
        changes={"reason": reason},
        unit_id=certificate.completion.person.village_id,
        organisation_id=certificate.issuer_id,
    )
    return certificate


@transaction.atomic
def certificate_reissue(*, actor: Any, certificate: Certificate, reason: str = "") -> Certificate:
    """A new certificate (new code, the person's name as the register has it today) in place
    of this one, which is revoked, pointing at its replacement."""
    _require_manage(actor, certificate)
    completion = certificate.completion
    if certificate.status == CertificateStatus.VALID:
        certificate_revoke(
            actor=actor,
            certificate=certificate,
            reason=reason or _("Re-issued"),
        )
    elif hasattr(certificate, "replaced_by"):
        raise Conflict(_("This certificate has already been replaced."))
    return certificate_issue(actor=actor, completion=completion, replaces=certificate)


__all__ = [
    "Platform",
    "certificate_issue",
    "certificate_reissue",
    "certificate_revoke",
    "completion_record",
    "course_key_of",
]
