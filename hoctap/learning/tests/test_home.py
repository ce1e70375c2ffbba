"""Where people land after signing in, the learning menu, and the officers' learning home."""

from __future__ import annotations

import pytest
from django.test import Client

from hoctap.conftest import PASSWORD, client_for
from hoctap.learning.services import progress, quizzes
from hoctap.learning.tests.conftest import LearningWorld, correct_answers

pytestmark = pytest.mark.django_db


def test_a_learner_signs_in_with_the_id_number_and_lands_on_their_learning(
    learning: LearningWorld,
) -> None:
    client = Client()
    answer = client.post(
        "/login/",
        {"username": learning.world.person_a.national_id, "password": PASSWORD},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/learn/"
    page = answer.content.decode()
    assert 'id="nav-learn"' in page
    assert 'id="nav-learning"' not in page  # no officer's menu for a learner


def test_an_officer_lands_on_the_home_of_their_roles(learning: LearningWorld) -> None:
    answer = Client().post("/login/", {"username": "officer_a", "password": PASSWORD}, follow=True)
    assert answer.redirect_chain[-1][0] == "/home/"
    assert 'id="nav-learning"' in answer.content.decode()


def _complete_course(learning: LearningWorld) -> None:
    actor = learning.learner
    progress.enrolment_self(actor=actor, course=learning.course)
    for lesson in learning.lessons:
        progress.lesson_complete(actor=actor, lesson_id=lesson.pk)
    attempt = quizzes.attempt_start(actor=actor, quiz=learning.quiz)
    quizzes.attempt_submit(actor=actor, attempt_id=attempt.pk, answers=correct_answers(attempt))


def _figure(page: str, name: str) -> str:
    start = page.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return page[start : page.index("<", start)]


def test_the_learning_home_counts_what_lies_in_the_officers_scope(
    learning: LearningWorld,
) -> None:
    _complete_course(learning)  # person_a of commune A completes the course
    page_a = client_for(learning.world.officer_a).get("/learning/").content.decode()
    page_b = client_for(learning.world.officer_b).get("/learning/").content.decode()
    assert _figure(page_a, "persons_trained") == "1"
    assert _figure(page_a, "accounts") == "1"
    assert _figure(page_b, "persons_trained") == "0"
    assert _figure(page_b, "accounts") == "0"


def test_the_learning_home_is_for_officers(learning: LearningWorld) -> None:
    assert client_for(learning.learner).get("/learning/").status_code == 403
    assert Client().get("/learning/").status_code == 302  # to the sign-in page
