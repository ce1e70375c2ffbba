"""Assigning a published course, by an officer: to one person in their scope, or to the
current members of an organisation and those beneath it (of one position, if asked).

Both go through `progress.enrolment_assign` (one bulk insert of the new enrolments, one audit
entry with the counts); persons already enrolled are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Perm
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.geo.selectors import organisation_subtree_ids
from hoctap.learning.models import Course, EnrolmentSource
from hoctap.learning.selectors.scope import person_in_scope, person_scope_q
from hoctap.learning.services.account_batches import clean_position, organisation_for_learners
from hoctap.learning.services.progress import enrolment_assign
from hoctap.registry.models import Person, PersonStatus
from hoctap.registry.selectors import current_member_ids


@dataclass
class Assignment:
    created: int = 0  # new enrolments
    existing: int = 0  # already enrolled
    left_out: int = 0  # members not living here, or outside the officer's scope


@transaction.atomic
def course_assign_person(*, actor: Any, course: Course, person: Person) -> Assignment:
    """Assign the course to one person in the actor's `learning.manage_learner` scope."""
    if not person_in_scope(actor, person.pk, Perm.MANAGE_LEARNERS):
        raise PermissionDenied(_("You may not assign courses to this person."))
    result = enrolment_assign(
        actor=actor, course=course, person_ids=[person.pk], source=EnrolmentSource.OFFICER
    )
    return Assignment(created=result.created, existing=result.existing)


@transaction.atomic
def course_assign_organisation(
    *, actor: Any, course: Course, organisation_code: str, position: str = ""
) -> Assignment:
    """Assign the course to the current members of an organisation and those beneath it who
    live here and are in the actor's `learning.manage_learner` scope; the others are counted
    as left out. The organisation must be in that scope too."""
    organisation = organisation_for_learners(actor, organisation_code)
    position = clean_position(position)
    members = current_member_ids(
        organisation_ids=organisation_subtree_ids(organisation=organisation), position=position
    )
    everyone = Person.objects.filter(pk__in=members).count()
    person_ids = list(
        Person.objects.filter(
            person_scope_q(actor, Perm.MANAGE_LEARNERS, ""),
            pk__in=members,
            status=PersonStatus.LIVING_HERE,
        ).values_list("pk", flat=True)
    )
    if not person_ids:
        raise InvalidInput(
            {
                "organisation": _(
                    "No current member of this organisation (in this position) lives here and "
                    "is in your scope."
                )
            }
        )
    result = enrolment_assign(
        actor=actor,
        course=course,
        person_ids=person_ids,
        source=EnrolmentSource.ORGANISATION,
        organisation_id=organisation.pk,
    )
    return Assignment(
        created=result.created, existing=result.existing, left_out=everyone - len(person_ids)
    )
