"""Users, role grants and API tokens: the rules, and that a refused write leaves no trace."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
from collections.abc import Iterator

import pytest
from django.utils import timezone

from hoctap.accounts import selectors, services
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.permissions import SYSTEM, scope_for
from hoctap.accounts.roles import Perm, Role
from hoctap.audit.models import AuditEntry
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

PASSWORD = "correct-horse-battery-staple-42"
TABLES = (User, RoleGrant, ApiToken, AuditEntry)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


@contextlib.contextmanager
def writes_nothing() -> Iterator[None]:
    before = counts()
    yield
    assert counts() == before


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------


def test_user_create_makes_a_user_with_a_first_grant(world):
    user = services.user_create(
        actor=world.sysadmin_a,
        username="to_truong",
        role=Role.UNIT_OFFICER,
        unit_code="02647-001",
        password=PASSWORD,
        full_name=" Lò Văn Tú ",
        email="tu@example.vn",
    )

    user.refresh_from_db()
    assert (user.full_name, user.email, user.is_active) == ("Lò Văn Tú", "tu@example.vn", True)
    assert user.check_password(PASSWORD)
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role, grant.unit, grant.organisation, grant.granted_by) == (
        Role.UNIT_OFFICER,
        world.village_a,
        None,
        world.sysadmin_a,
    )
    assert grant.valid_from == timezone.localdate()
    assert scope_for(user, Perm.MANAGE_UNITS).unit_ids == {world.village_a.id}


def test_user_create_without_a_password_cannot_sign_in(world):
    user = services.user_create(
        actor=SYSTEM, username="nopass", role=Role.VIEWER, organisation_code="HKH-B"
    )
    assert not user.has_usable_password()
    assert RoleGrant.objects.get(user=user).organisation == world.org_b


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": "officer_a"}, "username"),
        ({"username": "OFFICER_A"}, "username"),  # taken, whatever the case
        ({"username": "ab"}, "username"),
        ({"username": "has space"}, "username"),
        ({"password": "12345678"}, "password"),  # numeric and common
        ({"password": "short"}, "password"),
        ({"password": "newcomer1"}, "password"),  # too like the username
        ({"role": "emperor"}, "role"),
        ({"unit_code": "99999"}, "unit"),
        ({"unit_code": None, "organisation_code": "NOPE"}, "organisation"),
        ({"unit_code": None}, "scope"),
        ({"organisation_code": "HKH-B"}, "scope"),
    ],
)
def test_user_create_rejects_bad_input_naming_the_field(world, kwargs, field):
    arguments = {
        "username": "newcomer",
        "role": Role.VIEWER,
        "unit_code": "04465",
        "password": PASSWORD,
        **kwargs,
    }
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.user_create(actor=SYSTEM, **arguments)
    assert set(exc.value.errors) == {field}


def test_a_commune_admin_cannot_create_users_in_another_commune(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.user_create(
            actor=world.sysadmin_a,
            username="newcomer",
            role=Role.VIEWER,
            unit_code="04465",
            password=PASSWORD,
        )
    assert set(exc.value.errors) == {"unit"}


@pytest.mark.parametrize("who", ["viewer", "officer_a", "secretariat"])
def test_only_user_managers_create_users(world, who):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.user_create(
            actor=getattr(world, who),
            username="newcomer",
            role=Role.VIEWER,
            unit_code="02647",
            password=PASSWORD,
        )


def test_user_update_changes_and_audits_without_the_password(world):
    services.user_update(
        actor=world.sysadmin_a,
        user=world.officer_a,
        full_name="Giàng A Páo",
        password="a-new-long-passphrase-77",
    )

    user = User.objects.get(username="officer_a")
    assert user.full_name == "Giàng A Páo"
    assert user.check_password("a-new-long-passphrase-77")
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.changes == {"full_name": ["", "Giàng A Páo"], "password": ["***", "***"]}
    assert "a-new-long-passphrase-77" not in str(entry.changes)


def test_user_update_refuses_a_weak_password_and_keeps_the_old_one(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.user_update(actor=world.sysadmin_a, user=world.officer_a, password="password")
    assert set(exc.value.errors) == {"password"}
    assert User.objects.get(username="officer_a").check_password(PASSWORD)


def test_nobody_deactivates_themselves(world):
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.user_update(actor=world.sysadmin_a, user=world.sysadmin_a, is_active=False)
    assert set(exc.value.errors) == {"is_active"}


def test_a_user_may_change_their_own_name_but_not_others(world):
    services.user_update(actor=world.viewer, user=world.viewer, full_name="Vàng A Dình")
    assert User.objects.get(username="viewer").full_name == "Vàng A Dình"
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.user_update(actor=world.viewer, user=world.officer_a, full_name="X")


@pytest.fixture
def mixed_admin(world):
    """System administrator of commune A who is also an inspector of the whole province: sees
    every user of the province but manages only commune A's."""
    user = services.user_create(
        actor=SYSTEM,
        username="mixed_admin",
        role=Role.SYSTEM_ADMIN,
        unit_code="02647",
        password=PASSWORD,
    )
    services.role_grant(actor=SYSTEM, user=user, role=Role.INSPECTOR, unit_code="15")
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize(
    "change",
    [{"password": "taken-over-passphrase-91"}, {"is_active": False}, {"email": "x@example.vn"}],
)
def test_managing_users_of_one_commune_gives_no_hold_on_others(world, mixed_admin, change):
    assert selectors.user_get(actor=mixed_admin, username="secretariat") == world.secretariat
    for target in (world.secretariat, world.officer_b, world.admin):
        with writes_nothing(), pytest.raises(PermissionDenied):
            services.user_update(actor=mixed_admin, user=target, **change)
        stored = User.objects.get(pk=target.pk)
        assert stored.check_password(PASSWORD)
        assert (stored.is_active, stored.email) == (True, "")
    services.user_update(actor=mixed_admin, user=world.officer_a, **change)


