"""A certificate as a PDF: an HTML template rendered by WeasyPrint (ADR 0013), in Vietnamese,
A4 landscape, with the learner's name, the course, the date, the issuer, the code and a QR code
pointing at the public verification page.

The font (Noto Sans, SIL OFL) ships in the app and is referenced by file path, so the PDF looks
the same on every server whatever fonts it has. WeasyPrint is allowed to load nothing but that
font and inline `data:` images (the QR code): no network, no other file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hoctap.learning.models import Certificate

FONT_DIR = Path(__file__).resolve().parent / "static" / "learning" / "fonts"
FONT_FILES = {"regular": FONT_DIR / "NotoSans-Regular.ttf", "bold": FONT_DIR / "NotoSans-Bold.ttf"}
# the certificate is an official Vietnamese document, whatever the language of the page
PDF_LANGUAGE = "vi"


def absolute_verify_url(*, code: str, request: HttpRequest | None = None) -> str:
    """The public address of the certificate's verification page: under `HOCTAP_PUBLIC_URL`
    when it is set (the address the public knows the server by, behind a proxy), else the
    address of the request."""
    path = reverse("learning:verify", kwargs={"code": code})
    base = (getattr(settings, "HOCTAP_PUBLIC_URL", "") or "").rstrip("/")
    if base:
        return base + path
    if request is None:
        raise ValueError("HOCTAP_PUBLIC_URL is not set and there is no request to build on")
    return request.build_absolute_uri(path)


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG `data:` URI (medium error correction: a printed, folded
    certificate still scans)."""
    data_uri: str = segno.make(text, error="m", micro=False).svg_data_uri(
        scale=4, border=2, dark="#000", light="#fff"
    )
    return data_uri


def _allowed(url: str) -> bool:
    return url.startswith("data:") or url in {font.as_uri() for font in FONT_FILES.values()}


def _local_url_fetcher() -> Any:
    """WeasyPrint's URL fetcher, restricted to the shipped fonts and inline data (a class from
    WeasyPrint 68 on, a function before)."""
    from weasyprint import urls

    base = getattr(urls, "URLFetcher", None)
    if base is not None:

        class LocalOnly(base):  # type: ignore[misc, valid-type]
            def fetch(self, url: str, headers: Any = None) -> Any:
                if not _allowed(url):
                    raise ValueError(f"The certificate may not load {url}")
                return super().fetch(url, headers)

        return LocalOnly(allowed_protocols={"file", "data"}, fail_on_errors=True)

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - old versions
        if not _allowed(url):
            raise ValueError(f"The certificate may not load {url}")
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch


def certificate_html(*, certificate: Certificate, verify_url: str) -> str:
    """The HTML the PDF is made from (also handy to look at in a browser while designing)."""
    with translation.override(PDF_LANGUAGE):
        return render_to_string(
            "learning/certificates/certificate_pdf.html",
            {
                "certificate": certificate,
                "verify_url": verify_url,
                "qr": qr_data_uri(verify_url),
                "font_regular": FONT_FILES["regular"].as_uri(),
                "font_bold": FONT_FILES["bold"].as_uri(),
            },
        )


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as PDF bytes."""
    from weasyprint import HTML  # imported late: it loads Pango, which only this needs

    html = certificate_html(certificate=certificate, verify_url=verify_url)
    pdf: bytes = HTML(string=html, url_fetcher=_local_url_fetcher()).write_pdf()
    return pdf


def certificate_filename(certificate: Certificate) -> str:
    """`giay-chung-nhan-XXXX-XXXX-XXXX.pdf`, quoted for a Content-Disposition header."""
    return quote(f"giay-chung-nhan-{certificate.code}.pdf")
