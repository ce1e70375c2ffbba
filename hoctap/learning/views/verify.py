"""The public certificate verification: `/verify/` (type a code) and `/verify/<code>` (what a
certificate's QR code opens). No sign-in: anyone holding a certificate, or shown one, checks it
here. The learner's name is partly masked (`hoctap.learning.names.mask_name`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from hoctap.core.errors import NotFound
from hoctap.learning.forms.portal import VerifyForm
from hoctap.learning.names import mask_name
from hoctap.learning.selectors.certificates import certificate_for_verification


@require_safe
def verify_form(request: HttpRequest) -> HttpResponse:
    """A form to type a code (a GET form: the result is an address one can share)."""
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("learning:verify", code=form.cleaned_data["code"])
    return render(request, "learning/verify/form.html", {"form": form})


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What the certificate with this code says: valid or revoked (with the reason), for whom
    (masked), which course, when, by whom. An unknown or malformed code: 404."""
    try:
        certificate = certificate_for_verification(code)
    except NotFound as exc:
        return render(
            request,
            "learning/verify/not_found.html",
            {"form": VerifyForm(), "message": exc.message},
            status=404,
        )
    if certificate.code != code:  # typed in lower case, without dashes…: the one address
        return redirect("learning:verify", code=certificate.code)
    replacement = getattr(certificate, "replaced_by", None)
    return render(
        request,
        "learning/verify/certificate.html",
        {
            "certificate": certificate,
            "masked_name": mask_name(certificate.full_name),
            "replaced": replacement is not None,
        },
    )


urlpatterns: list[URLPattern] = [
    path("verify/", verify_form, name="verify_form"),
    path("verify/<str:code>", verify, name="verify"),
]