def test_tokens_only_for_users_one_manages(world, mixed_admin):
    for target in (world.secretariat, world.admin):
        with writes_nothing(), pytest.raises(PermissionDenied):
            services.token_create(actor=mixed_admin, user=target)
    _token, key = services.token_create(actor=mixed_admin, user=world.officer_a)
    assert services.token_authenticate(key) == world.officer_a


def test_a_deactivated_user_loses_every_permission(world):
    services.user_update(actor=world.admin, user=world.officer_a, is_active=False)
    user = User.objects.get(username="officer_a")
    assert scope_for(user, Perm.VIEW_UNITS).is_empty


# ---------------------------------------------------------------------------------------------
# Role grants
# ---------------------------------------------------------------------------------------------


def test_role_grant_on_an_organisation(world):
    grant = services.role_grant(
        actor=world.admin,
        user=world.viewer,
        role=Role.ASSOCIATION_OFFICER,
        organisation_code="HKH-B",
        valid_from=datetime.date(2025, 7, 1),
        valid_to=datetime.date(2030, 12, 31),
    )

    grant.refresh_from_db()
    assert (grant.unit, grant.organisation, grant.granted_by) == (None, world.org_b, world.admin)
    entry = AuditEntry.objects.get(action="role.grant", target_id=str(grant.pk))
    assert (entry.unit_id, entry.organisation_id) == (world.commune_b.id, world.org_b.id)
    assert entry.changes["valid_to"] == "2030-12-31"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "emperor"}, "role"),
        ({"organisation_code": "HKH-B"}, "scope"),  # both
        ({"unit_code": None}, "scope"),  # neither
        ({"unit_code": ""}, "scope"),
        ({"unit_code": "99999"}, "unit"),
        ({"unit_code": None, "organisation_code": "NOPE"}, "organisation"),
        (
            {"valid_from": datetime.date(2026, 1, 1), "valid_to": datetime.date(2025, 12, 31)},
            "valid_to",
        ),
    ],
)
def test_role_grant_rejects_bad_input_and_writes_nothing(world, kwargs, field):
    arguments = {"role": Role.INSPECTOR, "unit_code": "04465", **kwargs}
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.role_grant(actor=world.admin, user=world.viewer, **arguments)
    assert set(exc.value.errors) == {field}


