"""The audit log: one entry per write, in the write's transaction; scoped reads; no way to edit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.test import RequestFactory
from django.utils import timezone

from hoctap.accounts import services as accounts
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.audit import selectors
from hoctap.audit.models import AuditEntry
from hoctap.audit.services import audit_record
from hoctap.core import request_context
from hoctap.core.errors import NotFound
from hoctap.geo import services as geo
from hoctap.geo.models import (
    AdminUnit,
    Organisation,
    OrganisationClosure,
    OrganisationKind,
    UnitClosure,
    UnitSuccession,
)

PASSWORD = "correct-horse-battery-staple-42"
START = datetime.date(2025, 7, 1)
END = datetime.date(2025, 12, 31)
TABLES = (
    AdminUnit,
    UnitClosure,
    UnitSuccession,
    Organisation,
    OrganisationClosure,
    User,
    RoleGrant,
    ApiToken,
    AuditEntry,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def _new_village(w: Any) -> Any:
    return geo.village_create(
        actor=w.officer_a, parent_code="02647", name="Tổ dân phố 9", valid_from=START
    )


def _succession(w: Any) -> Any:
    new = geo.village_create(actor=SYSTEM, parent_code="02647", name="Tổ mới", valid_from=START)
    return lambda: geo.unit_succession_record(
        actor=w.officer_a, predecessor=w.village_a, successor=new, effective_on=END
    )


def _token_revoke(w: Any) -> Any:
    token, _key = accounts.token_create(actor=SYSTEM, user=w.officer_a)
    return lambda: accounts.token_revoke(actor=w.officer_a, token=token)


def _role_revoke(w: Any) -> Any:
    grant = RoleGrant.objects.get(user=w.officer_a)
    return lambda: accounts.role_revoke(actor=w.sysadmin_a, grant=grant)


# name → (prepare(world) returning the write to run, expected action)
WRITES: dict[str, tuple[Callable[[Any], Callable[[], Any]], str]] = {
    "village_create": (lambda w: lambda: _new_village(w), "unit.create"),
    "village_update": (
        lambda w: lambda: geo.village_update(actor=w.officer_a, unit=w.village_a, name="Tổ đổi"),
        "unit.update",
    ),
    "unit_close": (
        lambda w: lambda: geo.unit_close(actor=w.officer_a, unit=w.village_a, valid_to=END),
        "unit.close",
    ),
    "unit_succession_record": (_succession, "unit.succession"),
    "organisation_create": (
        lambda w: (
            lambda: geo.organisation_create(
                actor=w.officer_b,
                code="CA-B",
                name="Công an xã",
                kind=OrganisationKind.POLICE,
                unit_code="04465",
            )
        ),
        "organisation.create",
    ),
    "organisation_update": (
        lambda w: (
            lambda: geo.organisation_update(actor=w.officer_b, organisation=w.org_b, name="Hội KH")
        ),
        "organisation.update",
    ),
    "organisation_move": (
        lambda w: (
            lambda: geo.organisation_update(
                actor=SYSTEM, organisation=w.org_b, parent_code="SGDDT-15"
            )
        ),
        "organisation.update",
    ),
    "organisation_deactivate": (
        lambda w: lambda: geo.organisation_deactivate(actor=w.officer_b, organisation=w.org_b),
        "organisation.update",
    ),
    "role_grant": (
        lambda w: (
            lambda: accounts.role_grant(
                actor=w.sysadmin_a, user=w.officer_a, role=Role.INSPECTOR, unit_code="02647"
            )
        ),
        "role.grant",
    ),
    "role_revoke": (_role_revoke, "role.revoke"),
    "user_update": (
        lambda w: (
            lambda: accounts.user_update(
                actor=w.sysadmin_a, user=w.officer_a, full_name="Giàng A Páo"
            )
        ),
        "user.update",
    ),
    "token_create": (
        lambda w: lambda: accounts.token_create(actor=w.officer_a, user=w.officer_a),
        "token.create",
    ),
    "token_revoke": (_token_revoke, "token.revoke"),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_records_exactly_one_entry(world, name):
    prepare, action = WRITES[name]
    write = prepare(world)
    before = AuditEntry.objects.count()
    last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()

    with request_context.bound(channel="web", request_id=f"req-{name}", ip_address="198.51.100.4"):
        result = write()

    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(id__gt=last_id)
    target = result[0] if isinstance(result, tuple) else result
    assert entry.action == action
    assert (entry.target_type, entry.target_id) == (target._meta.label_lower, str(target.pk))
    assert (entry.request_id, entry.ip_address, entry.channel) == (
        f"req-{name}",
        "198.51.100.4",
        "web",
    )
    assert entry.changes


def test_user_create_records_the_user_and_the_grant_in_the_grants_scope(world):
    before = AuditEntry.objects.count()
    user = accounts.user_create(
        actor=world.sysadmin_a,
        username="newcomer",
        role=Role.VIEWER,
        unit_code="02647",
        password=PASSWORD,
    )
    entries = AuditEntry.objects.filter(
        Q(target_type="accounts.user", target_id=str(user.pk))
        | Q(target_type="accounts.rolegrant", target_id=str(user.grants.get().pk))
    )
    assert AuditEntry.objects.count() == before + 2
    assert sorted(entries.values_list("action", flat=True)) == ["role.grant", "user.create"]
    assert set(entries.values_list("unit_id", flat=True)) == {world.commune_a.id}
    # so the administrator who created the user finds both in their audit log
    visible = selectors.audit_list(
        actor=world.sysadmin_a, target_type="accounts.user", target_id=str(user.pk)
    )
    assert [e.action for e in visible] == ["user.create"]


def test_official_load_records_one_entry_per_unit_changed(world):
    geo.units_load_official(actor=SYSTEM, province_code="15")
    AdminUnit.objects.filter(code="04465").update(name="Xã Sai")
    before = AuditEntry.objects.count()

    geo.units_load_official(actor=SYSTEM, province_code="15")

    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("id").action == "unit.update_official"


def test_a_write_without_a_change_records_nothing(world):
    before = AuditEntry.objects.count()
    geo.village_update(actor=world.officer_a, unit=world.village_a, name=world.village_a.name)
    geo.organisation_update(actor=world.officer_b, organisation=world.org_b)
    accounts.user_update(actor=world.sysadmin_a, user=world.officer_a, full_name="")
    assert AuditEntry.objects.count() == before


def _failing(real: Callable[..., Any], action: str) -> Callable[..., Any]:
    def record(**kwargs: Any) -> Any:
        if kwargs["action"] == action:
            raise RuntimeError("the audit log is unavailable")
        return real(**kwargs)

    return record


@pytest.mark.parametrize(
    ("module", "action", "write"),
    [
        (geo, "unit.create", lambda w: _new_village(w)),
        (
            geo,
            "unit.close",
            lambda w: geo.unit_close(actor=w.officer_a, unit=w.village_a, valid_to=END),
        ),
        (
            geo,
            "organisation.update",
            lambda w: geo.organisation_update(
                actor=SYSTEM, organisation=w.org_b, parent_code="SGDDT-15", name="Moved"
            ),
        ),
        (
            accounts,
            "role.grant",  # the second entry of user_create: the user must go too
            lambda w: accounts.user_create(
                actor=w.sysadmin_a,
                username="newcomer",
                role=Role.VIEWER,
                unit_code="02647",
                password=PASSWORD,
            ),
        ),
        (
            accounts,
            "token.create",
            lambda w: accounts.token_create(actor=w.officer_a, user=w.officer_a),
        ),
    ],
)
def test_a_write_whose_audit_fails_leaves_nothing(world, monkeypatch, module, action, write):
    monkeypatch.setattr(module, "audit_record", _failing(module.audit_record, action))
    before = counts()
    closure = set(OrganisationClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))

    with pytest.raises(RuntimeError):
        write(world)

    assert counts() == before
    assert AdminUnit.objects.get(pk=world.village_a.pk).valid_to is None
    org_b = Organisation.objects.get(pk=world.org_b.pk)
    assert (org_b.name, org_b.parent_id) == ("Hội Khuyến học Khao Mang", None)
    assert (
        set(OrganisationClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))
        == closure
    )


def test_audit_record_refuses_to_run_outside_a_transaction(world):
    connection = transaction.get_connection()
    in_block = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError):
            audit_record(actor=SYSTEM, action="x", target=world.village_a)
    finally:
        connection.in_atomic_block = in_block


def test_entry_of_the_system_actor(world):
    entry = AuditEntry.objects.get(action="unit.create", target_id=str(world.village_a.pk))
    assert (entry.actor, entry.actor_label) == (None, "system")


# ---------------------------------------------------------------------------------------------
# Scoped reads
# ---------------------------------------------------------------------------------------------


def _entries_for_both_communes(world: Any) -> None:
    geo.village_create(actor=world.officer_a, parent_code="02647", name="Tổ A2", valid_from=START)
    geo.village_create(actor=world.officer_b, parent_code="04465", name="Bản B2", valid_from=START)


def _units_of(entries: Any) -> set[str]:
    return {e.unit.code if e.unit else "-" for e in entries}


def _in_commune(code: str, commune: str) -> bool:
    return code == commune or code.startswith(f"{commune}-")


def test_the_province_sees_entries_of_both_communes(world):
    _entries_for_both_communes(world)
    inspector = accounts.user_create(
        actor=SYSTEM, username="inspector", role=Role.INSPECTOR, unit_code="15", password=PASSWORD
    )
    for actor in (world.secretariat, inspector):
        units = _units_of(selectors.audit_list(actor=actor))
        assert any(_in_commune(code, "02647") for code in units)
        assert any(_in_commune(code, "04465") for code in units)
        assert "-" not in units  # entries tied to no unit are for superusers


def test_a_commune_administrator_sees_only_their_communes_entries(world):
    _entries_for_both_communes(world)

    entries = list(selectors.audit_list(actor=world.sysadmin_a))

    assert entries
    assert all(_in_commune(code, "02647") for code in _units_of(entries))
    assert "unit.create" in {e.action for e in entries}
    entry_b = AuditEntry.objects.filter(unit__code__startswith="04465").earliest("id")
    with pytest.raises(NotFound):
        selectors.audit_get(actor=world.sysadmin_a, entry_id=entry_b.pk)


def test_an_organisation_grant_sees_its_organisations_entries(world):
    auditor = accounts.user_create(
        actor=SYSTEM,
        username="org_auditor",
        role=Role.INSPECTOR,
        organisation_code="HKH-B",
        password=PASSWORD,
    )
    geo.organisation_update(actor=SYSTEM, organisation=world.school_b, name="Trường TH Khao Mang")
    geo.organisation_update(actor=SYSTEM, organisation=world.org_a, name="Trường THCS A")

    targets = {e.target_label for e in selectors.audit_list(actor=auditor)}

    assert "Trường TH Khao Mang (TH-B)" in targets
    assert not any("THCS" in label for label in targets)


def test_without_the_audit_permission_the_log_is_empty(world):
    _entries_for_both_communes(world)
    assert list(selectors.audit_list(actor=world.officer_a)) == []
    assert list(selectors.audit_list(actor=world.viewer)) == []
    assert selectors.audit_list(actor=world.admin).count() == AuditEntry.objects.count()


def test_audit_list_filters(world):
    _entries_for_both_communes(world)
    admin_user = world.admin
    assert {e.action for e in selectors.audit_list(actor=admin_user, action="unit.")} == {
        "unit.create"
    }
    by_officer = selectors.audit_list(actor=admin_user, actor_username="officer_b")
    assert list(by_officer.values_list("action", "unit__parent__code")) == [
        ("unit.create", "04465")
    ]
    assert selectors.audit_list(actor=admin_user, target_type="geo.organisation").count() == 4
    today = timezone.localdate()
    assert (
        selectors.audit_list(actor=admin_user, until=today - datetime.timedelta(days=2)).count()
        == 0
    )


# ---------------------------------------------------------------------------------------------
# The API: read-only and scoped
# ---------------------------------------------------------------------------------------------


def test_audit_api_lists_scoped_entries(world, as_user):
    _entries_for_both_communes(world)

    body = as_user(world.sysadmin_a).get("/api/v1/audit").json()

    assert body["count"] == selectors.audit_list(actor=world.sysadmin_a).count() > 0
    assert all(_in_commune(item["unit_code"], "02647") for item in body["items"])
    first = body["items"][0]
    assert set(first) >= {"id", "created_at", "actor", "action", "changes", "request_id"}
    province = as_user(world.secretariat).get("/api/v1/audit").json()
    codes = {item["unit_code"] for item in province["items"]}
    assert any(_in_commune(code, "04465") for code in codes)
    assert any(_in_commune(code, "02647") for code in codes)


def test_audit_api_detail_is_scoped(world, as_user):
    entry_a = AuditEntry.objects.filter(unit=world.village_a).earliest("id")
    entry_b = AuditEntry.objects.filter(unit=world.village_b).earliest("id")
    client = as_user(world.sysadmin_a)

    assert client.get(f"/api/v1/audit/{entry_a.pk}").json()["id"] == entry_a.pk
    assert client.get(f"/api/v1/audit/{entry_b.pk}").status_code == 404


def test_an_api_write_is_audited_with_the_request(world, as_user):
    response = as_user(world.officer_a).post(
        "/api/v1/units",
        {"parent": "02647", "name": "Tổ 12"},
        content_type="application/json",
        HTTP_X_REQUEST_ID="trace-abcdef123",
    )
    assert response.status_code == 201

    items = as_user(world.admin).get("/api/v1/audit", {"action": "unit.create"}).json()["items"]
    assert items[0]["request_id"] == "trace-abcdef123"
    assert (items[0]["actor"], items[0]["channel"]) == ("officer_a", "api")
    assert items[0]["changes"]["name"] == "Tổ 12"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_audit_api_has_no_write(world, as_user, method):
    entry = AuditEntry.objects.earliest("id")
    client = as_user(world.admin)
    before = list(AuditEntry.objects.order_by("id").values())
    for url in ("/api/v1/audit", f"/api/v1/audit/{entry.pk}"):
        response = getattr(client, method)(url, {"action": "x"}, content_type="application/json")
        assert response.status_code == 405
    assert list(AuditEntry.objects.order_by("id").values()) == before


# ---------------------------------------------------------------------------------------------
# The admin: read-only
# ---------------------------------------------------------------------------------------------


def test_the_admin_cannot_add_change_or_delete_entries(world):
    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    entry = AuditEntry.objects.earliest("id")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert model_admin.has_view_permission(request, entry)


def test_the_admin_change_page_is_read_only(world, as_user):
    client = as_user(world.admin)
    entry = AuditEntry.objects.filter(action="unit.create").earliest("id")
    url = f"/admin/audit/auditentry/{entry.pk}/change/"
    before = AuditEntry.objects.filter(pk=entry.pk).values().get()

    page = client.get(url)
    posted = client.post(url, {"action": "forged", "target_label": "forged", "_save": "Save"})
    deleted = client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    listed = client.post(
        "/admin/audit/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert b"unit.create" in page.content
    assert posted.status_code == 403
    assert deleted.status_code == 403
    assert listed.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).values().get() == before
    assert client.get("/admin/audit/auditentry/add/").status_code == 403


def test_changes_to_a_user_are_seen_by_the_administrators_of_their_unit(world):
    from hoctap.accounts import services as account_services
    from hoctap.audit import selectors as audit_selectors

    account_services.user_update(actor=world.sysadmin_a, user=world.officer_a, full_name="Lò A")
    account_services.token_create(actor=world.sysadmin_a, user=world.officer_a)

    seen_by_a = audit_selectors.audit_list(actor=world.sysadmin_a)
    actions = set(
        seen_by_a.filter(target_id__in=[str(world.officer_a.pk)]).values_list("action", flat=True)
    )
    assert "user.update" in actions
    assert seen_by_a.filter(action="token.create").exists()
    # and an administrator of commune B does not see them
    admin_b = account_services.user_create(
        actor=SYSTEM, username="sysadmin_b", role="system_admin", unit_code=world.commune_b.code
    )
    seen_by_b = audit_selectors.audit_list(actor=admin_b)
    assert not seen_by_b.filter(action__in=["user.update", "token.create"]).exists()
    assert seen_by_b.filter(action="user.create").exists()  # they do see their own commune


@pytest.mark.django_db
def test_the_audit_table_keeps_one_index_for_look_ups_by_unit():
    """Every audited write updates every index of the table: the index on `unit` alone was a
    second copy of the start of (unit, -created_at), and migration 0002 drops it."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEntry._meta.db_table)
    indexes = [c["columns"] for c in constraints.values() if c["index"] and not c["primary_key"]]
    starting_with_unit = [columns for columns in indexes if columns[0] == "unit_id"]
    assert starting_with_unit == [["unit_id", "created_at"]]
    assert ["organisation_id"] in indexes  # the other scope column keeps its own
