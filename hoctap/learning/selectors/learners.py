"""Reads of learner accounts: sign-in, the officers' lists and pages, the bulk creations.

Accounts are records about a person: an officer sees those of the persons in their
`learning.view_record` scope (`selectors.scope`); anything else is *not found*. A bulk creation
(`AccountBatch`) is seen by the officer who asked for it only: its sheet holds passwords.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.geo.models import Organisation, OrganisationClosure, UnitClosure
from hoctap.learning.models import AccountBatch, LearnerAccount
from hoctap.learning.selectors.scope import person_in_scope, person_scope_q
from hoctap.registry.models import OrganisationMembership, Person, PersonStatus
from hoctap.registry.selectors import current_member_ids

_NATIONAL_ID = re.compile(r"^\d{12}$")
CANDIDATES_SHOWN = 20


def account_for_sign_in(identifier: str) -> LearnerAccount | None:
    """The learner account that signs in with this ID number or phone (spaces ignored)."""
    text = "".join((identifier or "").split())
    rows = LearnerAccount.objects.select_related("user")
    if _NATIONAL_ID.match(text):
        account = rows.filter(person__national_id=text).first()
        if account is not None:
            return account
    if text.lstrip("+").isdigit():
        return rows.filter(phone=text).first()
    return None


# ---------------------------------------------------------------------------------------------
# Filters shared by the officers' lists (accounts, enrolments): a person's village beneath a
# unit, current membership of an organisation's subtree, a name or ID-number prefix
# ---------------------------------------------------------------------------------------------


def within_unit_q(unit_code: str, person: str = "person") -> Q:
    """Records whose person lives beneath the unit `unit_code` (nothing for an unknown code)."""
    units = UnitClosure.objects.filter(ancestor__code=unit_code).values("descendant_id")
    return Q(**{f"{person}__village_id__in": units})


def organisation_subtree(code: str) -> QuerySet[Any]:
    """Ids of the organisation `code` and those beneath it (a subquery; empty when unknown)."""
    return OrganisationClosure.objects.filter(ancestor__code=code).values("descendant_id")


def member_of_q(organisation_code: str, position: str = "", person: str = "person") -> Q:
    """Records whose person is a current member of the organisation `organisation_code` or
    one beneath it (of `position`, when given)."""
    members = current_member_ids(
        organisation_ids=organisation_subtree(organisation_code), position=position
    )
    return Q(**{f"{person}_id__in": members})


def person_search_q(q: str, person: str = "person", *, actor: Any) -> Q:
    """A name (the start of any word, diacritics ignored) or an ID number (`person`: the path
    to the person; "" for persons themselves): its start where the actor may read ID numbers
    in full, else the whole number only (a search digit by digit would spell out a masked
    number)."""
    path = f"{person}__" if person else ""
    text = "".join(q.split())
    if text.isascii() and text.isdigit():
        readable = person_scope_q(actor, Perm.VIEW_PERSONAL_ID, person)
        starts = Q(**{f"{path}national_id__startswith": text})
        return Q(**{f"{path}national_id": text}) | (starts & readable)
    term = fold(q)
    return Q(**{f"{path}search_name__startswith": term}) | Q(
        **{f"{path}search_name__contains": f" {term}"}
    )


def current_organisations(person_ids: list[int]) -> dict[int, list[Organisation]]:
    """The organisations each person is a current member of (one query, for a list's page)."""
    today = timezone.localdate()
    found: dict[int, list[Organisation]] = defaultdict(list)
    memberships = (
        OrganisationMembership.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            person_id__in=person_ids,
            start_date__lte=today,
        )
        .select_related("organisation")
        .order_by("organisation__code")
    )
    for membership in memberships:
        found[membership.person_id].append(membership.organisation)
    return found


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


def learner_account_list(
    *,
    actor: Any,
    within_unit_code: str | None = None,
    organisation_code: str | None = None,
    origin: str | None = None,
    q: str | None = None,
) -> QuerySet[LearnerAccount]:
    """Accounts of the persons in the actor's `learning.view_record` scope, newest first."""
    accounts = LearnerAccount.objects.filter(person_scope_q(actor, Perm.VIEW_LEARNING))
    if within_unit_code:
        accounts = accounts.filter(within_unit_q(within_unit_code))
    if organisation_code:
        accounts = accounts.filter(member_of_q(organisation_code))
    if origin:
        accounts = accounts.filter(origin=origin)
    if q and q.strip():
        accounts = accounts.filter(person_search_q(q, actor=actor))
    return accounts.select_related("person__village", "user").order_by("-created_at", "-id")


def learner_account_get(*, actor: Any, account_id: int) -> LearnerAccount:
    account = (
        LearnerAccount.objects.filter(person_scope_q(actor, Perm.VIEW_LEARNING), pk=account_id)
        .select_related("person__village", "user", "created_by")
        .first()
    )
    if account is None:
        raise NotFound(_("Learner account not found."))
    return account


def can_manage_learner(actor: Any, person_id: int) -> bool:
    """Whether the actor may create, reset or change this person's account (to show the
    buttons; the services check it again)."""
    return person_in_scope(actor, person_id, Perm.MANAGE_LEARNERS)


def can_manage_learners_somewhere(actor: Any) -> bool:
    return not scope_for(actor, Perm.MANAGE_LEARNERS).is_empty


def account_candidates(*, actor: Any, q: str) -> list[Person]:
    """Persons the actor may create an account for, matching `q` (name or ID-number prefix):
    living here, in their `learning.manage_learner` scope, without an account yet."""
    if not q or not q.strip():
        return []
    persons = (
        Person.objects.filter(
            person_scope_q(actor, Perm.MANAGE_LEARNERS, ""),
            person_search_q(q, "", actor=actor),
            status=PersonStatus.LIVING_HERE,
            learner_account__isnull=True,
        )
        .select_related("village")
        .order_by("search_name", "id")
    )
    return list(persons[:CANDIDATES_SHOWN])


def account_candidate_get(*, actor: Any, person_id: int) -> Person:
    """A person the actor may create an account for (in scope; NotFound otherwise)."""
    person = (
        Person.objects.filter(person_scope_q(actor, Perm.MANAGE_LEARNERS, ""), pk=person_id)
        .select_related("village")
        .first()
    )
    if person is None:
        raise NotFound(_("Person not found."))
    return person


def assignable_person_get(*, actor: Any, national_id: str) -> Person:
    """A person in the actor's `learning.manage_learner` scope by ID number (typed in a form's
    body, never in a URL); NotFound for anyone else."""
    number = "".join((national_id or "").split())
    person = (
        Person.objects.filter(person_scope_q(actor, Perm.MANAGE_LEARNERS, ""), national_id=number)
        .select_related("village")
        .first()
        if number
        else None
    )
    if person is None:
        raise NotFound(_("No person with this ID number is in your scope."))
    return person


def person_account(*, actor: Any, person_id: int) -> tuple[bool, LearnerAccount | None]:
    """For a register page: whether the actor may see the person's learning records, and the
    person's account (None when they have none, or the actor may not see it)."""
    if not person_in_scope(actor, person_id, Perm.VIEW_LEARNING):
        return False, None
    account = LearnerAccount.objects.filter(person_id=person_id).select_related("user").first()
    return True, account


def learner_organisations(
    *, actor: Any, permission: str = Perm.MANAGE_LEARNERS
) -> QuerySet[Organisation]:
    """Active organisations in the actor's scope of `permission`: what a bulk creation or an
    assignment may name (`learning.manage_learner`), what a list may be filtered by
    (`learning.view_record`)."""
    scope = scope_for(actor, permission)
    return (
        Organisation.objects.filter(scope.organisations_q("id", "unit_id"), is_active=True)
        .select_related("unit")
        .order_by("code")
    )


# ---------------------------------------------------------------------------------------------
# Bulk creations
# ---------------------------------------------------------------------------------------------


def _own_batches(actor: Any) -> QuerySet[AccountBatch]:
    batches = AccountBatch.objects.select_related("organisation")
    if getattr(actor, "is_system", False):
        return batches
    if not getattr(actor, "is_authenticated", False):
        return batches.none()
    return batches.filter(actor_id=actor.pk)


def account_batch_list(*, actor: Any) -> QuerySet[AccountBatch]:
    """The actor's own bulk creations, newest first."""
    return _own_batches(actor).order_by("-id")


def account_batch_get(*, actor: Any, batch_id: int) -> AccountBatch:
    """One of the actor's own bulk creations (anyone else's is *not found*)."""
    batch = _own_batches(actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("Bulk account creation not found."))
    return batch
