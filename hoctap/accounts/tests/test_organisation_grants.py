"""A role on an organisation covers the organisations beneath it, wherever they are attached.
So a grant on it lies in an administrator's scope only if all of them do: an enterprise of
commune A with a branch attached to commune B is not commune A's to grant on (ADR 0007)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from hoctap.accounts import selectors, services
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.permissions import SYSTEM, scope_for
from hoctap.accounts.roles import Perm, Role
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.geo import services as geo
from hoctap.geo.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

AsUser = Callable[[Any], Client]


@dataclass
class Branches:
    enterprise: Organisation  # DN-A, attached to commune A
    branch: Organisation  # DN-A-CN-B, its branch, attached to commune B
    officer: User  # org_officer on DN-A, made by the system


@pytest.fixture
def branches(world: World) -> Branches:
    enterprise = geo.organisation_create(
        actor=SYSTEM,
        code="DN-A",
        name="Doanh nghiệp A",
        kind=OrganisationKind.ENTERPRISE,
        unit_code=world.commune_a.code,
    )
    branch = geo.organisation_create(
        actor=SYSTEM,
        code="DN-A-CN-B",
        name="Chi nhánh Zeta",
        kind=OrganisationKind.ENTERPRISE,
        unit_code=world.commune_b.code,
        parent_code="DN-A",
    )
    officer = services.user_create(
        actor=SYSTEM,
        username="dn_officer",
        role=Role.ORG_OFFICER,
        organisation_code="DN-A",
        password=PASSWORD,
    )
    return Branches(enterprise=enterprise, branch=branch, officer=officer)


def _snapshot() -> dict[str, Any]:
    return {
        "grants": sorted(RoleGrant.objects.values_list("id", "valid_to")),
        "users": sorted(User.objects.values_list("id", "password", "email", "is_active")),
        "tokens": ApiToken.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@contextlib.contextmanager
def changes_nothing() -> Iterator[None]:
    before = _snapshot()
    yield
    assert _snapshot() == before


def _patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


# ---------------------------------------------------------------------------------------------
# Granting
# ---------------------------------------------------------------------------------------------


def test_a_commune_admin_cannot_widen_their_scope_through_an_organisation_grant(
    world: World, branches: Branches, as_user: AsUser
) -> None:
    client = as_user(world.sysadmin_a)
    with changes_nothing():
        response = client.post(
            "/api/v1/users/sysadmin_a/grants",
            {"role": "system_admin", "organisation": "DN-A"},
            content_type="application/json",
            headers={"Accept-Language": "en"},
        )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"organisation"}
    assert "outside your area" in response.json()["errors"]["organisation"]

    # commune B's branch, commune B itself and its organisations stay out of sight
    client = as_user(User.objects.get(pk=world.sysadmin_a.pk))
    assert client.get("/api/v1/organisations/DN-A-CN-B").status_code == 404
    assert client.get(f"/api/v1/units/{world.commune_b.code}").status_code == 404
    scope = scope_for(User.objects.get(pk=world.sysadmin_a.pk), Perm.MANAGE_ORGANISATIONS)
    assert not scope.covers_organisation(branches.branch.id, branches.branch.unit_id)


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.ORG_OFFICER, Role.VIEWER])
def test_no_role_on_an_organisation_reaching_into_another_commune(
    world: World, branches: Branches, role: str
) -> None:
    with changes_nothing(), pytest.raises(InvalidInput) as exc:
        services.role_grant(
            actor=world.sysadmin_a, user=world.officer_a, role=role, organisation_code="DN-A"
        )
    assert set(exc.value.errors) == {"organisation"}
    with changes_nothing(), pytest.raises(InvalidInput) as exc:
        services.user_create(
            actor=world.sysadmin_a,
            username="newcomer",
            role=role,
            organisation_code="DN-A",
            password=PASSWORD,
        )
    assert set(exc.value.errors) == {"organisation"}


def test_a_branch_two_levels_down_counts_too(world: World) -> None:
    geo.organisation_create(
        actor=SYSTEM, code="DN-A", name="A", kind="enterprise", unit_code=world.commune_a.code
    )
    geo.organisation_create(
        actor=SYSTEM,
        code="DN-A-X",
        name="X",
        kind="enterprise",
        unit_code=world.village_a.code,
        parent_code="DN-A",
    )
    geo.organisation_create(
        actor=SYSTEM,
        code="DN-A-X-B",
        name="B",
        kind="enterprise",
        unit_code=world.village_b.code,
        parent_code="DN-A-X",
    )
    for code in ("DN-A", "DN-A-X"):
        with changes_nothing(), pytest.raises(InvalidInput):
            services.role_grant(
                actor=world.sysadmin_a, user=world.officer_a, role="viewer", organisation_code=code
            )


def test_an_organisation_wholly_inside_the_commune_can_be_granted(
    world: World, branches: Branches
) -> None:
    """Control: the same enterprise without its branch elsewhere is commune A's."""
    geo.organisation_create(
        actor=SYSTEM,
        code="DN-A2",
        name="Doanh nghiệp A2",
        kind="enterprise",
        unit_code=world.commune_a.code,
    )
    geo.organisation_create(
        actor=SYSTEM,
        code="DN-A2-CN",
        name="Chi nhánh trong xã",
        kind="enterprise",
        unit_code=world.village_a.code,
        parent_code="DN-A2",
    )
    grant = services.role_grant(
        actor=world.sysadmin_a, user=world.officer_a, role="viewer", organisation_code="DN-A2"
    )
    assert grant.organisation is not None
    assert grant.organisation.code == "DN-A2"
    # and whoever covers commune B as well (here the system) may grant on DN-A
    services.role_grant(actor=SYSTEM, user=world.officer_a, role="viewer", organisation_code="DN-A")


