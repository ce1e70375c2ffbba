"""`scope_for`: where an actor holds a permission, from their dated role grants."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from hoctap.accounts import services
from hoctap.accounts.models import RoleGrant
from hoctap.accounts.permissions import (
    SYSTEM,
    active_grants,
    forget_cached_grants,
    has_permission_somewhere,
    scope_for,
)
from hoctap.accounts.roles import ROLE_PERMISSIONS, Perm, Role, roles_with
from hoctap.geo import services as geo
from hoctap.geo.models import AdminUnit, Organisation, OrganisationKind

PASSWORD = "correct-horse-battery-staple-42"


def covered_units(scope) -> set[str]:
    return {u.code for u in AdminUnit.objects.all() if scope.covers_unit(u.id)}


def covered_orgs(scope) -> set[str]:
    return {
        o.code for o in Organisation.objects.all() if scope.covers_organisation(o.id, o.unit_id)
    }


def visible_units(scope) -> set[str]:
    return set(AdminUnit.objects.filter(scope.units_q("id")).values_list("code", flat=True))


def visible_orgs(scope) -> set[str]:
    return set(
        Organisation.objects.filter(scope.organisations_q("id", "unit_id")).values_list(
            "code", flat=True
        )
    )


def test_a_grant_on_a_unit_covers_the_unit_and_everything_beneath(world):
    scope = scope_for(world.officer_a, Perm.VIEW_UNITS)

    assert scope.unit_ids == {world.commune_a.id}
    assert covered_units(scope) == {"02647", "02647-001"}
    assert visible_units(scope) == {"02647", "02647-001"}
    # organisations attached to those units, whatever their parent organisation
    assert covered_orgs(scope) == {"THCS-A"}
    assert visible_orgs(scope) == {"THCS-A"}


def test_a_grant_on_the_province_covers_both_communes(world):
    scope = scope_for(world.secretariat, Perm.VIEW_UNITS)
    assert covered_units(scope) == {"15", "02647", "04465", "02647-001", "04465-001"}
    assert "08" not in visible_units(scope)
    assert covered_orgs(scope) == {"SGDDT-15", "THCS-A", "HKH-B", "TH-B"}


def test_a_grant_on_an_organisation_covers_it_and_its_children_not_siblings(world):
    sibling = geo.organisation_create(
        actor=SYSTEM,
        code="CA-B",
        name="Công an xã Khao Mang",
        kind=OrganisationKind.POLICE,
        unit_code="04465",
    )
    grandchild = geo.organisation_create(
        actor=SYSTEM,
        code="CLB-B",
        name="Câu lạc bộ",
        kind=OrganisationKind.OTHER,
        unit_code="04465-001",
        parent_code="TH-B",
    )
    scope = scope_for(world.org_officer_b, Perm.MANAGE_ORGANISATIONS)

    assert scope.org_ids == {world.org_b.id}
    assert not scope.unit_ids
    assert covered_orgs(scope) == {"HKH-B", "TH-B", grandchild.code}
    assert visible_orgs(scope) == {"HKH-B", "TH-B", grandchild.code}
    assert not scope.covers_organisation(sibling.id, sibling.unit_id)
    # an organisation grant gives no unit
    assert covered_units(scope) == set()


def test_only_the_permissions_of_the_role_count(world):
    assert scope_for(world.viewer, Perm.VIEW_UNITS).unit_ids == {world.province.id}
    assert scope_for(world.viewer, Perm.MANAGE_UNITS).is_empty
    assert scope_for(world.officer_a, Perm.MANAGE_USERS).is_empty
    assert scope_for(world.sysadmin_a, Perm.MANAGE_USERS).unit_ids == {world.commune_a.id}
    assert not has_permission_somewhere(world.viewer, Perm.VIEW_AUDIT)
    assert has_permission_somewhere(world.secretariat, Perm.VIEW_AUDIT)


def test_every_role_is_described_and_read_is_everywhere():
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    assert set(roles_with(Perm.VIEW_UNITS)) == set(Role.values)
    assert roles_with(Perm.MANAGE_USERS) == [Role.SYSTEM_ADMIN]


def _user_with_grant(world, valid_from, valid_to):
    user = services.user_create(
        actor=SYSTEM, username="dated", role=Role.VIEWER, unit_code="04465", password=PASSWORD
    )
    RoleGrant.objects.filter(user=user).update(valid_from=valid_from, valid_to=valid_to)
    forget_cached_grants(user)
    return user


def test_an_expired_grant_gives_nothing(world):
    today = timezone.localdate()
    user = _user_with_grant(world, datetime.date(2025, 7, 1), today - datetime.timedelta(days=1))

    assert scope_for(user, Perm.VIEW_UNITS).is_empty
    assert active_grants(user) == []
    # it did hold on a day inside its dates
    assert scope_for(user, Perm.VIEW_UNITS, on=datetime.date(2025, 8, 1)).unit_ids == {
        world.commune_b.id
    }


def test_a_grant_ending_today_still_holds_today(world):
    user = _user_with_grant(world, datetime.date(2025, 7, 1), timezone.localdate())
    assert scope_for(user, Perm.VIEW_UNITS).unit_ids == {world.commune_b.id}


def test_a_future_grant_gives_nothing_yet(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    user = _user_with_grant(world, tomorrow, None)

    assert scope_for(user, Perm.VIEW_UNITS).is_empty
    assert scope_for(user, Perm.VIEW_UNITS, on=tomorrow).unit_ids == {world.commune_b.id}


def test_superuser_and_system_are_global(world):
    for actor in (world.admin, SYSTEM):
        scope = scope_for(actor, Perm.MANAGE_USERS)
        assert scope.is_global
        assert scope.covers_unit(world.other_province.id)
        assert visible_units(scope) == set(AdminUnit.objects.values_list("code", flat=True))


def test_an_inactive_user_has_nothing(world):
    world.officer_a.is_active = False
    world.admin.is_active = False

    assert scope_for(world.officer_a, Perm.VIEW_UNITS).is_empty
    assert scope_for(world.admin, Perm.VIEW_UNITS).is_empty
    assert active_grants(world.officer_a) == []


@pytest.mark.parametrize("actor", [None, "anonymous"])
def test_no_user_has_nothing(world, actor):
    user = AnonymousUser() if actor == "anonymous" else None
    scope = scope_for(user, Perm.VIEW_UNITS)
    assert scope.is_empty
    assert visible_units(scope) == set()
    assert not scope.covers_unit(world.province.id)


def test_grants_are_read_once_and_forgotten_on_change(world, django_assert_num_queries):
    user = world.viewer
    forget_cached_grants(user)
    with django_assert_num_queries(1):
        scope_for(user, Perm.VIEW_UNITS)
        scope_for(user, Perm.VIEW_ORGANISATIONS)
    services.role_grant(actor=SYSTEM, user=user, role=Role.INSPECTOR, unit_code="04465")
    assert scope_for(user, Perm.VIEW_AUDIT).unit_ids == {world.commune_b.id}
