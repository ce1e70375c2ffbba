"""The pages Django would show in English on its own: a form sent without its security token
(CSRF) and a request the server cannot take (400), in the site's layout and language."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_says_what_to_do():
    response = Client(enforce_csrf_checks=True).post(
        "/login/", {"username": "someone", "password": "x"}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in page
    assert "tải lại trang" in page
    assert "CSRF verification failed" not in page

    english = Client(enforce_csrf_checks=True)
    english.cookies["django_language"] = "en"
    page = english.post("/login/", {"username": "someone"}).content.decode()
    assert "The form has expired" in page


@pytest.mark.django_db
def test_a_request_with_too_many_fields_is_a_400_in_vietnamese():
    fields = {f"field{n}": "x" for n in range(1100)}  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1,000
    response = Client().post("/login/", fields)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Không xử lý được yêu cầu" in page
    assert "Bad Request" not in page
