"""What the learning menu and the officers' learning home show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from hoctap.accounts.permissions import has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.learning.models import (
    ClassInstructor,
    ClassStatus,
    Completion,
    DigitalTechGroup,
    LearnerAccount,
    OfflineClass,
)
from hoctap.learning.selectors.scope import learner_account_of, own_person_id, person_scope_q


@dataclass(frozen=True)
class LearningMenu:
    """Which learning entries the menu shows to this user."""

    learner: bool  # has a learner account: "My learning"
    instructor: bool  # teaches an offline class: "My classes"
    officer: bool  # reads or writes learning records somewhere: "Learning"


def learning_menu(*, actor: Any) -> LearningMenu:
    learner = learner_account_of(actor) is not None
    person_id = own_person_id(actor)
    officer = any(
        has_permission_somewhere(actor, perm)
        for perm in (Perm.VIEW_LEARNING, Perm.MANAGE_COURSES, Perm.MANAGE_CLASSES)
    )
    instructor = (
        person_id is not None
        and not officer
        and ClassInstructor.objects.filter(person_id=person_id).exists()
    )
    return LearningMenu(learner=learner, instructor=instructor, officer=officer)


@dataclass(frozen=True)
class LearningFigures:
    persons_trained: int
    completions: int
    by_channel: dict[str, int]
    accounts: int
    open_classes: int
    groups: int


def learning_figures(*, actor: Any) -> LearningFigures | None:
    """The headline numbers of the actor's `learning.view_record` scope, or None without it."""
    if not has_permission_somewhere(actor, Perm.VIEW_LEARNING):
        return None
    completions = Completion.objects.filter(person_scope_q(actor, Perm.VIEW_LEARNING))
    totals = completions.aggregate(
        records=Count("id"),
        persons=Count("person_id", distinct=True),
        online=Count("id", filter=Q(channel="online")),
        offline_class=Count("id", filter=Q(channel="offline_class")),
        imported=Count("id", filter=Q(channel="imported")),
    )
    scope = scope_for(actor, Perm.VIEW_LEARNING)
    return LearningFigures(
        persons_trained=totals["persons"],
        completions=totals["records"],
        by_channel={k: totals[k] for k in ("online", "offline_class", "imported")},
        accounts=LearnerAccount.objects.filter(person_scope_q(actor, Perm.VIEW_LEARNING)).count(),
        open_classes=OfflineClass.objects.filter(
            scope.organisations_q("organisation_id", "unit_id"), status=ClassStatus.OPEN
        ).count(),
        groups=DigitalTechGroup.objects.filter(
            scope.organisations_q("organisation_id", "village_id")
        ).count(),
    )
