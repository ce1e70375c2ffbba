"""Scoped reads of the registers. A record outside the actor's scope is *not found*.

A person and a household are in scope when their village is under a unit where the actor holds
`registry.view_record`; a clan, when its commune is; a membership, when its person is.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.geo.models import UnitClosure
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatusChange,
)


def registry_visible_q(actor: Any, unit_field: str, permission: str = Perm.VIEW_REGISTRY) -> Q:
    """Records whose unit (`unit_field`, a path to a unit id) lies in the actor's scope."""
    return scope_for(actor, permission).units_q(unit_field)


def _within(unit_field: str, unit_code: str) -> Q:
    return Q(
        **{
            f"{unit_field}__in": UnitClosure.objects.filter(ancestor__code=unit_code).values(
                "descendant_id"
            )
        }
    )


def person_list(
    *,
    actor: Any,
    within_unit_code: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Person]:
    """Persons in scope; `q` is a name without diacritics ("nguyen van") or the start of an
    ID number (digits only)."""
    persons = Person.objects.filter(registry_visible_q(actor, "village_id")).select_related(
        "village", "household"
    )
    if within_unit_code:
        persons = persons.filter(_within("village_id", within_unit_code))
    if status:
        persons = persons.filter(status=status)
    if q and q.strip():
        term = q.strip()
        if term.isdigit():
            persons = persons.filter(national_id__startswith=term)
        else:
            persons = persons.filter(search_name__contains=fold(term))
    return persons.order_by("search_name", "national_id")


def person_get(*, actor: Any, national_id: str) -> Person:
    person = (
        Person.objects.filter(registry_visible_q(actor, "village_id"), national_id=national_id)
        .select_related("village", "household")
        .first()
    )
    if person is None:
        raise NotFound(_("Person not found."))
    return person


def person_history(*, person: Person) -> list[PersonStatusChange]:
    """Every status the person has had, oldest first. Until the status first changes there is
    no history row (a million imported persons write none): the one status is on the person."""
    changes = list(PersonStatusChange.objects.filter(person=person).order_by("on", "id"))
    return changes or [
        PersonStatusChange(person=person, status=person.status, on=person.status_since)
    ]


def can_view_national_id(actor: Any, person: Person) -> bool:
    return scope_for(actor, Perm.VIEW_PERSONAL_ID).covers_unit(person.village_id)


def household_list(
    *, actor: Any, within_unit_code: str | None = None, q: str | None = None
) -> QuerySet[Household]:
    households = Household.objects.filter(registry_visible_q(actor, "village_id")).select_related(
        "village", "clan"
    )
    if within_unit_code:
        households = households.filter(_within("village_id", within_unit_code))
    if q and q.strip():
        households = households.filter(code__istartswith=q.strip())
    return households.order_by("code")


def household_get(*, actor: Any, code: str) -> Household:
    household = (
        Household.objects.filter(registry_visible_q(actor, "village_id"), code=code)
        .select_related("village", "clan")
        .first()
    )
    if household is None:
        raise NotFound(_("Household %(code)s not found.") % {"code": code})
    return household


def household_head(*, household: Household) -> Person | None:
    return Person.objects.filter(household=household, relation_to_head="head").first()


def clan_list(
    *, actor: Any, within_unit_code: str | None = None, q: str | None = None
) -> QuerySet[Clan]:
    clans = Clan.objects.filter(registry_visible_q(actor, "commune_id")).select_related(
        "commune", "representative"
    )
    if within_unit_code:
        clans = clans.filter(_within("commune_id", within_unit_code))
    if q and q.strip():
        clans = clans.filter(Q(search_name__contains=fold(q)) | Q(code__istartswith=q.strip()))
    return clans.order_by("code")


def clan_get(*, actor: Any, code: str) -> Clan:
    clan = (
        Clan.objects.filter(registry_visible_q(actor, "commune_id"), code=code)
        .select_related("commune", "representative")
        .first()
    )
    if clan is None:
        raise NotFound(_("Clan %(code)s not found.") % {"code": code})
    return clan


def membership_list(
    *,
    actor: Any,
    organisation_code: str | None = None,
    national_id: str | None = None,
    position: str | None = None,
    current_only: bool = False,
) -> QuerySet[OrganisationMembership]:
    memberships = OrganisationMembership.objects.filter(
        registry_visible_q(actor, "person__village_id")
    ).select_related("person", "organisation")
    if organisation_code:
        memberships = memberships.filter(organisation__code=organisation_code)
    if national_id:
        memberships = memberships.filter(person__national_id=national_id)
    if position:
        memberships = memberships.filter(position=position)
    if current_only:
        memberships = memberships.filter(end_date__isnull=True)
    return memberships.order_by("organisation__code", "start_date", "id")


def membership_get(*, actor: Any, membership_id: int) -> OrganisationMembership:
    membership = (
        OrganisationMembership.objects.filter(
            registry_visible_q(actor, "person__village_id"), pk=membership_id
        )
        .select_related("person", "organisation")
        .first()
    )
    if membership is None:
        raise NotFound(_("Membership %(id)s not found.") % {"id": membership_id})
    return membership


# ---------------------------------------------------------------------------------------------
# For the register pages: persons by internal id, the members and households shown on a
# record's page, memberships searched like persons, and which full ID numbers an export may hold
# ---------------------------------------------------------------------------------------------


def person_get_by_id(*, actor: Any, person_id: int) -> Person:
    """A person by internal id: what the pages use, so that no ID number enters a URL."""
    person = (
        Person.objects.filter(registry_visible_q(actor, "village_id"), pk=person_id)
        .select_related("village", "household__clan")
        .first()
    )
    if person is None:
        raise NotFound(_("Person not found."))
    return person


def household_members(*, household: Household) -> QuerySet[Person]:
    """The members of a (visible) household: the head first, then by birth date."""
    return (
        Person.objects.filter(household=household)
        .order_by(
            Case(When(relation_to_head="head", then=0), default=1),
            "birth_date",
            "id",
        )
        .select_related("village")
    )


def clan_households(*, actor: Any, clan: Clan) -> QuerySet[Household]:
    return household_list(actor=actor).filter(clan=clan)


def membership_search(
    *,
    actor: Any,
    within_unit_code: str | None = None,
    organisation_code: str | None = None,
    position: str | None = None,
    current_only: bool = False,
    q: str | None = None,
) -> QuerySet[OrganisationMembership]:
    """`membership_list` with the list page's filters: persons living beneath a unit, and `q`
    searched exactly as `person_list` searches persons (name or ID-number prefix)."""
    memberships = membership_list(
        actor=actor,
        organisation_code=organisation_code or None,
        position=position or None,
        current_only=current_only,
    )
    if within_unit_code:
        memberships = memberships.filter(_within("person__village_id", within_unit_code))
    if q and q.strip():
        persons = person_list(actor=actor, q=q).values("pk")
        memberships = memberships.filter(person_id__in=persons)
    return memberships


def with_national_id_visibility(
    *, actor: Any, records: QuerySet[Any], unit_field: str
) -> QuerySet[Any]:
    """`records` annotated with `national_id_visible`: whether the actor holds
    `registry.view_personal_id` over the record's unit (one query for the whole export)."""
    scope = scope_for(actor, Perm.VIEW_PERSONAL_ID)
    if scope.is_global or scope.is_empty:
        return records.annotate(national_id_visible=Value(scope.is_global))
    return records.annotate(
        national_id_visible=Case(
            When(scope.units_q(unit_field), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
