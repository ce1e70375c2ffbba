"""The unit and organisation pages, through the HTTP client: what each role sees, the forms,
refused input (shown on the form, nothing changed), scope (404), formats and query counts."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.geo import services
from hoctap.geo.models import (
    AdminUnit,
    Organisation,
    OrganisationClosure,
    OrganisationKind,
    UnitClosure,
    UnitKind,
    UnitSuccession,
)

pytestmark = pytest.mark.django_db

TABLES = (AdminUnit, UnitClosure, UnitSuccession, Organisation, OrganisationClosure, AuditEntry)
AsUser = Callable[[Any], Client]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


@contextlib.contextmanager
def page_writes_nothing() -> Iterator[None]:
    before = _counts()
    yield
    assert _counts() == before


def _text(response: Any) -> str:
    return response.content.decode()


def _villages(commune: AdminUnit, count: int) -> None:
    for number in range(count):
        services.village_create(
            actor=SYSTEM,
            parent_code=commune.code,
            name=f"Thôn Số {number}",
            valid_from=datetime.date(2025, 7, 1),
        )


def _organisations(unit: AdminUnit, count: int, prefix: str = "PG") -> None:
    for number in range(count):
        services.organisation_create(
            actor=SYSTEM,
            code=f"{prefix}-{number}",
            name=f"Trường số {number}",
            kind=OrganisationKind.SCHOOL,
            unit_code=unit.code,
        )


# ---------------------------------------------------------------------------------------------
# The unit tree and search
# ---------------------------------------------------------------------------------------------


def test_unit_tree_shows_the_actors_top_units_with_child_counts(
    world: World, as_user: AsUser
) -> None:
    response = as_user(world.admin).get(reverse("geo:unit_tree"))
    assert response.status_code == 200
    text = _text(response)
    assert "Lào Cai" in text
    assert "Tuyên Quang" in text
    assert reverse("geo:unit_detail", args=["15"]) in text

    officer = _text(as_user(world.officer_a).get(reverse("geo:unit_tree")))
    assert "Phường Lào Cai" in officer
    assert "Tuyên Quang" not in officer
    assert reverse("geo:unit_detail", args=["15"]) not in officer


def test_unit_search_ignores_diacritics(world: World, as_user: AsUser) -> None:
    response = as_user(world.admin).get(reverse("geo:unit_tree"), {"q": "lao cai"})
    assert response.status_code == 200
    text = _text(response)
    assert "Lào Cai" in text
    assert "Phường Lào Cai" in text
    assert "Tuyên Quang" not in text
    assert "Xã Khao Mang" not in text


def test_unit_search_stays_in_scope(world: World, as_user: AsUser) -> None:
    text = _text(as_user(world.officer_b).get(reverse("geo:unit_tree"), {"q": "lao cai"}))
    assert "Phường Lào Cai" not in text
    assert world.commune_a.code not in text


def test_unit_search_query_count_does_not_grow_with_rows(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.secretariat)
    client.get(reverse("geo:unit_tree"), {"q": "thon"})  # warm the session
    with django_assert_max_num_queries(8):
        few = client.get(reverse("geo:unit_tree"), {"q": "thon"})
    _villages(world.commune_a, 60)
    with django_assert_max_num_queries(8):
        many = client.get(reverse("geo:unit_tree"), {"q": "thon"})
    assert few.status_code == many.status_code == 200
    assert "Thôn Số 0" in _text(many)
    assert "page=2" in _text(many)


def test_unit_search_paginates_by_fifty(world: World, as_user: AsUser) -> None:
    _villages(world.commune_a, 55)
    client = as_user(world.admin)
    first = _text(client.get(reverse("geo:unit_tree"), {"q": "thon so"}))
    assert first.count("Thôn Số ") == 50
    second = _text(client.get(reverse("geo:unit_tree"), {"q": "thon so", "page": "2"}))
    assert second.count("Thôn Số ") == 5


# ---------------------------------------------------------------------------------------------
# Drill-down
# ---------------------------------------------------------------------------------------------


def test_drill_down_province_commune_village(world: World, as_user: AsUser) -> None:
    client = as_user(world.admin)
    province = _text(client.get(reverse("geo:unit_detail", args=["15"])))
    assert reverse("geo:unit_detail", args=[world.commune_a.code]) in province
    assert reverse("geo:unit_detail", args=[world.commune_b.code]) in province
    assert "Sở Giáo dục và Đào tạo" in province  # an organisation of the province

    commune = _text(client.get(reverse("geo:unit_detail", args=[world.commune_a.code])))
    assert reverse("geo:unit_detail", args=["15"]) in commune  # breadcrumb
    assert reverse("geo:unit_detail", args=[world.village_a.code]) in commune
    assert "Tổ dân phố Cốc Lếu" in commune
    assert "Trường THCS Cốc Lếu" in commune

    village = _text(client.get(reverse("geo:unit_detail", args=[world.village_a.code])))
    assert reverse("geo:unit_detail", args=[world.commune_a.code]) in village
    assert reverse("geo:unit_detail", args=["15"]) in village


def test_breadcrumb_does_not_link_units_above_the_grant(world: World, as_user: AsUser) -> None:
    text = _text(as_user(world.officer_a).get(reverse("geo:unit_detail", args=["02647"])))
    assert "Lào Cai" in text  # the province's name is shown …
    assert reverse("geo:unit_detail", args=["15"]) not in text  # … but not as a link


def test_unit_detail_query_count_does_not_grow_with_children(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.officer_a)
    url = reverse("geo:unit_detail", args=[world.commune_a.code])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    _villages(world.commune_a, 100)
    _organisations(world.commune_a, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Thôn Số 99" in _text(response)


def test_unit_detail_paginates_children_over_200(world: World, as_user: AsUser) -> None:
    _villages(world.commune_b, 201)
    client = as_user(world.admin)
    url = reverse("geo:unit_detail", args=[world.commune_b.code])
    first = _text(client.get(url))
    assert "?page=2" in first
    second = _text(client.get(url, {"page": 2}))
    assert "Thôn Số 200" in second


def test_closed_unit_and_successions_are_shown(world: World, as_user: AsUser) -> None:
    new_village = services.village_create(
        actor=SYSTEM, parent_code=world.commune_a.code, name="Tổ dân phố Mới"
    )
    services.unit_close(
        actor=SYSTEM,
        unit=world.village_a,
        valid_to=datetime.date(2026, 11, 22),
        successor_codes=[new_village.code],
    )
    text = _text(as_user(world.admin).get(reverse("geo:unit_detail", args=[world.village_a.code])))
    assert "22/11/2026" in text
    assert reverse("geo:unit_detail", args=[new_village.code]) in text
    successor = _text(as_user(world.admin).get(reverse("geo:unit_detail", args=[new_village.code])))
    assert reverse("geo:unit_detail", args=[world.village_a.code]) in successor


# ---------------------------------------------------------------------------------------------
# Villages: create, edit, close
# ---------------------------------------------------------------------------------------------


def test_actions_are_shown_only_to_who_may_use_them(world: World, as_user: AsUser) -> None:
    add_village = reverse("geo:village_create", args=[world.commune_a.code])
    assert add_village in _text(
        as_user(world.officer_a).get(reverse("geo:unit_detail", args=[world.commune_a.code]))
    )
    viewer_page = _text(
        as_user(world.viewer).get(reverse("geo:unit_detail", args=[world.commune_a.code]))
    )
    assert add_village not in viewer_page
    assert reverse("geo:unit_close", args=[world.commune_a.code]) not in viewer_page
    village_page = _text(
        as_user(world.officer_a).get(reverse("geo:unit_detail", args=[world.village_a.code]))
    )
    assert reverse("geo:village_edit", args=[world.village_a.code]) in village_page
    assert reverse("geo:unit_close", args=[world.village_a.code]) in village_page


def test_village_is_created_through_the_form_and_audited(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    url = reverse("geo:village_create", args=[world.commune_a.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Tổ dân phố Kim Tân", "kind": UnitKind.RESIDENTIAL_GROUP, "valid_from": ""}
    )
    village = AdminUnit.objects.get(name="Tổ dân phố Kim Tân")
    assert response.status_code == 302
    assert response["Location"] == reverse("geo:unit_detail", args=[village.code])
    assert village.parent_id == world.commune_a.id
    entry = AuditEntry.objects.get(action="unit.create", target_id=str(village.pk))
    assert entry.actor_id == world.officer_a.id
    assert entry.channel == "web"
    commune_page = _text(
        client.get(reverse("geo:unit_detail", args=[world.commune_a.code]), follow=True)
    )
    assert "Tổ dân phố Kim Tân" in commune_page


def test_village_under_a_province_shows_the_error_and_changes_nothing(
    world: World, as_user: AsUser
) -> None:
    client = as_user(world.admin)
    with page_writes_nothing():
        response = client.post(
            reverse("geo:village_create", args=["15"]),
            {"name": "Thôn Sai Chỗ", "kind": UnitKind.VILLAGE},
        )
    assert response.status_code == 200
    text = _text(response)
    assert "Thôn phải trực thuộc một xã, phường hoặc đặc khu." in text
    assert 'class="form-errors"' in text


def test_village_form_field_errors_change_nothing(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    with page_writes_nothing():
        response = client.post(
            reverse("geo:village_create", args=[world.commune_a.code]),
            {"name": "   ", "kind": "province"},
        )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"name", "kind"}


def test_officer_cannot_add_villages_elsewhere(world: World, as_user: AsUser) -> None:
    viewer = as_user(world.viewer)
    with page_writes_nothing():
        assert viewer.get(reverse("geo:village_create", args=["02647"])).status_code == 403
        post = viewer.post(reverse("geo:village_create", args=["02647"]), {"name": "X"})
        assert post.status_code == 403


def test_village_edit_through_the_form(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    url = reverse("geo:village_edit", args=[world.village_a.code])
    assert "Tổ dân phố Cốc Lếu" in _text(client.get(url))
    response = client.post(
        url,
        {
            "name": "Tổ dân phố Cốc Lếu Mới",
            "kind": UnitKind.RESIDENTIAL_GROUP,
            "valid_from": "2025-07-01",
        },
    )
    assert response.status_code == 302
    world.village_a.refresh_from_db()
    assert world.village_a.name == "Tổ dân phố Cốc Lếu Mới"
    assert AuditEntry.objects.filter(action="unit.update", target_id=str(world.village_a.pk))


def test_only_villages_have_an_edit_page(world: World, as_user: AsUser) -> None:
    url = reverse("geo:village_edit", args=[world.commune_a.code])
    assert as_user(world.admin).get(url).status_code == 404


def test_close_with_valid_to_before_valid_from_shows_the_field_error(
    world: World, as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    with page_writes_nothing():
        response = client.post(
            reverse("geo:unit_close", args=[world.village_a.code]),
            {"valid_to": "2020-01-01", "successors": "", "note": ""},
        )
    assert response.status_code == 200
    assert "valid_to" in response.context["form"].errors
    world.village_a.refresh_from_db()
    assert world.village_a.valid_to is None


def test_close_with_an_unknown_successor_shows_the_field_error(
    world: World, as_user: AsUser
) -> None:
    with page_writes_nothing():
        response = as_user(world.officer_a).post(
            reverse("geo:unit_close", args=[world.village_a.code]),
            {"valid_to": "2026-01-01", "successors": "NOPE-1"},
        )
    assert "successors" in response.context["form"].errors


def test_close_a_village_through_the_form(world: World, as_user: AsUser) -> None:
    successor = services.village_create(
        actor=SYSTEM, parent_code=world.commune_a.code, name="Tổ dân phố Hợp Nhất"
    )
    response = as_user(world.officer_a).post(
        reverse("geo:unit_close", args=[world.village_a.code]),
        {"valid_to": "2026-11-22", "successors": f" {successor.code} ,", "note": "QĐ 1/2026"},
    )
    assert response.status_code == 302
    world.village_a.refresh_from_db()
    assert world.village_a.valid_to == datetime.date(2026, 11, 22)
    assert UnitSuccession.objects.filter(predecessor=world.village_a, successor=successor)
    assert AuditEntry.objects.filter(action="unit.close", target_id=str(world.village_a.pk))


def test_a_commune_officer_cannot_close_their_own_commune(world: World, as_user: AsUser) -> None:
    url = reverse("geo:unit_close", args=[world.commune_a.code])
    assert as_user(world.officer_a).get(url).status_code == 403


# ---------------------------------------------------------------------------------------------
# Scope: another commune does not exist
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "geo:unit_detail",
        "geo:village_create",
        "geo:village_edit",
        "geo:unit_close",
    ],
)
def test_other_communes_units_are_not_found(world: World, as_user: AsUser, name: str) -> None:
    client = as_user(world.officer_a)
    for code in (world.commune_b.code, world.village_b.code, "15", "ZZ-NOWHERE"):
        assert client.get(reverse(name, args=[code])).status_code == 404, (name, code)


@pytest.mark.parametrize(
    "name", ["geo:organisation_detail", "geo:organisation_edit", "geo:organisation_deactivate"]
)
def test_other_communes_organisations_are_not_found(
    world: World, as_user: AsUser, name: str
) -> None:
    client = as_user(world.officer_a)
    for code in (world.org_b.code, world.school_b.code, "ZZ-NOWHERE"):
        assert client.get(reverse(name, args=[code])).status_code == 404, (name, code)


def test_organisation_list_stays_in_scope(world: World, as_user: AsUser) -> None:
    text = _text(as_user(world.officer_a).get(reverse("geo:organisation_list")))
    assert "Trường THCS Cốc Lếu" in text
    assert "Hội Khuyến học Khao Mang" not in text


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("geo:unit_detail", args=["15"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ---------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------


def test_organisation_list_filters(world: World, as_user: AsUser) -> None:
    client = as_user(world.admin)
    url = reverse("geo:organisation_list")

    def detail(org: Organisation) -> str:
        return reverse("geo:organisation_detail", args=[org.code])

    by_name = _text(client.get(url, {"q": "khao mang"}))
    assert detail(world.org_b) in by_name
    assert detail(world.org_a) not in by_name
    by_kind = _text(client.get(url, {"kind": OrganisationKind.SCHOOL}))
    assert detail(world.org_a) in by_kind
    assert detail(world.org_b) not in by_kind
    within = _text(client.get(url, {"within": world.commune_b.code}))
    assert detail(world.school_b) in within
    assert detail(world.org_a) not in within


def test_organisation_list_query_count_does_not_grow_with_rows(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.secretariat)
    url = reverse("geo:organisation_list")
    client.get(url)
    with django_assert_max_num_queries(8):
        client.get(url)
    _organisations(world.commune_a, 70)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert _text(response).count("Trường số ") >= 40
    assert "?page=2" in _text(response)


def test_organisation_is_created_through_the_form(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    url = reverse("geo:organisation_create")
    assert client.get(url, {"unit": world.commune_a.code}).status_code == 200
    response = client.post(
        url,
        {
            "code": "MN-02647",
            "name": "Trường Mầm non Cốc Lếu",
            "kind": OrganisationKind.SCHOOL,
            "unit": world.commune_a.code,
            "parent": "",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(code="MN-02647")
    assert org.unit_id == world.commune_a.id
    assert AuditEntry.objects.filter(action="organisation.create", organisation_id=org.id)


def test_organisation_with_an_unknown_unit_code_shows_the_field_error(
    world: World, as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    data = {"code": "X-1", "name": "Thử", "kind": OrganisationKind.SCHOOL, "parent": ""}
    for unit_code in ("99999", world.commune_b.code):  # nowhere, and outside the scope
        with page_writes_nothing():
            response = client.post(reverse("geo:organisation_create"), {**data, "unit": unit_code})
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
        assert f"“{unit_code}”" in _text(response)


def test_organisation_detail_edit_and_deactivate(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    detail = _text(client.get(reverse("geo:organisation_detail", args=[world.org_a.code])))
    assert "Trường THCS Cốc Lếu" in detail
    assert reverse("geo:organisation_edit", args=[world.org_a.code]) in detail

    response = client.post(
        reverse("geo:organisation_edit", args=[world.org_a.code]),
        {
            "name": "Trường THCS Cốc Lếu (mới)",
            "kind": OrganisationKind.SCHOOL,
            "unit": world.commune_a.code,
            "parent": "SGDDT-15",
        },
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Trường THCS Cốc Lếu (mới)"

    confirm = client.get(reverse("geo:organisation_deactivate", args=[world.org_a.code]))
    assert confirm.status_code == 200
    world.org_a.refresh_from_db()
    assert world.org_a.is_active  # GET only asks
    client.post(reverse("geo:organisation_deactivate", args=[world.org_a.code]))
    world.org_a.refresh_from_db()
    assert not world.org_a.is_active
    again = client.post(
        reverse("geo:organisation_deactivate", args=[world.org_a.code]), follow=True
    )
    assert "Cơ quan, tổ chức này đã ngừng hoạt động." in _text(again)


def test_organisation_edit_refused_input_changes_nothing(world: World, as_user: AsUser) -> None:
    with page_writes_nothing():
        response = as_user(world.admin).post(
            reverse("geo:organisation_edit", args=[world.province_org.code]),
            {
                "name": "Sở Giáo dục và Đào tạo",
                "kind": OrganisationKind.PROVINCIAL_DEPARTMENT,
                "unit": "15",
                "parent": world.org_a.code,  # its own child: a cycle
            },
        )
    assert "parent" in response.context["form"].errors
    world.province_org.refresh_from_db()
    assert world.province_org.parent_id is None


def test_viewer_may_not_create_organisations(world: World, as_user: AsUser) -> None:
    assert as_user(world.viewer).get(reverse("geo:organisation_create")).status_code == 403
    edit = reverse("geo:organisation_edit", args=[world.org_a.code])
    assert as_user(world.viewer).get(edit).status_code == 403


# ---------------------------------------------------------------------------------------------
# Language and formats
# ---------------------------------------------------------------------------------------------


def test_vietnamese_formats_then_english_after_switching(world: World, as_user: AsUser) -> None:
    services.unit_close(actor=SYSTEM, unit=world.village_b, valid_to=datetime.date(2026, 11, 22))
    client = as_user(world.admin)
    url = reverse("geo:unit_detail", args=[world.village_b.code])
    vietnamese = _text(client.get(url))
    assert "22/11/2026" in vietnamese
    assert "01/07/2025" in vietnamese
    assert "Hiệu lực từ" in vietnamese

    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302
    english = _text(client.get(url))
    assert "2026-11-22" in english
    assert "22/11/2026" not in english
    assert "Valid from" in english
