"""An instructor takes attendance on a phone, in a real browser: Debian's Chromium, headless,
driven by Playwright against the live test server, at the size of a phone (390×844).

The instructor is a resident with a learner account who teaches the class. They sign in with
their ID number, open their class from "my classes", open session 1, mark who is present and
who is absent, save, and the page shows the saved attendance; the database has it too. The
browser is the system's (`apt-get install chromium`), not one downloaded by Playwright: without
/usr/bin/chromium this test fails, it does not skip. It reads the page through ids and data
attributes, not words, so it passes in Vietnamese (the default language) as in English.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from hoctap.conftest import PASSWORD, build_world
from hoctap.learning.frameworks import load_missing
from hoctap.learning.models import Attendance, Competency, CompetencyArea
from hoctap.learning.selectors import classes as selectors
from hoctap.learning.tests.classes_helpers import ClassWorld, build_class
from hoctap.learning.tests.conftest import build_course

pytestmark = [pytest.mark.browser]

TIMEOUT_MS = 15_000
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def class_world(transactional_db: Any) -> ClassWorld:
    # the live server answers from another thread: the records must be committed. A test on a
    # committed database before this one emptied every table, the competencies that a data
    # migration loads included: load them again (the migration adds only what is missing).
    load_missing(CompetencyArea, Competency)
    world = build_world()
    return build_class(world, build_course())


def test_an_instructor_takes_attendance_on_a_phone(
    class_world: ClassWorld, live_server: Any, browser: Browser
) -> None:
    cw = class_world
    base = live_server.url
    a, b, c = cw.participants
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)

    # sign in with the personal ID number
    page.goto(f"{base}/login/")
    page.fill("#id_username", cw.instructor.national_id)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/learn/$"))  # a learner without a role: their learning

    # the menu leads to my classes, which come first; open the class, then session 1
    page.click("#nav-classes")
    page.wait_for_url(re.compile(r"/learning/classes/$"))
    mine = page.locator("#my-classes [data-class='LOP-A-01'] a")
    expect(mine).to_be_visible()
    mine.click()
    page.wait_for_url(re.compile(rf"/learning/classes/{cw.offline_class.pk}/$"))
    page.locator("[data-session='1'] a[href$='/sessions/1/attendance']").click()
    page.wait_for_url(re.compile(r"/sessions/1/attendance$"))
    expect(page.locator("#attendance-state")).to_have_attribute("data-taken", "0")

    # the page fits the phone: no sideways scrolling, big toggles, Save within reach
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 390px phone"
    box = page.locator(f"li[data-person='{a.pk}'] label").bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a comfortable touch target
    save = page.locator("#save-attendance")
    expect(save).to_be_visible()

    # "all present", then untick the one who is absent, and save
    page.click("#all-present")
    for person in (a, b, c):
        expect(page.locator(f"#p{person.pk}")).to_be_checked()
    assert not Attendance.objects.exists()  # nothing saved until Save is pressed
    page.locator(f"li[data-person='{b.pk}'] label").click()
    expect(page.locator(f"#p{b.pk}")).not_to_be_checked()
    save.click()
    page.wait_for_url(re.compile(r"/sessions/1/attendance$"))

    # the page shows what was saved
    expect(page.locator("#attendance-state")).to_have_attribute("data-taken", "1")
    expect(page.locator(f"li[data-person='{a.pk}']")).to_have_attribute("data-saved", "present")
    expect(page.locator(f"li[data-person='{b.pk}']")).to_have_attribute("data-saved", "absent")
    expect(page.locator(f"li[data-person='{c.pk}']")).to_have_attribute("data-saved", "present")
    expect(page.locator(f"#p{b.pk}")).not_to_be_checked()
    expect(page.locator(f"#p{a.pk}")).to_be_checked()
    expect(page.locator(".message.success")).to_be_visible()

    # and the database has it, recorded by the instructor
    assert selectors.session_attendance(session=cw.sessions[0]) == {
        a.pk: True,
        b.pk: False,
        c.pk: True,
    }
    assert set(Attendance.objects.values_list("recorded_by_id", flat=True)) == {
        cw.instructor_user.pk
    }
    context.close()
