"""What a user's fields may hold, checked by the service for pages, the API and commands alike:
lengths, the e-mail's and the phone number's form, and user names kept for learner accounts."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from hoctap.accounts import services
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.roles import Role
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World, client_for
from hoctap.core.errors import Conflict, InvalidInput
from hoctap.learning.models import LearnerAccount
from hoctap.learning.services import learners

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}


def _rows() -> list[Any]:
    return [
        sorted(User.objects.values_list("id", "username", "full_name", "email", "phone")),
        RoleGrant.objects.count(),
        ApiToken.objects.count(),
        AuditEntry.objects.count(),
        LearnerAccount.objects.count(),
    ]


@contextlib.contextmanager
def writes_nothing() -> Iterator[None]:
    before = _rows()
    yield
    assert _rows() == before


BAD_FIELDS = [
    ({"full_name": "A" * 201}, "full_name", "At most 200 characters."),
    ({"email": "a" * 250 + "@x.vn"}, "email", "At most 254 characters."),
    ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ({"phone": "0912345678901234567890"}, "phone", "A phone number has 8–15 digits"),
    ({"phone": "call me"}, "phone", "A phone number has 8–15 digits"),
]


# ---------------------------------------------------------------------------------------------
# Lengths and forms
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "field", "message"), BAD_FIELDS)
def test_user_create_checks_each_field(world: World, fields: Any, field: str, message: str) -> None:
    with translation.override("en"), writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.user_create(
            actor=world.sysadmin_a,
            username="newcomer",
            role=Role.VIEWER,
            unit_code="02647",
            password=PASSWORD,
            **fields,
        )
    assert set(exc.value.errors) == {field}
    assert message in exc.value.errors[field]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_FIELDS)
def test_user_update_checks_each_field(world: World, fields: Any, field: str, message: str) -> None:
    for actor in (world.sysadmin_a, world.officer_a):  # an administrator, the user themself
        with translation.override("en"), writes_nothing(), pytest.raises(InvalidInput) as exc:
            services.user_update(actor=actor, user=world.officer_a, **fields)
        assert set(exc.value.errors) == {field}
        assert message in exc.value.errors[field]


def test_good_values_are_stored_in_their_usual_form(world: World) -> None:
    user = services.user_update(
        actor=world.sysadmin_a,
        user=world.officer_a,
        full_name=" " + "Ă" * 200 + " ",
        email=" to.truong@xa-coc-leu.gov.vn ",
        phone="+84 912.345-678",
    )
    stored = User.objects.get(pk=user.pk)
    assert (stored.full_name, stored.email, stored.phone) == (
        "Ă" * 200,
        "to.truong@xa-coc-leu.gov.vn",
        "+84912345678",
    )
    services.user_update(actor=world.sysadmin_a, user=world.officer_a, email="", phone="")
    assert User.objects.filter(pk=user.pk, email="", phone="").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"full_name": "A" * 201}, "full_name"),
        ({"email": "a" * 250 + "@x.vn"}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"username": "a" * 151}, "username"),
    ],
)
def test_the_api_refuses_over_long_or_malformed_fields_on_create(
    world: World, payload: Any, field: str
) -> None:
    data = {"username": "newcomer", "password": PASSWORD, "role": "viewer", "unit": "02647"}
    data.update(payload)
    with writes_nothing():
        response = client_for(world.sysadmin_a).post(
            "/api/v1/users", json.dumps(data), content_type="application/json", headers=EN
        )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"full_name": "A" * 201}, "full_name", "At most 200 characters."),
        ({"email": "a" * 250 + "@x.vn"}, "email", "At most 254 characters."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"phone": "0" * 21}, "phone", "At most 20 characters."),
        ({"phone": "0" * 20}, "phone", "A phone number has 8–15 digits, optionally after +."),
    ],
)
def test_the_api_refuses_over_long_or_malformed_fields_on_patch(
    world: World, payload: Any, field: str, message: str
) -> None:
    with writes_nothing():
        response = client_for(world.sysadmin_a).patch(
            "/api/v1/users/officer_a",
            json.dumps(payload),
            content_type="application/json",
            headers=EN,
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {field: message}


# ---------------------------------------------------------------------------------------------
# User names kept for learner accounts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["hv123", "HV5", "Hv0"])
def test_an_officer_cannot_take_a_learner_user_name(world: World, username: str) -> None:
    with translation.override("en"), writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.user_create(
            actor=world.sysadmin_a,
            username=username,
            role=Role.VIEWER,
            unit_code="02647",
            password=PASSWORD,
        )
    assert exc.value.errors == {
        "username": "User names of the form hv followed by digits are kept for learner "
        "accounts: choose another."
    }


def test_names_that_only_look_like_it_are_free(world: World) -> None:
    for username in ("hv12a", "hvan", "thv12", "hv.12"):
        services.user_create(
            actor=world.sysadmin_a, username=username, role=Role.VIEWER, unit_code="02647"
        )


def test_a_commune_admin_cannot_block_a_residents_future_account(world: World) -> None:
    """The reviewer's case: commune A's administrator takes the learner name of a resident of
    commune B; commune B's officer must still be able to create that resident's account."""
    person_b = world.person_b
    with writes_nothing():
        squat = client_for(world.sysadmin_a).post(
            "/api/v1/users",
            json.dumps(
                {
                    "username": f"hv{person_b.pk}",
                    "role": "viewer",
                    "unit": world.commune_a.code,
                    "password": "Squatted-pass-123456",
                }
            ),
            content_type="application/json",
            headers=EN,
        )
    assert squat.status_code == 400
    assert set(squat.json()["errors"]) == {"username"}

    created = client_for(world.officer_b).post(
        "/api/v1/learning/accounts",
        json.dumps({"person_id": person_b.pk}),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert LearnerAccount.objects.get(person=person_b).user.username == f"hv{person_b.pk}"


def test_a_learner_name_already_taken_is_a_conflict_not_an_error(world: World) -> None:
    """A user created under a learner's name before the names were checked: creating that
    person's account is refused with a message, not a server error."""
    person_b = world.person_b
    User.objects.create_user(username=f"hv{person_b.pk}", password=PASSWORD)
    client = client_for(world.officer_b)
    client.raise_request_exception = False

    with writes_nothing():
        response = client.post(
            "/api/v1/learning/accounts",
            json.dumps({"person_id": person_b.pk}),
            content_type="application/json",
            headers=EN,
        )
    assert response.status_code == 409
    assert f"hv{person_b.pk}" in response.json()["detail"]
    with writes_nothing(), pytest.raises(Conflict):
        learners.learner_signup(
            national_id=person_b.national_id, birth_date=person_b.birth_date, password=PASSWORD
        )