def test_a_commune_admin_grants_in_their_commune_only(world):
    grant = services.role_grant(
        actor=world.sysadmin_a, user=world.officer_a, role=Role.INSPECTOR, unit_code="02647-001"
    )
    assert grant.unit == world.village_a

    with pytest.raises(InvalidInput) as unknown:
        services.role_grant(
            actor=world.sysadmin_a, user=world.officer_a, role=Role.VIEWER, unit_code="00000"
        )
    for code in ("04465", "15", "04465-001"):
        with writes_nothing(), pytest.raises(InvalidInput) as exc:
            services.role_grant(
                actor=world.sysadmin_a, user=world.officer_a, role=Role.VIEWER, unit_code=code
            )
        # looks exactly like a code that does not exist
        assert exc.value.errors == {"unit": unknown.value.errors["unit"].replace("00000", code)}
    with writes_nothing(), pytest.raises(InvalidInput) as exc:
        services.role_grant(
            actor=world.sysadmin_a,
            user=world.officer_a,
            role=Role.VIEWER,
            organisation_code="HKH-B",
        )
    assert set(exc.value.errors) == {"organisation"}


def test_role_grant_by_someone_who_does_not_manage_users_is_refused(world):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.role_grant(
            actor=world.secretariat, user=world.viewer, role=Role.INSPECTOR, unit_code="15"
        )


def test_an_organisation_admin_cannot_hand_out_system_admin(world):
    org_admin = services.user_create(
        actor=SYSTEM,
        username="org_admin",
        role=Role.SYSTEM_ADMIN,
        organisation_code="HKH-B",
        password=PASSWORD,
    )
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.role_grant(
            actor=org_admin,
            user=world.org_officer_b,
            role=Role.SYSTEM_ADMIN,
            organisation_code="TH-B",
        )
    grant = services.role_grant(
        actor=org_admin, user=world.org_officer_b, role=Role.VIEWER, organisation_code="TH-B"
    )
    assert grant.organisation == world.school_b


def test_granting_the_same_role_twice_is_a_conflict(world):
    with writes_nothing(), pytest.raises(Conflict):
        services.role_grant(
            actor=world.admin, user=world.officer_a, role=Role.UNIT_OFFICER, unit_code="02647"
        )


def test_role_revoke_ends_the_grant(world):
    grant = RoleGrant.objects.get(user=world.officer_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RoleGrant.objects.filter(pk=grant.pk).update(valid_from=datetime.date(2025, 7, 1))
    grant.refresh_from_db()

    services.role_revoke(actor=world.sysadmin_a, grant=grant, valid_to=yesterday)

    grant.refresh_from_db()
    assert grant.valid_to == yesterday
    user = User.objects.get(username="officer_a")
    assert scope_for(user, Perm.VIEW_UNITS).is_empty
    assert AuditEntry.objects.get(action="role.revoke").unit_id == world.commune_a.id
    with writes_nothing(), pytest.raises(Conflict):
        services.role_revoke(actor=world.sysadmin_a, grant=grant, valid_to=yesterday)


def test_role_revoke_outside_scope_is_refused(world):
    grant = RoleGrant.objects.get(user=world.officer_b)
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.role_revoke(actor=world.sysadmin_a, grant=grant)
    assert RoleGrant.objects.get(pk=grant.pk).valid_to is None


# ---------------------------------------------------------------------------------------------
# Who sees which users
# ---------------------------------------------------------------------------------------------


def test_a_commune_admin_sees_only_the_users_of_their_commune(world):
    usernames = {u.username for u in selectors.user_list(actor=world.sysadmin_a)}
    assert usernames == {"officer_a", "sysadmin_a"}
    with pytest.raises(NotFound):
        selectors.user_get(actor=world.sysadmin_a, username="officer_b")
    with pytest.raises(NotFound):
        selectors.user_get(actor=world.sysadmin_a, username="secretariat")
    assert selectors.user_get(actor=world.sysadmin_a, username="officer_a") == world.officer_a


def test_the_province_sees_every_user_with_a_grant_in_it(world):
    usernames = {u.username for u in selectors.user_list(actor=world.secretariat)}
    assert usernames == {
        "secretariat",
        "officer_a",
        "officer_b",
        "org_officer_b",
        "sysadmin_a",
        "viewer",
    }
    assert {u.username for u in selectors.user_list(actor=world.secretariat, q="officer_")} == {
        "officer_a",
        "officer_b",
        "org_officer_b",
    }
    assert {
        u.username for u in selectors.user_list(actor=world.secretariat, role=Role.UNIT_OFFICER)
    } == {"officer_a", "officer_b"}


def test_everyone_sees_themselves(world):
    assert selectors.user_get(actor=world.officer_a, username="officer_a") == world.officer_a
    with pytest.raises(NotFound):
        selectors.user_get(actor=world.officer_a, username="officer_b")


def test_grant_list_shows_only_grants_in_the_actors_scope(world):
    services.role_grant(actor=SYSTEM, user=world.officer_a, role=Role.VIEWER, unit_code="04465")
    seen_by_a = {
        g.unit.code
        for g in selectors.grant_list(actor=world.sysadmin_a, user=world.officer_a)
        if g.unit
    }
    assert seen_by_a == {"02647"}
    seen_by_self = {
        g.unit.code
        for g in selectors.grant_list(actor=world.officer_a, user=world.officer_a)
        if g.unit
    }
    assert seen_by_self == {"02647", "04465"}


# ---------------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------------


def test_token_create_stores_only_the_hash(world):
    token, key = services.token_create(actor=world.officer_a, user=world.officer_a, name="sync")

    assert key.startswith("hct_")
    assert len(key) > 40
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix)
    assert len(token.prefix) < 12
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert key not in stored
    entry = AuditEntry.objects.get(action="token.create")
    assert key not in str(entry.changes)
    assert token.key_hash not in str(entry.changes)


