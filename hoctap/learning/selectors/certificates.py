"""Reads of certificates: the public verification, and lists in scope."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hoctap.core.errors import NotFound
from hoctap.learning.codes import normalise_certificate_code
from hoctap.learning.models import Certificate


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
