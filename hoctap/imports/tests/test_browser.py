"""The import page in a real browser: Debian's Chromium, headless, driven by Playwright against
the live test server. A commune officer signs in, uploads a persons file with an error, reads
the error on the page, uploads the fixed file, reads the preview, confirms and reads the result;
then a job still being checked is followed by the page's own polling until it finishes.

The browser is the system's (`apt-get install chromium`), not one downloaded by Playwright:
without /usr/bin/chromium this test fails, it does not skip. It reads the page through ids and
data attributes, not words, so it passes in Vietnamese (the default language) as in English.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    FilePayload,
    Page,
    expect,
)

from hoctap.conftest import PASSWORD, World, build_world
from hoctap.imports.models import ImportJob, ImportStatus
from hoctap.imports.tests.helpers import persons_csv
from hoctap.registry.models import Person

pytestmark = [pytest.mark.browser]

TIMEOUT_MS = 15_000


@pytest.fixture
def browser_world(transactional_db: Any) -> World:
    # the live server answers from another thread: the world must be committed, not inside
    # the test's transaction
    return build_world()


def upload(page: Page, base: str, content: bytes) -> None:
    page.goto(f"{base}/imports/new/")
    page.select_option("#id_kind", "persons")
    file: FilePayload = {"name": "nhan-khau.csv", "mimeType": "text/csv", "buffer": content}
    page.set_input_files("#id_file", files=[file])
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))


def count(page: Page, name: str) -> str:
    return page.locator(f"[data-count={name}]").inner_text()


def test_an_officer_imports_persons_through_the_page(
    browser_world: World, live_server: Any, browser: Browser
) -> None:
    world = browser_world
    base = live_server.url
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)

    page.goto(f"{base}/login/")
    page.fill("#id_username", world.officer_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/home/$"))
    page.click("nav.menu a[href='/imports/']")
    page.wait_for_url(re.compile(r"/imports/$"))

    # a file with an error: the row, the column, the value and the message are on the page
    upload(page, base, persons_csv(world, fixed=False).encode())
    rejected = ImportJob.objects.get()
    assert rejected.status == ImportStatus.REJECTED
    cells = page.locator("#errors tbody tr").first.locator("td")
    expect(cells.nth(0)).to_have_text("3")
    expect(cells.nth(1)).to_have_text("national_id")
    expect(cells.nth(2)).to_have_text("010191002222")
    expect(cells.nth(3)).to_have_text(rejected.errors[0]["message"])
    expect(page.locator("#errors tbody tr")).to_have_count(1)
    expect(page.locator(f"a[href='/imports/{rejected.pk}/errors.csv']")).to_be_visible()
    expect(page.locator("form[action$='/confirm']")).to_have_count(0)
    assert not Person.objects.filter(national_id="010191002222").exists()

    # the fixed file: the preview counts, then confirm, then the result
    upload(page, base, persons_csv(world, fixed=True).encode())
    assert count(page, "created") == "2"
    assert count(page, "updated") == "0"
    assert count(page, "unchanged") == "0"
    assert not Person.objects.filter(national_id="010191002222").exists()
    page.click("form[action$='/confirm'] button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator(".badge.done")).to_be_visible()
    assert count(page, "created") == "2"
    assert count(page, "unchanged") == "0"
    dung = Person.objects.get(national_id="010191002222")
    assert (dung.full_name, dung.village_id) == ("Lê Thị Dung", world.village_a.pk)

    # the list shows both imports, newest first
    page.goto(f"{base}/imports/")
    statuses = page.locator("tbody .badge")
    expect(statuses).to_have_count(2)
    expect(statuses.nth(0)).to_have_class(re.compile(r"\bdone\b"))
    expect(statuses.nth(1)).to_have_class(re.compile(r"\brejected\b"))


def test_the_job_page_follows_a_check_in_progress_by_itself(
    browser_world: World, live_server: Any, browser: Browser
) -> None:
    world = browser_world
    job = ImportJob.objects.create(
        kind="persons", file_name="lon.csv", actor=world.officer_a, unit=world.commune_a
    )
    context = browser.new_context()
    context.add_cookies([_session_cookie(world, live_server.url)])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    progress = page.locator("[data-progress-text]")
    expect(progress).to_be_visible()

    # the worker reports rows checked: the page shows them without being reloaded
    ImportJob.objects.filter(pk=job.pk).update(rows_done=12345)
    expect(progress).to_contain_text("12.345")  # Vietnamese digit grouping
    # the check ends: the page reloads itself and shows the preview
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.VALIDATED, rows_total=12345, rows_done=12345, created_count=12000,
        unchanged_count=345,
    )  # fmt: skip
    expect(page.locator("form[action$='/confirm']")).to_be_visible()
    assert count(page, "created") == "12.000"
    expect(page.locator("[data-progress-text]")).to_have_count(0)
    context.close()


def _session_cookie(world: World, base: str) -> Any:
    """Signed in without the login form (the first test goes through it)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world.officer_a)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }
