"""The API answers in the client's language: Vietnamese unless `Accept-Language: en` (or the
language cookie) asks for English, including the messages pydantic and django-ninja write."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hoctap.accounts import services as accounts
from hoctap.geo.models import AdminUnit


@pytest.fixture
def token(world):
    _token, key = accounts.token_create(actor=world.officer_a, user=world.officer_a)
    return {"Authorization": f"Bearer {key}"}


def test_a_token_client_chooses_english_with_accept_language(world, token):
    vietnamese = Client().get("/api/v1/units/02674", headers=token)
    english = Client().get("/api/v1/units/02674", headers={**token, "Accept-Language": "en"})

    assert vietnamese.status_code == english.status_code == 404
    assert vietnamese.json()["detail"] == "Không tìm thấy đơn vị 02674."
    assert english.json()["detail"] == "Unit 02674 not found."
    assert (vietnamese["Content-Language"], english["Content-Language"]) == ("vi", "en")
    assert "Accept-Language" in english["Vary"]


def test_the_pages_still_ignore_the_browsers_language(world, as_user):
    page = as_user(world.officer_a).get("/", headers={"Accept-Language": "en"})
    assert page["Content-Language"] == "vi"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "vi",
            {
                "name": "Trường này là bắt buộc.",
                "valid_from": "Hãy nhập ngày theo dạng YYYY-MM-DD.",
            },
        ),
        (
            "en",
            {"name": "This field is required.", "valid_from": "Enter a date as YYYY-MM-DD."},
        ),
    ],
)
def test_malformed_input_is_explained_in_the_clients_language(world, token, language, expected):
    response = Client().post(
        "/api/v1/units",
        json.dumps({"parent": "02647", "valid_from": "1/8/2025"}),
        content_type="application/json",
        headers={**token, "Accept-Language": language},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == expected
    assert not AdminUnit.objects.filter(parent__code="02647", name="").exists()


def test_a_limit_is_written_the_vietnamese_way(world, token):
    response = Client().get("/api/v1/units?page=0", headers=token)
    assert response.status_code == 400
    assert response.json()["errors"] == {"page": "Phải từ 1 trở lên."}


def test_no_credentials_and_an_unreadable_body_are_explained(world, token):
    anonymous = Client().get("/api/v1/units")
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"].startswith("Hãy đăng nhập, hoặc gửi một mã truy cập API")

    unreadable = Client().post(
        "/api/v1/units", "{not json", content_type="application/json", headers=token
    )
    assert unreadable.status_code == 400
    assert unreadable.json()["detail"] == "Không đọc được nội dung yêu cầu: hãy gửi JSON hợp lệ."


def test_a_session_without_the_csrf_token_is_told_to_reload(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer_a)
    response = client.post(
        "/api/v1/units",
        json.dumps({"parent": "02647", "name": "Tổ 9"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Thiếu hoặc sai mã bảo mật (CSRF): hãy tải lại trang rồi thử lại."
    )
    assert not AdminUnit.objects.filter(name="Tổ 9").exists()


@pytest.mark.parametrize(
    "url", ["/api/v1/units", "/api/v1/persons", "/api/v1/users", "/api/v1/audit"]
)
def test_a_page_number_beyond_any_list_is_a_400(world, token, url):
    response = Client().get(url, {"page": 10**17}, headers=token)
    assert response.status_code == 400
    assert response.json()["errors"] == {"page": "Tối đa là 1.000.000."}
    assert Client().get(url, {"page": 1_000_000}, headers=token).json()["items"] == []
