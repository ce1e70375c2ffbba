"""Reads of completions, whatever their channel and platform, in the actor's scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from hoctap.accounts.roles import Perm
from hoctap.geo.models import OrganisationClosure, UnitClosure
from hoctap.learning.models import Completion
from hoctap.learning.selectors.scope import person_scope_q
from hoctap.registry.selectors import current_member_ids


def completion_list(
    *,
    actor: Any,
    platform: str | None = None,
    channel: str | None = None,
    course_code: str | None = None,
    unit_code: str | None = None,
    organisation_code: str | None = None,
    completed_from: datetime.date | None = None,
    completed_to: datetime.date | None = None,
) -> QuerySet[Completion]:
    """Completions of the persons in the actor's `learning.view_record` scope, newest first.
    `unit_code`: persons living beneath that unit; `organisation_code`: current members of that
    organisation or one beneath it. A code outside the scope, or unknown, matches nothing."""
    completions = Completion.objects.filter(person_scope_q(actor, Perm.VIEW_LEARNING))
    if platform:
        completions = completions.filter(platform=platform)
    if channel:
        completions = completions.filter(channel=channel)
    if course_code:
        completions = completions.filter(course__code=course_code)
    if unit_code:
        villages = UnitClosure.objects.filter(ancestor__code=unit_code).values("descendant_id")
        completions = completions.filter(person__village_id__in=villages)
    if organisation_code:
        organisations = OrganisationClosure.objects.filter(ancestor__code=organisation_code).values(
            "descendant_id"
        )
        completions = completions.filter(
            person_id__in=current_member_ids(organisation_ids=organisations)
        )
    if completed_from:
        completions = completions.filter(completed_on__gte=completed_from)
    if completed_to:
        completions = completions.filter(completed_on__lte=completed_to)
    return completions.select_related("person", "course").order_by("-completed_on", "-id")
