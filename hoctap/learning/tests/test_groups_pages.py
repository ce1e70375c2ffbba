"""The groups' pages through the HTTP client: the list by commune with the villages that have
no group, setting up a group, its page, members, recording help (one and many), the
activities list and its audited exports; another commune's group is a 404."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World, client_for
from hoctap.geo import services as geo
from hoctap.learning.models import (
    ActivityKind,
    DigitalTechActivity,
    DigitalTechGroup,
    DigitalTechGroupMember,
    GroupRole,
)
from hoctap.learning.services import groups
from hoctap.learning.tests.groups_fixtures import DECIDED, JOINED, GroupWorld, build_group, snapshot
from hoctap.registry import services as registry

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 8, 5)


@pytest.fixture
def grouped(world: World) -> GroupWorld:
    return build_group(world)


def english(user: User) -> Client:
    """A signed-in client that chose English (messages are compared in English)."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _url(name: str, group: DigitalTechGroup, *args: Any) -> str:
    return reverse(f"learning:{name}", args=[group.organisation.code, *args])


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------


def test_the_list_shows_the_communes_groups_and_its_villages_without_one(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    geo.village_create(actor=SYSTEM, parent_code=world.commune_a.code, name="Tổ dân phố Kim Tân")
    page = _text(english(world.officer_a).get(reverse("learning:group_list")))
    assert grouped.group.organisation.name in page
    assert grouped.group.decision_number in page
    assert "1 of 2 villages have a group." in page
    assert "Villages without a group" in page
    assert "Tổ dân phố Kim Tân" in page
    assert f"{reverse('learning:group_create')}?village=02647-002" in page


def test_the_province_sees_the_coverage_by_commune_and_filters_by_unit(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    client = english(world.secretariat)
    page = _text(client.get(reverse("learning:group_list")))
    assert "Groups by commune" in page
    assert world.commune_b.name in page  # a commune with no group yet
    assert grouped.group.organisation.name in page
    filtered = _text(client.get(reverse("learning:group_list"), {"within": world.commune_b.code}))
    assert grouped.group.organisation.name not in filtered
    assert world.village_b.name in filtered  # commune B's village, without a group
    assert "Villages without a group" in filtered


def test_another_communes_officer_sees_no_group(grouped: GroupWorld) -> None:
    world = grouped.world
    page = _text(english(world.officer_b).get(reverse("learning:group_list")))
    assert grouped.group.organisation.name not in page
    assert world.village_a.name not in page


def test_the_list_reads_in_a_fixed_number_of_queries(
    grouped: GroupWorld, django_assert_max_num_queries: Any
) -> None:
    world = grouped.world
    client = english(world.secretariat)
    client.get(reverse("learning:group_list"))  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("learning:group_list"))
    for n in range(3):
        village = geo.village_create(
            actor=SYSTEM, parent_code=world.commune_b.code, name=f"Bản Mới {n}"
        )
        groups.group_create(
            actor=SYSTEM,
            village_code=village.code,
            decision_number=f"{n}/QĐ",
            decision_date=DECIDED,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("learning:group_list"))
    assert _text(response).count("/QĐ<br>") == 3


# ---------------------------------------------------------------------------------------------
# Setting up a group and its page
# ---------------------------------------------------------------------------------------------


def test_setting_up_a_group_through_the_page(world: World) -> None:
    client = english(world.officer_a)
    url = reverse("learning:group_create")
    form = _text(client.get(url, {"village": world.village_a.code}))
    assert f'value="{world.village_a.code}"' in form
    response = client.post(
        url,
        {
            "village": world.village_a.code,
            "decision_number": "125/QĐ-UBND",
            "decision_date": "2025-07-15",
            "decided_by": "Chủ tịch UBND phường",
        },
    )
    group = DigitalTechGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("group_detail", group)
    # a second one for the same village: the message, nothing written
    before = snapshot()
    again = client.post(
        url,
        {"village": world.village_a.code, "decision_number": "2", "decision_date": "2025-07-16"},
    )
    assert again.status_code == 200
    assert "one per village" in _text(again)
    assert snapshot() == before


def test_setting_up_a_group_elsewhere_names_the_field(world: World) -> None:
    before = snapshot()
    response = english(world.officer_a).post(
        reverse("learning:group_create"),
        {"village": world.village_b.code, "decision_number": "1", "decision_date": "2025-07-15"},
    )
    assert response.status_code == 200
    assert "Unknown village code" in _text(response)
    assert snapshot() == before
    assert english(world.viewer).get(reverse("learning:group_create")).status_code == 403


def test_the_group_page_shows_members_help_people_and_classes(grouped: GroupWorld) -> None:
    world = grouped.world
    groups.activity_record(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.EID_LINKING,
        on=DAY,
        helper_id=world.person_a.pk,
        person_id=world.person_a2.pk,
        note="Tại nhà văn hoá",
    )
    page = _text(english(world.officer_a).get(_url("group_detail", grouped.group)))
    assert world.person_a.full_name in page
    assert "Group leader" in page
    assert world.person_a.masked_national_id in page
    assert world.person_a.national_id not in page
    assert world.person_a2.national_id not in page
    assert "Helped link the e-ID to the learning platform" in page
    assert "Tại nhà văn hoá" in page
    assert world.person_a2.masked_national_id in page  # among the people helped
    assert "No class recorded for this group." in page
    assert _url("group_member_add", grouped.group) in page  # the officer may manage
    viewer_page = _text(english(world.viewer).get(_url("group_detail", grouped.group)))
    assert world.person_a.full_name in viewer_page
    assert _url("group_member_add", grouped.group) not in viewer_page


def test_editing_the_decision(grouped: GroupWorld) -> None:
    world = grouped.world
    client = english(world.officer_a)
    url = _url("group_edit", grouped.group)
    assert "125/QĐ-UBND" in _text(client.get(url))
    response = client.post(
        url, {"decision_number": "130/QĐ-UBND", "decision_date": "2025-07-16", "decided_by": ""}
    )
    assert response.status_code == 302
    grouped.group.refresh_from_db()
    assert grouped.group.decision_number == "130/QĐ-UBND"
    assert grouped.group.decision_date == datetime.date(2025, 7, 16)
    assert english(world.viewer).get(url).status_code == 403


# ---------------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------------


def test_adding_changing_and_ending_a_member(grouped: GroupWorld) -> None:
    world = grouped.world
    client = english(world.officer_a)
    url = _url("group_member_add", grouped.group)
    form = _text(client.get(url))
    assert world.person_a2.full_name in form  # a resident of the village to pick
    assert world.person_a2.national_id not in form
    response = client.post(
        url, {"person": str(world.person_a2.pk), "role": "leader", "joined_on": "2025-07-20"}
    )
    assert response.status_code == 200
    assert "already has a leader" in _text(response)
    assert not DigitalTechGroupMember.objects.filter(person=world.person_a2).exists()
    response = client.post(
        url, {"person": str(world.person_a2.pk), "role": "deputy", "joined_on": "2025-07-20"}
    )
    assert response.status_code == 302
    member = DigitalTechGroupMember.objects.get(person=world.person_a2)
    assert member.role == GroupRole.DEPUTY
    role = client.post(_url("group_member_role", grouped.group, member.pk), {"role": "member"})
    assert role.status_code == 302
    end_url = _url("group_member_end", grouped.group, member.pk)
    refused = client.post(end_url, {"left_on": "2025-07-01"})
    assert "before the member joined" in _text(refused)
    assert client.post(end_url, {"left_on": "2025-08-01"}).status_code == 302
    member.refresh_from_db()
    assert (member.role, member.left_on) == (GroupRole.MEMBER, datetime.date(2025, 8, 1))


def test_a_member_from_outside_the_area_by_id_number_is_refused(grouped: GroupWorld) -> None:
    world = grouped.world
    before = snapshot()
    response = english(world.officer_a).post(
        _url("group_member_add", grouped.group),
        {"national_id": world.person_b.national_id, "role": "member", "joined_on": "2025-07-20"},
    )
    assert response.status_code == 200
    assert "No person" in _text(response)
    assert world.person_b.full_name not in _text(response)
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------
# Recording help
# ---------------------------------------------------------------------------------------------


def test_recording_help_to_one_person(grouped: GroupWorld) -> None:
    world = grouped.world
    client = english(world.officer_a)
    url = _url("group_activity_create", grouped.group)
    assert world.person_a.full_name in _text(client.get(url))  # the helper to pick
    before = snapshot()
    refused = client.post(
        url,
        {"kind": "safety", "on": "2025-08-05", "helper": str(world.person_a2.pk)},
    )
    assert refused.status_code == 200  # person_a2 is not a member: not even a choice
    assert snapshot() == before
    response = client.post(
        url,
        {
            "kind": "safety",
            "on": "2025-08-05",
            "helper": str(world.person_a.pk),
            "person": str(world.person_a2.pk),
            "note": "Cảnh báo lừa đảo",
        },
        follow=True,
    )
    assert "Recorded the help to 1 person." in _text(response)
    activity = DigitalTechActivity.objects.get()
    assert (activity.helper_id, activity.person_id) == (world.person_a.pk, world.person_a2.pk)


def test_recording_help_to_many_people_with_the_eid_link(grouped: GroupWorld) -> None:
    world = grouped.world
    registry.person_update(actor=SYSTEM, person=world.person_a2, eid_level="2")
    client = english(world.officer_a)
    url = _url("group_activity_many", grouped.group)
    listed = _text(client.get(url, {"not_linked": "on"}))
    assert world.person_a2.full_name in listed
    response = client.post(
        url,
        {
            "kind": "eid_linking",
            "on": "2025-08-05",
            "helper": str(world.person_a.pk),
            "persons": [str(world.person_a.pk), str(world.person_a2.pk)],
            "link_eid": "on",
        },
        follow=True,
    )
    text = _text(response)
    assert "Recorded the help to 2 persons." in text
    assert "The e-ID link date was recorded on the register for: Trần Thị Bình." in text
    assert "was not recorded" in text  # person_a has no e-ID account
    world.person_a2.refresh_from_db()
    assert world.person_a2.eid_linked_on == DAY
    assert DigitalTechActivity.objects.count() == 2
    # the linked person is no longer in the "not linked" list
    assert world.person_a2.full_name not in _text(client.get(url, {"not_linked": "on"}))


def test_many_people_by_id_numbers_with_a_foreign_one_records_nothing(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    before = snapshot()
    response = english(world.officer_a).post(
        _url("group_activity_many", grouped.group),
        {
            "kind": "eid_linking",
            "on": "2025-08-05",
            "national_ids": f"{world.person_a2.national_id}\n{world.person_b.national_id}\n",
        },
    )
    assert response.status_code == 200
    text = _text(response)
    assert "line 2" in text
    assert world.person_b.masked_national_id in text
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------
# The activities list and its exports
# ---------------------------------------------------------------------------------------------


def _two_activities(grouped: GroupWorld) -> None:
    world = grouped.world
    for kind, person in [(ActivityKind.EID_LINKING, world.person_a2), (ActivityKind.SAFETY, None)]:
        groups.activity_record(
            actor=world.officer_a,
            group=grouped.group,
            kind=kind,
            on=DAY,
            helper_id=world.person_a.pk,
            person_id=person.pk if person else None,
        )


def test_the_activities_list_and_its_csv_export_are_masked_and_audited(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    _two_activities(grouped)
    client = english(world.officer_a)
    page = _text(client.get(reverse("learning:group_activity_list"), {"kind": "eid_linking"}))
    assert world.person_a2.full_name in page
    assert "Advice on online safety" not in page.split("<tbody>")[-1]
    response = client.get(
        reverse("learning:group_activity_export_csv"),
        {"kind": "eid_linking", "group": grouped.group.organisation.code},
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0][0] == "Date"
    assert len(rows) == 2
    assert rows[1][5] == world.person_a2.full_name
    assert rows[1][6] == world.person_a2.masked_national_id
    entry = AuditEntry.objects.get(action="digital_group_activity.export")
    assert entry.changes["rows"] == 1
    assert entry.changes["format"] == "csv"
    assert entry.unit_id == world.village_a.pk
    assert "kind=eid_linking" in entry.changes["filters"]


def test_the_xlsx_export(grouped: GroupWorld) -> None:
    _two_activities(grouped)
    response = english(grouped.world.secretariat).get(
        reverse("learning:group_activity_export_xlsx")
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(_body(response))).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3
    assert AuditEntry.objects.filter(action="digital_group_activity.export").count() == 1


def test_another_communes_officer_exports_nothing_of_it(grouped: GroupWorld) -> None:
    _two_activities(grouped)
    response = english(grouped.world.officer_b).get(reverse("learning:group_activity_export_csv"))
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only


# ---------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------


def test_commune_b_officer_gets_404_for_commune_a_group(grouped: GroupWorld) -> None:
    world = grouped.world
    client = english(world.officer_b)
    before = snapshot()
    group = grouped.group
    member = grouped.leader.pk
    for url in [_url("group_detail", group), _url("group_people", group)]:
        assert client.get(url).status_code == 404, url
    for url in [
        _url("group_edit", group),
        _url("group_member_add", group),
        _url("group_member_end", group, member),
        _url("group_member_role", group, member),
        _url("group_activity_create", group),
        _url("group_activity_many", group),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"kind": "safety", "on": "2025-08-05"}).status_code == 404, url
    assert snapshot() == before
    # and a member id of another group is not found through this group
    other = build_other_group(world)
    assert (
        english(world.secretariat).get(_url("group_member_end", group, other.leader.pk)).status_code
        == 404
    )


def build_other_group(world: World) -> GroupWorld:
    group = groups.group_create(
        actor=SYSTEM,
        village_code=world.village_b.code,
        decision_number="9/QĐ",
        decision_date=DECIDED,
    )
    leader = groups.member_add(
        actor=SYSTEM,
        group=group,
        person_id=world.person_b.pk,
        role=GroupRole.LEADER,
        joined_on=JOINED,
    )
    return GroupWorld(world=world, group=group, leader=leader)
