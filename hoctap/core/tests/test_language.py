"""Vietnamese first: pages are Vietnamese unless the person chose English with the switcher."""

import datetime

import pytest
from django.test import Client
from django.utils import formats, translation


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen():
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    page = client.get("/login/")
    assert page["Content-Language"] == "vi"
    assert "Đăng nhập" in page.content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/")
    assert page["Content-Language"] == "en"
    assert "Sign in" in page.content.decode()


def test_numbers_and_dates_are_written_the_vietnamese_way():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2026, 11, 22), "SHORT_DATE_FORMAT") == "22/11/2026"
        assert formats.number_format(1234567, force_grouping=False) == "1.234.567"
    with translation.override("en"):
        assert formats.number_format(1234567) == "1,234,567"
