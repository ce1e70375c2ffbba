"""Community digital technology groups through the services: one per village, scope, members
and roles, activities (single and many), the e-ID link; every refusal changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hoctap.geo import services as geo
from hoctap.geo.models import Organisation, OrganisationKind
from hoctap.learning.models import (
    ActivityKind,
    DigitalTechActivity,
    DigitalTechGroup,
    DigitalTechGroupMember,
    GroupRole,
)
from hoctap.learning.selectors import groups as selectors
from hoctap.learning.services import groups
from hoctap.learning.tests.groups_fixtures import (
    DECIDED,
    JOINED,
    GroupWorld,
    build_group,
    snapshot,
)
from hoctap.registry import services as registry

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 8, 5)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are compared in English (the Vietnamese catalogue is made separately)."""
    with translation.override("en"):
        yield


@pytest.fixture
def grouped(world: World) -> GroupWorld:
    return build_group(world)


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Setting up a group
# ---------------------------------------------------------------------------------------------


def test_a_group_gets_its_own_organisation_on_the_village(world: World) -> None:
    group = groups.group_create(
        actor=world.officer_a,
        village_code=world.village_a.code,
        decision_number=" 125/QĐ-UBND ",
        decision_date=DECIDED,
    )
    org = group.organisation
    assert org.code == f"CNS-{world.village_a.code}"
    assert org.name == f"Tổ công nghệ số cộng đồng {world.village_a.name}"
    assert org.kind == OrganisationKind.DIGITAL_TECH_GROUP
    assert org.unit_id == world.village_a.pk
    assert group.village_id == world.village_a.pk
    assert group.decision_number == "125/QĐ-UBND"
    entry = AuditEntry.objects.get(action="digital_group.create")
    assert entry.unit_id == world.village_a.pk
    assert entry.organisation_id == org.pk
    assert AuditEntry.objects.filter(action="organisation.create", target_id=str(org.pk)).exists()


def test_an_existing_group_organisation_of_the_village_is_adopted(world: World) -> None:
    """The demo (and an import of organisations) makes `digital_tech_group` organisations
    without a group record: setting up the group uses it instead of making a second one."""
    org = geo.organisation_create(
        actor=SYSTEM,
        code=f"CNS-{world.village_a.code}",
        name="Tổ công nghệ số cộng đồng Cốc Lếu",
        kind=OrganisationKind.DIGITAL_TECH_GROUP,
        unit_code=world.village_a.code,
    )
    organisations = Organisation.objects.count()
    group = groups.group_create(
        actor=world.officer_a,
        village_code=world.village_a.code,
        decision_number="7/QĐ-UBND",
        decision_date=DECIDED,
        code="CNS-SOMETHING-ELSE",  # the village's group organisation is still the one
        name="Tổ CNS cộng đồng Cốc Lếu",
    )
    assert group.organisation_id == org.pk
    assert Organisation.objects.count() == organisations
    org.refresh_from_db()
    assert (org.code, org.name) == (f"CNS-{world.village_a.code}", "Tổ CNS cộng đồng Cốc Lếu")
    assert AuditEntry.objects.get(action="digital_group.create").changes["adopted_organisation"]


def test_one_group_per_village(grouped: GroupWorld) -> None:
    world = grouped.world
    before = snapshot()
    with pytest.raises(Conflict, match="one per village"):
        groups.group_create(
            actor=world.officer_a,
            village_code=world.village_a.code,
            decision_number="126/QĐ-UBND",
            decision_date=DECIDED,
            code="CNS-OTHER",
        )
    assert snapshot() == before


def test_a_group_outside_the_scope_is_an_unknown_village(world: World) -> None:
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        groups.group_create(
            actor=world.officer_a,
            village_code=world.village_b.code,
            decision_number="1/QĐ",
            decision_date=DECIDED,
        )
    assert "village_code" in caught.value.errors
    assert "Unknown village code" in caught.value.errors["village_code"]
    assert snapshot() == before


def test_a_viewer_may_not_set_up_a_group(world: World) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        groups.group_create(
            actor=world.viewer,
            village_code=world.village_a.code,
            decision_number="1/QĐ",
            decision_date=DECIDED,
        )
    assert snapshot() == before


def test_the_decision_is_checked_and_nothing_is_written(world: World) -> None:
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        groups.group_create(
            actor=world.officer_a,
            village_code=world.commune_a.code,
            decision_number="  ",
            decision_date=_tomorrow(),
        )
    errors = caught.value.errors
    assert "not a village" in errors["village_code"]
    assert errors["decision_number"] == "This field is required."
    assert errors["decision_date"] == "The date is in the future."
    assert snapshot() == before


def test_a_used_code_is_refused_on_its_field(world: World) -> None:
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        groups.group_create(
            actor=world.officer_a,
            village_code=world.village_a.code,
            decision_number="1/QĐ",
            decision_date=DECIDED,
            code=world.org_a.code,
        )
    assert "already used" in caught.value.errors["code"]
    assert snapshot() == before


def test_the_decision_is_corrected_and_audited(grouped: GroupWorld) -> None:
    world = grouped.world
    group = groups.group_update(
        actor=world.officer_a, group=grouped.group, decision_number="130/QĐ-UBND"
    )
    assert group.decision_number == "130/QĐ-UBND"
    assert group.decision_date == DECIDED
    entry = AuditEntry.objects.get(action="digital_group.update")
    assert entry.changes == {"decision_number": ["125/QĐ-UBND", "130/QĐ-UBND"]}
    before = snapshot()
    with pytest.raises(InvalidInput, match="future"):
        groups.group_update(actor=world.officer_a, group=group, decision_date=_tomorrow())
    with pytest.raises(PermissionDenied):
        groups.group_update(actor=world.officer_b, group=group, decision_number="x")
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------------


def test_one_leader_at_a_time(grouped: GroupWorld) -> None:
    world = grouped.world
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        groups.member_add(
            actor=world.officer_a,
            group=grouped.group,
            person_id=world.person_a2.pk,
            role=GroupRole.LEADER,
            joined_on=JOINED,
        )
    assert world.person_a.full_name in caught.value.errors["role"]
    assert snapshot() == before
    deputy = groups.member_add(
        actor=world.officer_a,
        group=grouped.group,
        person_id=world.person_a2.pk,
        role=GroupRole.DEPUTY,
        joined_on=JOINED,
    )
    with pytest.raises(InvalidInput, match="already has a leader"):
        groups.member_change_role(actor=world.officer_a, member=deputy, role=GroupRole.LEADER)
    groups.member_end(actor=world.officer_a, member=grouped.leader, left_on=DAY)
    promoted = groups.member_change_role(
        actor=world.officer_a, member=deputy, role=GroupRole.LEADER
    )
    assert promoted.role == GroupRole.LEADER
    assert AuditEntry.objects.filter(action="digital_group.member_role").count() == 1


def test_a_member_must_be_a_person_in_scope(grouped: GroupWorld) -> None:
    world = grouped.world
    before = snapshot()
    for who in ({"person_id": world.person_b.pk}, {"national_id": world.person_b.national_id}):
        with pytest.raises(InvalidInput) as caught:
            groups.member_add(
                actor=world.officer_a,
                group=grouped.group,
                role=GroupRole.MEMBER,
                joined_on=JOINED,
                **who,
            )
        assert "No person" in caught.value.errors["person_id"]
        # the message does not echo the full ID number
        assert world.person_b.national_id not in str(caught.value)
    assert snapshot() == before


def test_a_current_member_is_not_added_twice_and_may_rejoin_after_leaving(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    member = groups.member_add(
        actor=world.officer_a,
        group=grouped.group,
        national_id=world.person_a2.national_id,
        role=GroupRole.MEMBER,
        joined_on=JOINED,
    )
    before = snapshot()
    with pytest.raises(InvalidInput, match="already a member"):
        groups.member_add(
            actor=world.officer_a,
            group=grouped.group,
            person_id=world.person_a2.pk,
            role=GroupRole.MEMBER,
            joined_on=JOINED,
        )
    assert snapshot() == before
    groups.member_end(actor=world.officer_a, member=member, left_on=DAY)
    with pytest.raises(Conflict, match="already left"):
        groups.member_end(actor=world.officer_a, member=member, left_on=DAY)
    with pytest.raises(InvalidInput) as caught:
        groups.member_add(
            actor=world.officer_a,
            group=grouped.group,
            person_id=world.person_a2.pk,
            role=GroupRole.MEMBER,
            joined_on=DAY,
        )
    assert "rejoin after" in caught.value.errors["joined_on"]
    again = groups.member_add(
        actor=world.officer_a,
        group=grouped.group,
        person_id=world.person_a2.pk,
        role=GroupRole.MEMBER,
        joined_on=DAY + datetime.timedelta(days=1),
    )
    assert again.pk != member.pk
    assert DigitalTechGroupMember.objects.filter(person=world.person_a2).count() == 2


def test_a_member_cannot_leave_before_they_joined_or_before_help_they_gave(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    groups.activity_record(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.SAFETY,
        on=DAY,
        helper_id=world.person_a.pk,
    )
    before = snapshot()
    with pytest.raises(InvalidInput, match="before the member joined"):
        groups.member_end(
            actor=world.officer_a, member=grouped.leader, left_on=JOINED - datetime.timedelta(1)
        )
    with pytest.raises(InvalidInput, match="helped people"):
        groups.member_end(actor=world.officer_a, member=grouped.leader, left_on=JOINED)
    with pytest.raises(InvalidInput, match="future"):
        groups.member_end(actor=world.officer_a, member=grouped.leader, left_on=_tomorrow())
    with pytest.raises(PermissionDenied):
        groups.member_end(actor=world.officer_b, member=grouped.leader, left_on=DAY)
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------


def test_an_activity_is_recorded_and_audited(grouped: GroupWorld) -> None:
    world = grouped.world
    result = groups.activity_record(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.PUBLIC_SERVICE,
        on=DAY,
        helper_id=world.person_a.pk,
        person_id=world.person_a2.pk,
        note=" Nộp hồ sơ  trực tuyến ",
    )
    activity = result.activity
    assert activity.helper_id == world.person_a.pk
    assert activity.person_id == world.person_a2.pk
    assert activity.note == "Nộp hồ sơ trực tuyến"
    assert activity.recorded_by_id == world.officer_a.pk
    entry = AuditEntry.objects.get(action="digital_group.activity")
    assert entry.changes["person"] == world.person_a2.masked_national_id
    assert entry.unit_id == world.village_a.pk


def test_a_helper_who_is_not_a_member_is_refused_and_nothing_is_written(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        groups.activity_record(
            actor=world.officer_a,
            group=grouped.group,
            kind=ActivityKind.EID_LINKING,
            on=DAY,
            helper_id=world.person_a2.pk,  # not a member
            person_id=world.person_a.pk,
        )
    assert "member of the group" in caught.value.errors["helper_id"]
    # nor a member before they joined
    with pytest.raises(InvalidInput, match="member of the group"):
        groups.activity_record(
            actor=world.officer_a,
            group=grouped.group,
            kind=ActivityKind.EID_LINKING,
            on=JOINED - datetime.timedelta(days=1),
            helper_id=world.person_a.pk,
        )
    assert snapshot() == before
    assert not DigitalTechActivity.objects.exists()


def test_a_future_date_an_unknown_kind_and_a_person_out_of_scope_are_refused(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        groups.activity_record(
            actor=world.officer_a,
            group=grouped.group,
            kind="dancing",
            on=_tomorrow(),
            person_id=world.person_b.pk,
        )
    errors = caught.value.errors
    assert errors["on"] == "The date is in the future."
    assert "dancing" in errors["kind"]
    assert "No person" in errors["person_id"]
    assert snapshot() == before


def test_the_same_help_on_the_same_day_is_recorded_once(grouped: GroupWorld) -> None:
    world = grouped.world
    arguments = {
        "actor": world.officer_a,
        "group": grouped.group,
        "kind": ActivityKind.DEVICE_SKILLS,
        "on": DAY,
        "person_id": world.person_a2.pk,
    }
    groups.activity_record(**arguments)  # type: ignore[arg-type]
    before = snapshot()
    with pytest.raises(Conflict, match="already recorded"):
        groups.activity_record(**arguments)  # type: ignore[arg-type]
    assert snapshot() == before


def test_another_communes_officer_may_not_record_help(grouped: GroupWorld) -> None:
    world = grouped.world
    before = snapshot()
    with pytest.raises(PermissionDenied):
        groups.activity_record(
            actor=world.officer_b,
            group=grouped.group,
            kind=ActivityKind.SAFETY,
            on=DAY,
        )
    assert snapshot() == before


def test_many_persons_helped_on_one_day(grouped: GroupWorld) -> None:
    world = grouped.world
    result = groups.activity_record_many(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.EID_LINKING,
        on=DAY,
        helper_id=world.person_a.pk,
        person_ids=[world.person_a2.pk, world.person_a2.pk],
        national_ids=["", world.person_a.national_id],
        note="Buổi hỗ trợ tại nhà văn hoá",
    )
    assert {a.person_id for a in result.activities} == {world.person_a.pk, world.person_a2.pk}
    assert AuditEntry.objects.filter(action="digital_group.activity").count() == 2
    # sent again: nothing new, both reported as already on record
    again = groups.activity_record_many(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.EID_LINKING,
        on=DAY,
        person_ids=[world.person_a.pk, world.person_a2.pk],
    )
    assert again.activities == []
    assert {p.pk for p in again.already_recorded} == {world.person_a.pk, world.person_a2.pk}
    assert DigitalTechActivity.objects.count() == 2


def test_a_batch_with_an_unknown_person_records_nothing_and_names_them(
    grouped: GroupWorld,
) -> None:
    world = grouped.world
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        groups.activity_record_many(
            actor=world.officer_a,
            group=grouped.group,
            kind=ActivityKind.EID_LINKING,
            on=DAY,
            person_ids=[world.person_a2.pk, world.person_b.pk],
            national_ids=[world.person_a.national_id, "", world.person_b2.national_id],
        )
    errors = caught.value.errors
    assert f"#{world.person_b.pk}" in errors["person_ids"]
    assert "line 3" in errors["national_ids"]
    assert world.person_b2.masked_national_id in errors["national_ids"]
    assert world.person_b2.national_id not in str(caught.value)
    with pytest.raises(InvalidInput, match="at least one"):
        groups.activity_record_many(
            actor=world.officer_a, group=grouped.group, kind=ActivityKind.SAFETY, on=DAY
        )
    assert snapshot() == before


def test_eid_linking_can_record_the_link_date_on_the_register(grouped: GroupWorld) -> None:
    world = grouped.world
    registry.person_update(actor=SYSTEM, person=world.person_a2, eid_level="2")
    result = groups.activity_record_many(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.EID_LINKING,
        on=DAY,
        person_ids=[world.person_a.pk, world.person_a2.pk],
        link_eid=True,
    )
    world.person_a.refresh_from_db()
    world.person_a2.refresh_from_db()
    assert world.person_a2.eid_linked_on == DAY
    assert world.person_a.eid_linked_on is None  # no e-ID account: the help alone
    assert [p.pk for p in result.eid_linked] == [world.person_a2.pk]
    assert [p.pk for p in result.eid_not_linked] == [world.person_a.pk]
    assert AuditEntry.objects.filter(
        action="person.update", target_id=str(world.person_a2.pk)
    ).exists()
    # already linked: the date stays
    later = DAY + datetime.timedelta(days=3)
    second = groups.activity_record(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.EID_LINKING,
        on=later,
        person_id=world.person_a2.pk,
        link_eid=True,
    )
    world.person_a2.refresh_from_db()
    assert world.person_a2.eid_linked_on == DAY
    assert second.eid_linked == []


def test_without_the_flag_the_register_is_left_alone(grouped: GroupWorld) -> None:
    world = grouped.world
    registry.person_update(actor=SYSTEM, person=world.person_a2, eid_level="1")
    groups.activity_record(
        actor=world.officer_a,
        group=grouped.group,
        kind=ActivityKind.EID_LINKING,
        on=DAY,
        person_id=world.person_a2.pk,
    )
    world.person_a2.refresh_from_db()
    assert world.person_a2.eid_linked_on is None


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def test_another_communes_group_does_not_exist_for_an_officer(grouped: GroupWorld) -> None:
    world = grouped.world
    code = grouped.group.organisation.code
    assert selectors.group_get(actor=world.officer_a, code=code) == grouped.group
    assert selectors.group_get(actor=world.viewer, code=code) == grouped.group
    with pytest.raises(NotFound):
        selectors.group_get(actor=world.officer_b, code=code)
    assert not selectors.group_list(actor=world.officer_b).exists()
    assert not selectors.group_activity_list(actor=world.officer_b).exists()
    with pytest.raises(NotFound):
        selectors.group_member_get(
            actor=world.officer_b, group=grouped.group, member_id=grouped.leader.pk
        )


def test_counts_by_kind_and_month_classes_and_people_helped(grouped: GroupWorld) -> None:
    world = grouped.world
    for kind, on, person in [
        (ActivityKind.EID_LINKING, DAY, world.person_a2),
        (ActivityKind.EID_LINKING, DAY, world.person_a),
        (ActivityKind.SAFETY, datetime.date(2025, 9, 2), world.person_a2),
    ]:
        groups.activity_record(
            actor=world.officer_a, group=grouped.group, kind=kind, on=on, person_id=person.pk
        )
    table = selectors.group_activity_counts(group=grouped.group)
    assert table.months == [datetime.date(2025, 9, 1), datetime.date(2025, 8, 1)]
    assert [(r.kind, r.label, r.counts, r.total) for r in table.rows] == [
        ("eid_linking", "Helped link the e-ID to the learning platform", [0, 2], 2),
        ("safety", "Advice on online safety and scams", [1, 0], 1),
    ]
    assert table.month_totals == [1, 2]
    assert table.total == 3
    assert table.by_kind == {"eid_linking": 2, "safety": 1}
    people: list[Any] = list(selectors.group_people_helped(group=grouped.group))
    assert [(p.pk, p.help_count) for p in people] == [
        (world.person_a2.pk, 2),
        (world.person_a.pk, 1),
    ]
    assert selectors.group_people_helped_count(group=grouped.group) == 2
    listed: Any = selectors.group_list(actor=world.officer_a).get()
    assert (listed.member_count, listed.activity_count) == (1, 3)


def test_a_commune_shows_its_villages_without_a_group(grouped: GroupWorld) -> None:
    world = grouped.world
    other = geo.village_create(
        actor=SYSTEM, parent_code=world.commune_a.code, name="Tổ dân phố Kim Tân"
    )
    commune = selectors.chosen_commune(actor=world.officer_a, within_unit_code=None)
    assert commune == world.commune_a
    rows = selectors.commune_villages(actor=world.officer_a, commune=world.commune_a)
    assert [(r.village.pk, r.group is not None) for r in rows] == [
        (world.village_a.pk, True),
        (other.pk, False),
    ]
    assert selectors.chosen_commune(actor=world.officer_a, within_unit_code="04465") is None
    coverage: dict[str, Any] = {
        c.code: c for c in selectors.group_coverage(actor=world.secretariat)
    }
    assert (coverage["02647"].village_count, coverage["02647"].group_count) == (2, 1)
    assert coverage["02647"].missing_count == 1
    assert coverage["04465"].group_count == 0
    assert DigitalTechGroup.objects.count() == 1