def test_token_authenticate(world):
    token, key = services.token_create(actor=world.officer_a, user=world.officer_a)

    assert services.token_authenticate(key) == world.officer_a
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert services.token_authenticate("hct_garbage") is None
    assert services.token_authenticate("garbage") is None
    assert services.token_authenticate("") is None
    assert services.token_authenticate(key + "x") is None


def test_a_revoked_token_no_longer_authenticates(world):
    token, key = services.token_create(actor=world.officer_a, user=world.officer_a)
    services.token_revoke(actor=world.officer_a, token=token)

    assert services.token_authenticate(key) is None
    with writes_nothing(), pytest.raises(Conflict):
        services.token_revoke(actor=world.officer_a, token=token)


def test_tokens_for_others_need_user_management(world):
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.token_create(actor=world.viewer, user=world.officer_a)
    token, _key = services.token_create(actor=world.sysadmin_a, user=world.officer_a)
    with writes_nothing(), pytest.raises(PermissionDenied):
        services.token_revoke(actor=world.officer_b, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_token_of_an_inactive_user_does_not_authenticate(world):
    _token, key = services.token_create(actor=world.officer_a, user=world.officer_a)
    User.objects.filter(pk=world.officer_a.pk).update(is_active=False)
    assert services.token_authenticate(key) is None


def test_superuser_ensure_is_idempotent(db):
    user, created = services.superuser_ensure(username="boss", password=PASSWORD)
    assert created
    assert user.is_superuser
    before = counts()
    again, created_again = services.superuser_ensure(username="boss", password="other-pass-123")
    assert (again, created_again) == (user, False)
    assert counts() == before


def test_changing_a_user_needs_management_over_all_their_roles(world):
    """A commune administrator may not reset the password of someone who also holds a role
    elsewhere (here: the secretariat, granted a role in commune A on top of the province)."""
    services.role_grant(
        actor=SYSTEM, user=world.secretariat, role=Role.VIEWER, unit_code=world.commune_a.code
    )
    old_hash = User.objects.get(pk=world.secretariat.pk).password
    audit_before = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=world.sysadmin_a, user=world.secretariat, password="N3w-pass-2026!"
        )
    with pytest.raises(PermissionDenied):
        services.token_create(actor=world.sysadmin_a, user=world.secretariat)

    assert User.objects.get(pk=world.secretariat.pk).password == old_hash
    assert not ApiToken.objects.filter(user=world.secretariat).exists()
    assert AuditEntry.objects.count() == audit_before
    # a user whose every role lies in commune A is theirs to change
    services.user_update(actor=world.sysadmin_a, user=world.officer_a, full_name="Lò Văn A")
    assert User.objects.get(pk=world.officer_a.pk).full_name == "Lò Văn A"
