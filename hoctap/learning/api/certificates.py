"""`/api/v1/learning/…`: certificates.

- `GET /certificates`, `GET /certificates/{code}`: the certificates of the persons in your
  `learning.view_record` scope (another's is 404); ID numbers masked.
- `POST /certificates/{code}/revoke`, `POST /certificates/{code}/reissue`: with
  `learning.manage_learner` over the person (403 without it).
- `GET /verify/{code}`: public, no sign-in: what the verification page shows (the name partly
  masked, the course, the date, the status and the reason of a revocation).
"""

import datetime
from typing import Any

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.learning.models import Certificate, CertificateStatus
from hoctap.learning.names import mask_name
from hoctap.learning.selectors import certificates as selectors
from hoctap.learning.services.certificates import certificate_reissue_current
from hoctap.learning.services.completions import certificate_revoke

router = Router(tags=["learning: certificates"])


class CertificateOut(Schema):
    code: str
    status: str
    full_name: str = Field(..., description="The name as printed on the certificate")
    national_id: str = Field(..., description="The person's ID number, masked")
    course_code: str | None
    course_title: str = Field(..., description="The course as printed")
    issuer_code: str | None
    issuer_name: str
    completed_on: datetime.date
    channel: str
    issued_on: datetime.date
    issued_at: datetime.datetime
    revoked_at: datetime.datetime | None
    revoked_reason: str
    replaces: str | None = Field(None, description="Code of the certificate this one replaced")
    replaced_by: str | None = Field(None, description="Code of the certificate replacing it")

    @staticmethod
    def resolve_national_id(obj: Certificate) -> str:
        return obj.completion.person.masked_national_id

    @staticmethod
    def resolve_course_code(obj: Certificate) -> str | None:
        course = obj.completion.course
        return course.code if course else None

    @staticmethod
    def resolve_issuer_code(obj: Certificate) -> str | None:
        return obj.issuer.code if obj.issuer else None

    @staticmethod
    def resolve_completed_on(obj: Certificate) -> datetime.date:
        return obj.completion.completed_on

    @staticmethod
    def resolve_channel(obj: Certificate) -> str:
        return obj.completion.channel

    @staticmethod
    def resolve_replaces(obj: Certificate) -> str | None:
        return obj.replaces.code if obj.replaces else None

    @staticmethod
    def resolve_replaced_by(obj: Certificate) -> str | None:
        replacement = getattr(obj, "replaced_by", None)
        return replacement.code if replacement is not None else None


class CertificateFilter(Schema):
    status: CertificateStatus | None = None
    course: str | None = Field(None, description="Course code")
    unit: str | None = Field(None, description="Persons living anywhere beneath this unit")
    issued_from: datetime.date | None = None
    issued_to: datetime.date | None = None
    q: str | None = Field(None, description="Start of the verification code")


class ReasonIn(Schema):
    reason: str = ""


class VerificationOut(Schema):
    code: str
    name: str = Field(..., description="Partly masked: the first word and initials")
    course: str
    issuer: str
    issued_on: datetime.date
    status: str
    revoked_on: datetime.date | None
    reason: str = Field(..., description="Why it was revoked (empty while valid)")


@router.get("/certificates", response={200: list[CertificateOut], **ERRORS})
@paginate(Pages, page_size=100)
def certificate_list(request: AuthedRequest, filters: Query[CertificateFilter]) -> Any:
    return selectors.certificate_list(
        actor=request.auth,
        status=filters.status,
        course_code=filters.course,
        unit_code=filters.unit,
        issued_from=filters.issued_from,
        issued_to=filters.issued_to,
        q=filters.q,
    )


@router.get("/certificates/{code}", response={200: CertificateOut, **ERRORS})
def certificate_detail(request: AuthedRequest, code: str) -> Any:
    return selectors.certificate_get_by_code(actor=request.auth, code=code)


@router.post("/certificates/{code}/revoke", response={200: CertificateOut, **ERRORS})
def certificate_revoke_endpoint(request: AuthedRequest, code: str, payload: ReasonIn) -> Any:
    certificate = selectors.certificate_get_by_code(actor=request.auth, code=code)
    certificate_revoke(actor=request.auth, certificate=certificate, reason=payload.reason)
    return selectors.certificate_get_by_code(actor=request.auth, code=certificate.code)


@router.post("/certificates/{code}/reissue", response={200: CertificateOut, **ERRORS})
def certificate_reissue_endpoint(request: AuthedRequest, code: str, payload: ReasonIn) -> Any:
    """The new certificate (the old one is revoked and points to it)."""
    certificate = selectors.certificate_get_by_code(actor=request.auth, code=code)
    new = certificate_reissue_current(
        actor=request.auth, certificate=certificate, reason=payload.reason
    )
    return selectors.certificate_get_by_code(actor=request.auth, code=new.code)


@router.get("/verify/{code}", response={200: VerificationOut, **ERRORS}, auth=None)
def certificate_verify(request: Any, code: str) -> Any:
    """Public: anyone may check a certificate by its code (case, dashes, O/0 and I/L/1 are
    forgiven)."""
    certificate = selectors.certificate_for_verification(code)
    return {
        "code": certificate.code,
        "name": mask_name(certificate.full_name),
        "course": certificate.course_title,
        "issuer": certificate.issuer_name,
        "issued_on": certificate.issued_on,
        "status": certificate.status,
        "revoked_on": (
            timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None
        ),
        "reason": certificate.revoked_reason,
    }
