"""The register pages, through the HTTP client: lists (scoped, masked, searched, filtered, query
counts), detail pages with history, the audited "show full ID number", the forms (the services'
errors on the fields, nothing changed when refused), and 403 / 404."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.registry import services
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatusChange,
)

pytestmark = pytest.mark.django_db

AsUser = Callable[[Any], Client]
TABLES = (Person, PersonStatusChange, Household, Clan, OrganisationMembership, AuditEntry)


def _text(response: Any) -> str:
    return response.content.decode()


def _snapshot() -> dict[str, Any]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TABLES}


@contextlib.contextmanager
def nothing_changes() -> Iterator[None]:
    before = _snapshot()
    yield
    assert _snapshot() == before


def add_persons(village_code: str, count: int, *, household: str = "") -> list[Person]:
    """Men born in 1985 with valid ID numbers 010085 + 6 digits, named "Người Số N"."""
    return [
        services.person_create(
            actor=SYSTEM,
            national_id=f"010085{900000 + number:06d}",
            full_name=f"Người Số {number}",
            birth_date=datetime.date(1985, 5, 5),
            sex="male",
            ethnicity="01",
            village_code=village_code,
            household_code=household,
            relation_to_head="other" if household else "",
            status_since=datetime.date(2025, 7, 1),
        )
        for number in range(count)
    ]


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def test_person_list_shows_the_scope_masked(world: World, as_user: AsUser) -> None:
    page = _text(as_user(world.officer_a).get(reverse("registry:person_list")))
    assert "Nguyễn Văn An" in page
    assert "Trần Thị Bình" in page
    assert world.person_a.masked_national_id in page
    # the officer may see full numbers, but a list never shows them
    assert world.person_a.national_id not in page
    assert "Zeta" not in page
    assert world.person_b.masked_national_id not in page
    assert reverse("registry:person_detail", args=[world.person_a.pk]) in page


def test_person_list_search_ignores_diacritics_and_finds_id_numbers(
    world: World, as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    url = reverse("registry:person_list")
    by_name = _text(client.get(url, {"q": "nguyen van"}))
    assert "Nguyễn Văn An" in by_name
    assert "Trần Thị Bình" not in by_name
    by_prefix = _text(client.get(url, {"q": world.person_a2.national_id[:7]}))
    assert "Trần Thị Bình" in by_prefix
    assert "Nguyễn Văn An" not in by_prefix
    by_number = _text(client.get(url, {"q": world.person_a.national_id}))
    assert "Nguyễn Văn An" in by_number
    assert "Trần Thị Bình" not in by_number
    # a foreign person's full number finds nothing
    foreign = _text(client.get(url, {"q": world.person_b.national_id}))
    assert "Zeta" not in foreign
    assert "No person matches these filters." in foreign or "Không có" in foreign


def test_person_list_filters_by_status_and_unit(world: World, as_user: AsUser) -> None:
    services.person_change_status(
        actor=SYSTEM, person=world.person_a2, status="moved_away", on=datetime.date(2025, 9, 1)
    )
    client = as_user(world.secretariat)
    url = reverse("registry:person_list")
    moved = _text(client.get(url, {"status": "moved_away"}))
    assert "Trần Thị Bình" in moved
    assert "Nguyễn Văn An" not in moved
    in_b = _text(client.get(url, {"within": world.commune_b.code}))
    assert "Lù Thị Zeta" in in_b
    assert "Nguyễn Văn An" not in in_b
    # the officer of commune A filtering on commune B sees nothing, not commune B
    assert "Zeta" not in _text(as_user(world.officer_a).get(url, {"within": world.commune_b.code}))


def test_person_list_query_count_does_not_grow_with_rows(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.officer_a)
    url = reverse("registry:person_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add_persons(world.village_a.code, 60, household=world.household_a.code)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Người Số 1" in _text(response)
    assert "page=2" in _text(response)


def test_household_list_is_scoped_and_searched_by_code(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    url = reverse("registry:household_list")
    page = _text(client.get(url))
    assert world.household_a.code in page
    assert world.household_b.code not in page
    assert world.household_a.code in _text(client.get(url, {"q": "hh-a"}))
    assert world.household_a.code not in _text(client.get(url, {"q": "HH-X"}))


def test_household_list_query_count(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.officer_a)
    url = reverse("registry:household_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for number in range(60):
        services.household_create(
            actor=SYSTEM,
            code=f"HH-A-{100 + number}",
            village_code=world.village_a.code,
            clan_code=world.clan_a.code,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "HH-A-100" in _text(response)


def test_clan_list_is_scoped_and_searched_without_diacritics(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.officer_a)
    url = reverse("registry:clan_list")
    page = _text(client.get(url))
    assert "Họ Nguyễn Cốc Lếu" in page
    assert "Zeta" not in page
    assert "Họ Nguyễn Cốc Lếu" in _text(client.get(url, {"q": "nguyen coc leu"}))
    assert "Họ Nguyễn Cốc Lếu" not in _text(client.get(url, {"q": "tran"}))
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for number in range(30):
        services.clan_create(
            actor=SYSTEM, code=f"HO-{number}", name=f"Họ Số {number}", commune_code="02647"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Họ Số 9" in _text(client.get(url))


def _membership_a(world: World, position: str = "teacher") -> OrganisationMembership:
    return services.membership_create(
        actor=SYSTEM,
        national_id=world.person_a.national_id,
        organisation_code=world.org_a.code,
        position=position,
        start_date=datetime.date(2020, 9, 1),
    )


def test_membership_list_is_scoped_masked_and_searched(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    _membership_a(world)
    client = as_user(world.officer_a)
    url = reverse("registry:membership_list")
    page = _text(client.get(url))
    assert "Nguyễn Văn An" in page
    assert world.person_a.masked_national_id in page
    assert world.person_a.national_id not in page
    assert "Zeta" not in page
    assert "Nguyễn Văn An" in _text(client.get(url, {"q": "nguyen van an"}))
    assert "Nguyễn Văn An" in _text(client.get(url, {"q": world.person_a.national_id[:6]}))
    assert "Nguyễn Văn An" not in _text(client.get(url, {"q": "tran thi"}))
    assert "Nguyễn Văn An" not in _text(client.get(url, {"position": "member"}))
    assert "Nguyễn Văn An" in _text(client.get(url, {"within": world.village_a.code}))
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for person in add_persons(world.village_a.code, 30):
        services.membership_create(
            actor=SYSTEM,
            national_id=person.national_id,
            organisation_code=world.org_a.code,
            position="staff",
            start_date=datetime.date(2020, 9, 1),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Người Số 9" in _text(client.get(url))


def test_lists_answer_403_without_any_register_right_and_ask_anonymous_to_sign_in(
    world: World, as_user: AsUser
) -> None:
    names = ["person_list", "household_list", "clan_list", "membership_list"]
    for name in names:
        assert as_user(world.org_officer_b).get(reverse(f"registry:{name}")).status_code == 403
        anonymous = Client().get(reverse(f"registry:{name}"))
        assert anonymous.status_code == 302
        assert "/login/" in anonymous["Location"]


def test_navigation_links_to_the_registers_for_those_who_may_see_them(
    world: World, as_user: AsUser
) -> None:
    home = _text(as_user(world.viewer).get(reverse("accounts:home")))
    assert reverse("registry:person_list") in home
    assert reverse("registry:clan_list") in home
    other = _text(as_user(world.org_officer_b).get(reverse("accounts:home")))
    assert reverse("registry:person_list") not in other


def test_add_buttons_only_for_those_who_manage(world: World, as_user: AsUser) -> None:
    create = reverse("registry:person_create")
    assert create in _text(as_user(world.officer_a).get(reverse("registry:person_list")))
    assert create not in _text(as_user(world.viewer).get(reverse("registry:person_list")))


# ---------------------------------------------------------------------------------------------
# Detail pages
# ---------------------------------------------------------------------------------------------


def test_person_detail_shows_record_household_memberships_and_history(
    world: World, as_user: AsUser
) -> None:
    _membership_a(world)
    services.person_change_status(
        actor=SYSTEM, person=world.person_a, status="moved_away", on=datetime.date(2025, 10, 2)
    )
    response = as_user(world.officer_a).get(
        reverse("registry:person_detail", args=[world.person_a.pk])
    )
    assert response.status_code == 200
    page = _text(response)
    assert "Nguyễn Văn An" in page
    assert world.person_a.masked_national_id in page
    assert world.person_a.national_id not in page
    assert world.household_a.code in page
    assert world.org_a.name in page
    assert "01/07/2025" in page  # living here since, Vietnamese date
    assert "02/10/2025" in page  # moved away on
    # the officer has no audit right: no audit section
    assert "person.create" not in page
    # the system administrator of the commune reads the record's audit entries
    audited = _text(
        as_user(world.sysadmin_a).get(reverse("registry:person_detail", args=[world.person_a.pk]))
    )
    assert "person.create" in audited
    assert "person.change_status" in audited


def test_detail_pages_outside_the_scope_are_404(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    urls = [
        reverse("registry:person_detail", args=[world.person_b.pk]),
        reverse("registry:person_detail", args=[987654]),
        reverse("registry:household_detail", args=[world.household_b.code]),
        reverse("registry:clan_detail", args=[world.clan_b.code]),
        reverse("registry:membership_detail", args=[world.membership_b.pk]),
        reverse("registry:person_edit", args=[world.person_b.pk]),
        reverse("registry:person_status", args=[world.person_b.pk]),
        reverse("registry:household_edit", args=[world.household_b.code]),
        reverse("registry:clan_edit", args=[world.clan_b.code]),
        reverse("registry:membership_end", args=[world.membership_b.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    with nothing_changes():
        for url in urls[5:]:
            assert client.post(url, {"name": "X", "status": "deceased"}).status_code == 404
        reveal = reverse("registry:person_reveal", args=[world.person_b.pk])
        assert client.post(reveal).status_code == 404


def test_household_detail_lists_members_head_and_clan(world: World, as_user: AsUser) -> None:
    page = _text(
        as_user(world.officer_a).get(
            reverse("registry:household_detail", args=[world.household_a.code])
        )
    )
    assert "Nguyễn Văn An" in page
    assert "Trần Thị Bình" in page
    assert world.person_a2.masked_national_id in page
    assert world.person_a2.national_id not in page
    assert "Họ Nguyễn Cốc Lếu" in page
    assert page.index("Nguyễn Văn An") < page.index("Trần Thị Bình")  # the head first


def test_clan_detail_lists_households_and_the_representative(world: World, as_user: AsUser) -> None:
    services.clan_update(
        actor=SYSTEM, clan=world.clan_a, representative_national_id=world.person_a.national_id
    )
    page = _text(
        as_user(world.viewer).get(reverse("registry:clan_detail", args=[world.clan_a.code]))
    )
    assert world.household_a.code in page
    assert "Nguyễn Văn An" in page
    assert world.person_a.masked_national_id in page
    assert world.person_a.national_id not in page
    assert reverse("registry:clan_edit", args=[world.clan_a.code]) not in page  # viewer


def test_membership_detail(world: World, as_user: AsUser) -> None:
    membership = _membership_a(world)
    page = _text(
        as_user(world.officer_a).get(reverse("registry:membership_detail", args=[membership.pk]))
    )
    assert "Nguyễn Văn An" in page
    assert world.org_a.name in page
    assert "01/09/2020" in page
    assert reverse("registry:membership_end", args=[membership.pk]) in page


# ---------------------------------------------------------------------------------------------
# Showing the full ID number
# ---------------------------------------------------------------------------------------------


def test_reveal_shows_the_full_number_once_and_audits_it(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    detail = reverse("registry:person_detail", args=[world.person_a.pk])
    reveal = reverse("registry:person_reveal", args=[world.person_a.pk])
    assert reveal in _text(client.get(detail))
    response = client.post(reveal)
    assert response.status_code == 200
    assert world.person_a.national_id in _text(response)
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    entries = AuditEntry.objects.filter(action="person.view_national_id")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == world.officer_a
    assert entry.target_id == str(world.person_a.pk)
    assert entry.unit_id == world.village_a.id
    # the plain page stays masked and writes nothing
    with nothing_changes():
        assert world.person_a.national_id not in _text(client.get(detail))
    # a GET never reveals
    assert client.get(reveal).status_code == 405


def test_reveal_is_refused_without_the_personal_id_right(world: World, as_user: AsUser) -> None:
    client = as_user(world.viewer)
    detail = _text(client.get(reverse("registry:person_detail", args=[world.person_a.pk])))
    assert reverse("registry:person_reveal", args=[world.person_a.pk]) not in detail
    with nothing_changes():
        response = client.post(reverse("registry:person_reveal", args=[world.person_a.pk]))
    assert response.status_code == 403
    assert world.person_a.national_id not in _text(response)


# ---------------------------------------------------------------------------------------------
# Person forms
# ---------------------------------------------------------------------------------------------

NEW_PERSON = {
    "national_id": "010190123456",
    "full_name": "  Lò Thị  Mai ",
    "birth_date": "1990-04-02",
    "sex": "female",
    "ethnicity": "03",
    "household": "",
    "relation_to_head": "",
    "phone": "0912 345 678",
    "legacy_id_card": "",
    "eid_level": "2",
    "eid_linked_on": "2025-08-01",
    "status_since": "",
}


def test_person_create_calls_the_service_and_opens_the_new_record(
    world: World, as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    response = client.post(
        reverse("registry:person_create"), {**NEW_PERSON, "village": world.village_a.code}
    )
    person = Person.objects.get(national_id="010190123456")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", args=[person.pk])
    assert person.full_name == "Lò Thị Mai"
    assert person.phone == "0912345678"
    assert (person.status, person.status_since) == ("living_here", timezone.localdate())
    assert AuditEntry.objects.filter(action="person.create", target_id=str(person.pk)).exists()
    assert "010190123456" not in response["Location"]


def test_person_create_shows_the_services_errors_on_the_fields(
    world: World, as_user: AsUser
) -> None:
    client = as_user(world.officer_a)
    with nothing_changes():
        response = client.post(
            reverse("registry:person_create"),
            # the ID number says a woman born in 1990; the form says a man
            {**NEW_PERSON, "sex": "male", "village": world.village_b.code, "phone": "12"},
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"national_id", "village", "phone"}
    assert "has-error" in _text(response)


def test_person_forms_are_403_without_the_manage_right(world: World, as_user: AsUser) -> None:
    client = as_user(world.viewer)
    urls = [
        reverse("registry:person_create"),
        reverse("registry:person_edit", args=[world.person_a.pk]),
        reverse("registry:person_status", args=[world.person_a.pk]),
        reverse("registry:household_create"),
        reverse("registry:household_edit", args=[world.household_a.code]),
        reverse("registry:clan_create"),
        reverse("registry:clan_edit", args=[world.clan_a.code]),
        reverse("registry:membership_create"),
        reverse("registry:membership_end", args=[world.membership_b.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    with nothing_changes():
        for url in urls:
            body = {**NEW_PERSON, "village": world.village_a.code, "status": "deceased"}
            assert client.post(url, body).status_code == 403, url
    detail = _text(client.get(reverse("registry:person_detail", args=[world.person_a.pk])))
    assert reverse("registry:person_edit", args=[world.person_a.pk]) not in detail


def test_person_edit_keeps_the_number_when_left_empty(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    url = reverse("registry:person_edit", args=[world.person_a.pk])
    form_page = _text(client.get(url))
    assert world.person_a.national_id not in form_page  # the form never shows it
    assert "Nguyễn Văn An" in form_page
    body = {
        "national_id": "",
        "full_name": "Nguyễn Văn Ân",
        "birth_date": "1985-03-12",
        "sex": "male",
        "ethnicity": "01",
        "village": world.village_a.code,
        "household": world.household_a.code,
        "relation_to_head": "head",
        "phone": "",
        "legacy_id_card": "",
        "eid_level": "1",
        "eid_linked_on": "",
    }
    response = client.post(url, body)
    assert response.status_code == 302
    world.person_a.refresh_from_db()
    assert world.person_a.full_name == "Nguyễn Văn Ân"
    assert world.person_a.national_id == "010085001234"
    assert world.person_a.eid_level == "1"
    with nothing_changes():
        refused = client.post(url, {**body, "birth_date": "1986-03-12", "full_name": "Khác"})
    assert refused.status_code == 200
    assert "national_id" in refused.context["form"].errors  # year digits disagree
    assert "Nguyễn Văn Ân" in _text(refused)  # the stored record, not the refused one


def test_status_change_adds_to_the_history(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    url = reverse("registry:person_status", args=[world.person_a2.pk])
    with nothing_changes():
        refused = client.post(url, {"status": "moved_away", "on": "2025-01-01", "note": ""})
    assert refused.status_code == 200
    assert "on" in refused.context["form"].errors  # before the current status began
    response = client.post(url, {"status": "moved_away", "on": "2025-09-15", "note": "Hà Nội"})
    assert response.status_code == 302
    world.person_a2.refresh_from_db()
    assert world.person_a2.status == "moved_away"
    history = list(world.person_a2.status_changes.order_by("on").values_list("status", "on"))
    assert history == [
        ("living_here", datetime.date(2025, 7, 1)),
        ("moved_away", datetime.date(2025, 9, 15)),
    ]
    page = _text(client.get(response["Location"]))
    assert "15/09/2025" in page
    assert "Hà Nội" in page
    assert AuditEntry.objects.filter(action="person.change_status").count() == 1


# ---------------------------------------------------------------------------------------------
# Households, clans, memberships forms
# ---------------------------------------------------------------------------------------------


def test_household_create_and_edit(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    response = client.post(
        reverse("registry:household_create"),
        {
            "code": "HH-A-777",
            "village": world.village_a.code,
            "address": "12 Hoàng Liên",
            "poverty_status": "near_poor",
            "poverty_year": "2025",
            "clan": world.clan_a.code,
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(code="HH-A-777")
    assert household.clan == world.clan_a
    assert household.poverty_status == "near_poor"
    edit = reverse("registry:household_edit", args=["HH-A-777"])
    with nothing_changes():
        refused = client.post(
            edit, {"address": "x", "poverty_status": "poor", "poverty_year": "", "clan": ""}
        )
    assert "poverty_year" in refused.context["form"].errors
    with nothing_changes():
        foreign_clan = client.post(
            edit, {"poverty_status": "none", "clan": world.clan_b.code, "address": ""}
        )
    assert "clan" in foreign_clan.context["form"].errors
    saved = client.post(edit, {"address": "", "poverty_status": "none", "clan": ""})
    assert saved.status_code == 302
    household.refresh_from_db()
    assert household.clan is None
    assert household.poverty_status == "none"


def test_clan_create_and_edit(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    with nothing_changes():
        refused = client.post(
            reverse("registry:clan_create"),
            {"code": "HO-LO", "name": "Họ Lò", "commune": world.commune_b.code},
        )
    assert "commune" in refused.context["form"].errors
    response = client.post(
        reverse("registry:clan_create"),
        {
            "code": "HO-LO",
            "name": "Họ Lò",
            "commune": world.commune_a.code,
            "representative": world.person_a.national_id,
        },
    )
    assert response.status_code == 302
    clan = Clan.objects.get(code="HO-LO")
    assert clan.representative == world.person_a
    edit = reverse("registry:clan_edit", args=["HO-LO"])
    assert world.person_a.national_id not in _text(client.get(edit))
    # an empty number keeps the representative
    assert client.post(edit, {"name": "Họ Lò Cốc Lếu", "representative": ""}).status_code == 302
    clan.refresh_from_db()
    assert (clan.name, clan.representative) == ("Họ Lò Cốc Lếu", world.person_a)
    assert client.post(edit, {"name": "Họ Lò", "remove_representative": "on"}).status_code == 302
    clan.refresh_from_db()
    assert clan.representative is None


def test_membership_created_from_a_persons_page_and_ended(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    url = reverse("registry:membership_create") + f"?person={world.person_a.pk}"
    form_page = _text(client.get(url))
    assert "Nguyễn Văn An" in form_page
    assert world.person_a.national_id not in form_page
    with nothing_changes():
        refused = client.post(
            url, {"organisation": "NOPE", "position": "teacher", "start_date": "2020-09-01"}
        )
    assert "organisation" in refused.context["form"].errors
    response = client.post(
        url, {"organisation": world.org_a.code, "position": "teacher", "start_date": "2020-09-01"}
    )
    assert response.status_code == 302
    membership = OrganisationMembership.objects.get(person=world.person_a)
    end = reverse("registry:membership_end", args=[membership.pk])
    with nothing_changes():
        early = client.post(end, {"end_date": "2019-01-01"})
    assert "end_date" in early.context["form"].errors
    assert client.post(end, {"end_date": "2025-06-30"}).status_code == 302
    membership.refresh_from_db()
    assert membership.end_date == datetime.date(2025, 6, 30)
    with nothing_changes():
        again = client.post(end, {"end_date": "2025-07-30"})
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()


def test_membership_create_by_number(world: World, as_user: AsUser) -> None:
    client = as_user(world.officer_a)
    with nothing_changes():
        refused = client.post(
            reverse("registry:membership_create"),
            {
                "national_id": world.person_b.national_id,
                "organisation": world.org_a.code,
                "position": "teacher",
                "start_date": "2020-09-01",
            },
        )
    assert "national_id" in refused.context["form"].errors  # commune B's person is unknown
    response = client.post(
        reverse("registry:membership_create"),
        {
            "national_id": world.person_a2.national_id,
            "organisation": world.org_a.code,
            "position": "pupil",
            "start_date": "2020-09-01",
        },
    )
    assert response.status_code == 302
    assert OrganisationMembership.objects.filter(person=world.person_a2).exists()


def test_a_search_that_reaches_the_limit_says_it_shows_the_first_matches(
    world: World, as_user: AsUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hoctap.registry import selectors

    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 1)
    client = as_user(world.officer_a)
    url = reverse("registry:person_list")
    capped = _text(client.get(url, {"q": "nguyen"}))
    assert "Tìm kiếm chỉ hiển thị 1 kết quả đầu tiên" in capped  # the UI is Vietnamese
    plain = _text(client.get(url))
    assert "Tìm kiếm chỉ hiển thị" not in plain
