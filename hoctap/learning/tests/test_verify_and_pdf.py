"""The public verification page, the masking of names and the certificate PDF."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from hoctap.accounts.permissions import SYSTEM
from hoctap.learning.certificate_pdf import (
    absolute_verify_url,
    certificate_html,
    certificate_pdf,
    qr_data_uri,
)
from hoctap.learning.models import Certificate
from hoctap.learning.names import mask_name
from hoctap.learning.services import completions, progress, quizzes
from hoctap.learning.tests.conftest import LearningWorld, correct_answers


def issued(learning: LearningWorld) -> Certificate:
    actor = learning.learner
    progress.enrolment_self(actor=actor, course=learning.course)
    for lesson in learning.lessons:
        progress.lesson_complete(actor=actor, lesson_id=lesson.pk)
    attempt = quizzes.attempt_start(actor=actor, quiz=learning.quiz)
    result = quizzes.attempt_submit(
        actor=actor, attempt_id=attempt.pk, answers=correct_answers(attempt)
    )
    assert result.certificate is not None
    return result.certificate


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V** A*"),
        ("Lù Thị Zeta", "Lù T** Z***"),
        ("Vàng A Zeta", "Vàng A Z***"),
        ("  Trần   Thị  Bình ", "Trần T** B***"),
        ("Zeta", "Z***"),
        ("", ""),
    ],
)
def test_mask_name_keeps_the_family_name_and_initials(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_a_masked_name_never_shows_the_given_name() -> None:
    for name in ("Lù Thị Zeta", "Vàng A Zeta", "Hoàng Thị Thu Hương"):
        assert name.split()[-1] not in mask_name(name)


# --- the public page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_verifies_a_valid_certificate(learning: LearningWorld) -> None:
    certificate = issued(learning)
    response = Client().get(reverse("learning:verify", args=[certificate.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-status="valid"' in text
    assert "Nguyễn V** A*" in text
    assert "Nguyễn Văn An" not in text
    assert learning.world.person_a.national_id not in text
    assert certificate.course_title in text
    assert certificate.issuer_name in text
    assert "noindex" in text


@pytest.mark.django_db
def test_a_revoked_certificate_says_so_with_the_reason(learning: LearningWorld) -> None:
    certificate = issued(learning)
    completions.certificate_revoke(
        actor=SYSTEM, certificate=certificate, reason="Cấp nhầm người học"
    )
    text = Client().get(reverse("learning:verify", args=[certificate.code])).content.decode()
    assert 'data-status="revoked"' in text
    assert "ĐÃ THU HỒI" in text  # the public page speaks Vietnamese
    assert "Cấp nhầm người học" in text
    assert 'data-status="valid"' not in text


@pytest.mark.django_db
def test_a_reissued_certificate_points_to_its_replacement(learning: LearningWorld) -> None:
    old = issued(learning)
    new = completions.certificate_reissue(actor=SYSTEM, certificate=old, reason="Đổi tên")
    text = Client().get(reverse("learning:verify", args=[old.code])).content.decode()
    assert 'id="replaced"' in text
    assert new.code not in text  # the new code is the holder's to show
    fresh = Client().get(reverse("learning:verify", args=[new.code])).content.decode()
    assert 'data-status="valid"' in fresh


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["0000-0000-0000", "not-a-code", "ABCD", "X" * 40])
def test_an_unknown_or_malformed_code_is_not_found(learning: LearningWorld, code: str) -> None:
    response = Client().get(reverse("learning:verify", args=[code]))
    assert response.status_code == 404
    assert 'id="not-found"' in response.content.decode()


@pytest.mark.django_db
def test_a_code_typed_loosely_leads_to_the_one_address(learning: LearningWorld) -> None:
    certificate = issued(learning)
    loose = certificate.code.replace("-", "").lower()
    response = Client().get(reverse("learning:verify", args=[loose]))
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:verify", args=[certificate.code])


@pytest.mark.django_db
def test_the_verify_form_goes_to_the_certificate_or_explains(learning: LearningWorld) -> None:
    certificate = issued(learning)
    client = Client()
    assert client.get(reverse("learning:verify_form")).status_code == 200
    typed = " " + certificate.code.lower() + " "
    response = client.get(reverse("learning:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:verify", args=[certificate.code])
    wrong = client.get(reverse("learning:verify_form"), {"code": "12"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]


# --- the PDF --------------------------------------------------------------------------------


def pdf_text_and_links(data: bytes) -> tuple[str, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    links = [
        annot.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    return text, links


@pytest.mark.django_db
def test_the_pdf_holds_the_name_course_code_and_verify_address(learning: LearningWorld) -> None:
    certificate = issued(learning)
    url = f"https://hoctap.example.vn/verify/{certificate.code}"
    data = certificate_pdf(certificate=certificate, verify_url=url)
    assert data.startswith(b"%PDF")
    text, links = pdf_text_and_links(data)
    assert certificate.code in text
    assert url in text
    assert "Nguyễn Văn An" in text  # the name as printed, Vietnamese shaped by the shipped font
    assert certificate.course_title in text
    assert certificate.issued_on.strftime("%d/%m/%Y") in text
    assert url in links  # the QR code is a link to the same address
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    # the shipped font (named by the @font-face rule), not one of the server's fonts
    assert fonts
    assert all("Hoctap-Sans" in f for f in fonts), fonts


@pytest.mark.django_db
def test_the_qr_code_in_the_html_encodes_the_verify_address(learning: LearningWorld) -> None:
    certificate = issued(learning)
    url = f"https://hoctap.example.vn/verify/{certificate.code}"
    html = certificate_html(certificate=certificate, verify_url=url)
    assert qr_data_uri(url) in html
    assert qr_data_uri(url + "x") not in html


def test_the_verify_address_uses_the_public_url_when_set() -> None:
    request = RequestFactory().get("/learn/", HTTP_HOST="localhost:8000")
    with override_settings(HOCTAP_PUBLIC_URL=""):
        assert (
            absolute_verify_url(code="ABCD-EFGH-JKMN", request=request)
            == "http://localhost:8000/verify/ABCD-EFGH-JKMN"
        )
    with override_settings(HOCTAP_PUBLIC_URL="https://hoctap.laocai.gov.vn/"):
        assert (
            absolute_verify_url(code="ABCD-EFGH-JKMN", request=request)
            == "https://hoctap.laocai.gov.vn/verify/ABCD-EFGH-JKMN"
        )
        assert absolute_verify_url(code="ABCD-EFGH-JKMN").startswith("https://hoctap.")


@pytest.mark.django_db
def test_the_learners_pdf_points_at_this_servers_verify_page(learning: LearningWorld) -> None:
    certificate = issued(learning)
    from hoctap.conftest import client_for

    response = client_for(learning.learner).get(
        reverse("learning:certificate_pdf", args=[certificate.code])
    )
    text, links = pdf_text_and_links(response.content)
    expected = f"http://testserver/verify/{certificate.code}"
    assert expected in text
    assert links
    assert set(links) == {expected}