def test_a_branch_under_a_granted_organisation_is_covered(world: World, branches: Branches) -> None:
    """An administrator of commune A who also administers DN-A itself covers its branch."""
    services.role_grant(
        actor=SYSTEM, user=world.sysadmin_a, role=Role.SYSTEM_ADMIN, organisation_code="DN-A"
    )
    actor = User.objects.get(pk=world.sysadmin_a.pk)
    services.role_grant(actor=actor, user=world.officer_a, role="viewer", organisation_code="DN-A")
    services.role_grant(
        actor=actor, user=world.officer_a, role="viewer", organisation_code="DN-A-CN-B"
    )
    assert selectors.user_get(actor=actor, username="dn_officer") == branches.officer


# ---------------------------------------------------------------------------------------------
# Seeing and changing the users who hold such a role
# ---------------------------------------------------------------------------------------------


def test_the_holder_of_such_a_role_is_not_the_communes_to_change(
    world: World, branches: Branches
) -> None:
    officer = branches.officer
    with changes_nothing():
        with pytest.raises(PermissionDenied):
            services.user_update(
                actor=world.sysadmin_a, user=officer, password="Taken-over-pass-5555"
            )
        with pytest.raises(PermissionDenied):
            services.token_create(actor=world.sysadmin_a, user=officer)
        with pytest.raises(PermissionDenied):
            services.role_revoke(actor=world.sysadmin_a, grant=RoleGrant.objects.get(user=officer))
    assert User.objects.get(pk=officer.pk).check_password(PASSWORD)


def test_the_api_answers_for_such_a_user_as_for_one_outside_the_commune(
    world: World, branches: Branches, as_user: AsUser
) -> None:
    client = as_user(world.sysadmin_a)
    grant = RoleGrant.objects.get(user=branches.officer)
    with changes_nothing():
        patched = _patch(client, "/api/v1/users/dn_officer", {"password": "Taken-over-pass-5555"})
        revoked = client.post(
            f"/api/v1/grants/{grant.pk}/revoke", "{}", content_type="application/json"
        )
        listed = client.get("/api/v1/users", {"role": "org_officer"})
    assert patched.status_code == 404
    assert revoked.status_code == 404
    assert listed.json()["items"] == []
    assert "dn_officer" not in client.get("/users/").content.decode()
    # the province, whose area covers both communes, sees them
    seen = as_user(world.secretariat).get("/api/v1/users", {"role": "org_officer"})
    assert "dn_officer" in [item["username"] for item in seen.json()["items"]]
    assert Client().login(username="dn_officer", password=PASSWORD)


def test_the_scope_check_and_the_filter_agree(world: World, branches: Branches) -> None:
    manage = scope_for(world.sysadmin_a, Perm.MANAGE_USERS)
    assert manage.covers_organisation(branches.enterprise.id, branches.enterprise.unit_id)
    assert not manage.covers_organisation_subtree(branches.enterprise.id)
    assert manage.covers_organisation_subtree(world.org_a.id)
    assert not manage.covers_organisation_subtree(world.org_b.id)
    assert not manage.covers_organisation_subtree(None)
    in_scope = set(
        RoleGrant.objects.filter(selectors.grant_in_scope_q(manage)).values_list(
            "user__username", flat=True
        )
    )
    assert in_scope == {"officer_a", "sysadmin_a"}
    assert scope_for(SYSTEM, Perm.MANAGE_USERS).covers_organisation_subtree(branches.enterprise.id)
