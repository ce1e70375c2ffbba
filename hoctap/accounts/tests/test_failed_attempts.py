"""Too many failed attempts to prove who one is: a resident's sign-up with a birth date that
does not match, a sign-in with a wrong password. The limits count per ID number or user name
and per client address, for the current hour (hoctap/accounts/throttle.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from hoctap.accounts.models import FailedAttempt, User
from hoctap.conftest import PASSWORD, World
from hoctap.learning.models import LearnerAccount

pytestmark = pytest.mark.django_db

TOO_MANY = "Quá nhiều lần thử không thành công"  # what a Vietnamese resident reads
LIMITS = {"sign_in": {"name": 3, "address": 5}, "sign_up": {"name": 3, "address": 5}}


def _signup(client: Client, person: Any, birth_date: datetime.date) -> str:
    response = client.post(
        reverse("learning:signup"),
        {
            "national_id": person.national_id,
            "birth_date": birth_date.isoformat(),
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    return response.content.decode()


def _wrong_day(person: Any, n: int) -> datetime.date:
    return person.birth_date + datetime.timedelta(days=n)


@override_settings(HOCTAP_FAILED_ATTEMPT_LIMITS=LIMITS)
def test_guessing_a_residents_birth_date_is_stopped_and_stores_no_id_number(
    world: World,
) -> None:
    person = world.person_a2
    for n in range(1, 4):  # three wrong birth dates, each one from another address
        client = Client(REMOTE_ADDR=f"10.0.0.{n}")
        page = _signup(client, person, _wrong_day(person, n))
        assert "Không có người dân nào được đăng ký" in page
    # the fourth try, even with the right birth date, is refused, and creates nothing
    page = _signup(Client(REMOTE_ADDR="10.0.0.9"), person, person.birth_date)
    assert TOO_MANY in page
    assert not LearnerAccount.objects.exists()
    stored = list(FailedAttempt.objects.values_list("key_digest", flat=True))
    assert len(stored) == 4  # the ID number once, each of the three addresses once
    assert not any(person.national_id in digest for digest in stored)
    # another resident is not held up
    other = Client(REMOTE_ADDR="10.0.0.9")
    _signup(other, world.person_a, world.person_a.birth_date)
    assert LearnerAccount.objects.filter(person=world.person_a).exists()


@override_settings(HOCTAP_FAILED_ATTEMPT_LIMITS=LIMITS)
def test_the_block_ends_with_the_hour(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    person = world.person_a2
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(1, 4):
        _signup(client, person, _wrong_day(person, n))
    assert TOO_MANY in _signup(client, person, person.birth_date)
    later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    _signup(client, person, person.birth_date)
    assert LearnerAccount.objects.filter(person=person).exists()


@override_settings(HOCTAP_FAILED_ATTEMPT_LIMITS=LIMITS)
def test_one_address_trying_many_id_numbers_is_stopped(world: World) -> None:
    client = Client(REMOTE_ADDR="10.9.9.9")
    people = [world.person_a, world.person_a2, world.person_b, world.person_b2]
    for n, person in enumerate([*people, world.person_a], start=1):  # five failures
        _signup(client, person, _wrong_day(person, n))
    assert TOO_MANY in _signup(client, world.person_b2, world.person_b2.birth_date)
    assert not LearnerAccount.objects.exists()
    # from another address the same resident signs up
    _signup(Client(REMOTE_ADDR="10.1.1.1"), world.person_b2, world.person_b2.birth_date)
    assert LearnerAccount.objects.filter(person=world.person_b2).exists()


@override_settings(HOCTAP_FAILED_ATTEMPT_LIMITS=LIMITS)
def test_guessing_a_password_is_stopped_even_for_the_right_one(world: World) -> None:
    user: User = world.officer_a
    client = Client(REMOTE_ADDR="10.0.0.1")
    login = reverse("accounts:login")
    for n in range(3):
        response = client.post(login, {"username": user.username, "password": f"wrong-{n}"})
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    response = client.post(login, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session
    # a right password before the limit signs in as usual
    other: User = world.officer_b
    response = Client().post(login, {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302
