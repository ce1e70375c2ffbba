"""What the groups' tests share (each module makes its `grouped` fixture with `build_group`):
the group of commune A's village, set up by its officer, with person_a as its leader; a
snapshot of every table the groups write to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.geo.models import Organisation
from hoctap.learning.models import (
    DigitalTechActivity,
    DigitalTechGroup,
    DigitalTechGroupMember,
    GroupRole,
)
from hoctap.learning.services import groups
from hoctap.registry.models import Person

DECIDED = datetime.date(2025, 7, 15)
JOINED = datetime.date(2025, 7, 20)


@dataclass
class GroupWorld:
    world: World
    group: DigitalTechGroup
    leader: DigitalTechGroupMember  # person_a


def build_group(world: World) -> GroupWorld:
    group = groups.group_create(
        actor=world.officer_a,
        village_code=world.village_a.code,
        decision_number="125/QĐ-UBND",
        decision_date=DECIDED,
        decided_by="Chủ tịch UBND phường",
    )
    leader = groups.member_add(
        actor=world.officer_a,
        group=group,
        person_id=world.person_a.pk,
        role=GroupRole.LEADER,
        joined_on=JOINED,
    )
    return GroupWorld(world=world, group=group, leader=leader)


def snapshot() -> dict[str, Any]:
    """Everything a group write may change, to show that a refusal changed nothing."""
    return {
        "groups": list(DigitalTechGroup.objects.order_by("pk").values()),
        "members": list(DigitalTechGroupMember.objects.order_by("pk").values()),
        "activities": list(DigitalTechActivity.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "persons": list(Person.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }
