"""Who sees which learning records.

A learning record (an enrolment, a completion, a certificate, a learner account, a class
participant) is about a person. It is in an actor's scope for a permission when the person
lives in a village under a unit where the actor holds it, or is a current member of an
organisation under one where the actor holds it (the Department of Education sees its teachers'
training wherever they live). A learner always sees their own records, through their account.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoctap.accounts.permissions import EVERY_ROW, scope_for
from hoctap.accounts.roles import Perm
from hoctap.learning.models import LearnerAccount
from hoctap.registry.selectors import current_member_ids


def person_scope_q(actor: Any, permission: str = Perm.VIEW_LEARNING, person: str = "person") -> Q:
    """Records whose person (`person`: the path to the person; "" for persons themselves) is
    in the actor's scope."""
    scope = scope_for(actor, permission)
    if scope.is_global:
        return EVERY_ROW
    village, person_id = (
        (f"{person}__village_id", f"{person}_id") if person else ("village_id", "id")
    )
    q = Q(pk__in=[])
    if scope.unit_ids:
        q |= Q(**{f"{village}__in": scope.unit_subtree_ids()})
    if scope.org_ids:
        members = current_member_ids(organisation_ids=scope.org_subtree_ids())
        q |= Q(**{f"{person_id}__in": members})
    return q


def person_in_scope(actor: Any, person_id: int, permission: str) -> bool:
    """Whether one person is in the actor's scope for `permission` (a check before a write)."""
    from hoctap.registry.models import Person

    return Person.objects.filter(person_scope_q(actor, permission, ""), pk=person_id).exists()


def learner_account_of(actor: Any) -> LearnerAccount | None:
    """The signed-in user's own learner account (cached on the user object), or None."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    cache = actor.__dict__
    if "_hoctap_learner_account" not in cache:
        cache["_hoctap_learner_account"] = (
            LearnerAccount.objects.filter(user_id=actor.pk).select_related("person").first()
        )
    account: LearnerAccount | None = cache["_hoctap_learner_account"]
    return account


def own_person_id(actor: Any) -> int | None:
    account = learner_account_of(actor)
    return account.person_id if account is not None else None
