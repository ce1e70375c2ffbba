"""A learner's whole journey in a real browser (Debian's Chromium, headless, driven by
Playwright against the live test server), at phone size: a resident with no account yet signs
up, opens the catalogue, enrols, finds the second lesson locked, completes the lessons in order,
fails the quiz, passes it, downloads the certificate PDF and opens the verification page the
PDF's QR code points to.

Like `hoctap/imports/tests/test_browser.py`: the system's browser (no `playwright install`; the
test fails without /usr/bin/chromium), elements found by ids and data attributes, not words, so
it passes in Vietnamese (the default language) as in English.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pypdf
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from hoctap.conftest import PASSWORD, World, build_world
from hoctap.learning.frameworks import load_missing
from hoctap.learning.models import (
    Certificate,
    Choice,
    Competency,
    CompetencyArea,
    Course,
    LearnerAccount,
    Lesson,
    LessonProgress,
    QuizAttempt,
)
from hoctap.learning.names import mask_name
from hoctap.learning.tests.conftest import build_course

pytestmark = [pytest.mark.browser]

TIMEOUT_MS = 15_000
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def portal_world(transactional_db: Any) -> tuple[World, Course]:
    # the live server answers from another thread: the world must be committed. A
    # transactional test before this one emptied every table, the reference data its data
    # migration loaded (the competency frameworks) too: load it again
    load_missing(CompetencyArea, Competency)
    world = build_world()
    return world, build_course()


def answer(page: Page, attempt: QuizAttempt, *, right: bool) -> None:
    """Tick, for each question of the attempt, a right (or a wrong) answer."""
    for item in attempt.layout:
        choice = Choice.objects.filter(
            question_id=item["question"], is_correct=right, pk__in=item["choices"]
        ).first()
        assert choice is not None
        page.check(f"#choice_{choice.pk}")
    page.click("#submit-attempt")
    page.wait_for_url(re.compile(rf"/learn/attempts/{attempt.pk}/result$"))


def lesson_states(page: Page) -> dict[str, str | None]:
    items = page.locator("#lessons [data-number]")
    return {
        items.nth(i).get_attribute("data-number") or "": items.nth(i).get_attribute("data-state")
        for i in range(items.count())
    }


def test_a_resident_signs_up_learns_passes_and_verifies_the_certificate(
    portal_world: tuple[World, Course], live_server: Any, browser: Browser
) -> None:
    world, course = portal_world
    resident = world.person_a2  # in the register, no account yet
    base = live_server.url
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)

    # sign up from the sign-in page: ID number, birth date, a password
    page.goto(f"{base}/login/")
    page.click("#signup-link a")
    page.wait_for_url(re.compile(r"/signup/$"))
    page.fill("#id_national_id", resident.national_id)
    page.fill("#id_birth_date", resident.birth_date.isoformat())
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.click("#signup-submit")
    page.wait_for_url(re.compile(r"/learn/courses/$"))  # signed in, on the catalogue
    assert LearnerAccount.objects.filter(person=resident).exists()

    # the catalogue, the course, enrol
    page.click(f"[data-course='{course.code}'] a")
    page.wait_for_url(re.compile(rf"/learn/courses/{course.code}/$"))
    page.click("#enrol")
    page.wait_for_url(re.compile(rf"/learn/courses/{course.code}/$"))
    assert lesson_states(page) == {"1": "open", "2": "locked", "3": "locked"}
    expect(page.locator("[data-number='2'] a")).to_have_count(0)

    # the second lesson is locked: opened by its address, it is refused and nothing recorded
    lessons = list(Lesson.objects.filter(course=course).order_by("number"))
    response = page.goto(f"{base}/learn/lessons/{lessons[1].pk}/")
    assert response is not None
    assert response.status == 409
    expect(page.locator("#refused")).to_be_visible()
    assert not LessonProgress.objects.filter(lesson=lessons[1]).exists()
    page.click("#refused-back")
    page.wait_for_url(re.compile(rf"/learn/courses/{course.code}/$"))

    # the lessons in order: each "finished" button leads to the next one
    page.click("#continue")
    page.wait_for_url(re.compile(rf"/learn/lessons/{lessons[0].pk}/$"))
    page.wait_for_timeout(1200)  # the page counts the time spent on it
    for lesson, following in zip(lessons, [*lessons[1:], None], strict=True):
        expect(page.locator("#lesson")).to_have_attribute("data-lesson", str(lesson.pk))
        page.click("#complete")
        if following is not None:
            page.wait_for_url(re.compile(rf"/learn/lessons/{following.pk}/$"))
        else:
            page.wait_for_url(re.compile(rf"/learn/courses/{course.code}/$"))
    assert lesson_states(page) == {"1": "done", "2": "done", "3": "done"}
    first = LessonProgress.objects.get(lesson=lessons[0])
    assert first.completed_at is not None
    assert first.seconds_spent >= 1  # filled in by the page's script
    # a phone's width: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # the quiz: fail, then pass
    page.click("#to-quiz")
    page.wait_for_url(re.compile(rf"/learn/courses/{course.code}/quiz/$"))
    page.click("#start")
    page.wait_for_url(re.compile(r"/learn/attempts/\d+/$"))
    answer(page, QuizAttempt.objects.get(number=1), right=False)
    expect(page.locator("#result")).to_have_attribute("data-passed", "no")
    expect(page.locator("#certificate-link")).to_have_count(0)
    page.click("#try-again")
    page.wait_for_url(re.compile(rf"/learn/courses/{course.code}/quiz/$"))
    page.click("#start")
    page.wait_for_url(re.compile(r"/learn/attempts/\d+/$"))
    answer(page, QuizAttempt.objects.get(number=2), right=True)
    expect(page.locator("#result")).to_have_attribute("data-passed", "yes")

    # the certificate PDF: its text holds the code and the address its QR code opens
    certificate = Certificate.objects.get(completion__person=resident)
    with page.expect_download() as info:
        page.click("#certificate-link")
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert certificate.code in text
    printed = re.findall(r"https?://\S+/verify/\S+", text)
    assert len(printed) == 1
    verify_url = printed[0]
    assert urlparse(verify_url).path == f"/verify/{certificate.code}"
    qr_targets = {
        annot.get_object()["/A"]["/URI"]
        for p in reader.pages
        for annot in p.get("/Annots", [])
        if "/A" in annot.get_object()
    }
    assert qr_targets == {verify_url}  # the QR code is a link to the printed address

    # the verification page the QR code opens, as anyone: valid, the course, the masked name
    public = browser.new_context(viewport=PHONE).new_page()
    public.set_default_timeout(TIMEOUT_MS)
    public.goto(verify_url)
    expect(public.locator("#certificate")).to_have_attribute("data-status", "valid")
    expect(public.locator("#course")).to_have_text(course.title)
    expect(public.locator("#holder")).to_have_text(mask_name(resident.full_name))
    context.close()
