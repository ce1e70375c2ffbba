"""Scoped reads of the registers. A record outside the actor's scope is *not found*.

A person and a household are in scope when their village is under a unit where the actor holds
`registry.view_record`; a clan, when its commune is; a membership, when its person is.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.core.text import fold
from hoctap.geo.models import UnitClosure, UnitLevel
from hoctap.registry import word_index
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


# A search answers the first SEARCH_LIMIT matches in the list's order (name, then ID number):
# five pages of 100. Its count is exact up to there and says SEARCH_LIMIT when there are more, so
# a search never counts (or sorts) the 340,000 "nguyen" of a province: refine it instead.
SEARCH_LIMIT = 500
# Below this many rows holding a later word, the word index is read first; above, the rows are
# read in name order and the first matches come soon enough (SQLite only: PostgreSQL's planner
# knows the word's frequency from its statistics).
_COMMON_WORD = 5000
_WORDS = word_index.WORDS
_FEW_IDS_DIGITS = 6


def _next_prefix(text: str) -> str | None:
    """The smallest string above every string starting with `text` in any collation, when
    the last character allows it ("nguyen" → "nguyeo", "0109" → "0110"); else None."""
    if text.isascii() and text.isdigit():
        # one added to the number the digits spell, on the digits themselves: `int()` refuses
        # strings of more than 4,300 digits (and the list's search is not bounded below that)
        kept = text.rstrip("9")
        if not kept:
            return None
        return kept[:-1] + chr(ord(kept[-1]) + 1) + "0" * (len(text) - len(kept))
    last = text[-1]
    if "a" <= last < "z" or "0" <= last < "9":
        return text[:-1] + chr(ord(last) + 1)
    return None


def _prefix_q(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range an index can read. SQLite also tests the prefix
    itself; PostgreSQL does not, as its planner would count the same condition twice and
    expect too few rows. (Exact in the C collation; in a linguistic one a name differing only
    by spaces from the prefix could slip in.)"""
    upper = _next_prefix(prefix)
    q = Q(**{f"{field}__gte": prefix})
    if upper:
        q &= Q(**{f"{field}__lt": upper})
    if connection.vendor != "postgresql" or not upper:
        q &= Q(**{f"{field}__startswith": prefix})
    return q


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The expression of the PostgreSQL word index, on this table: the planner must see the same.
_PG_LATER_WORDS = (
    word_index.POSTGRESQL_EXPRESSION.replace("search_name", '"registry_person"."search_name"')
    + " LIKE %s"
)


def _later_word_q(term: str, *, wide: bool) -> Q | None:
    """A later word of the folded name starts with `term` ("thi mai", "mai"); None when no
    row can match. Over a few villages the rows in scope are simply read; over many, the word
    index (`hoctap/registry/word_index.py`) finds them."""
    exact = Q(search_name__contains=f" {term}")
    if not wide:
        return exact
    if connection.vendor == "postgresql":
        pattern = f"% {_like_escaped(term)}%"
        return Q(RawSQL(_PG_LATER_WORDS, [pattern], output_field=BooleanField()))  # noqa: S611
    if connection.vendor != "sqlite":
        return exact
    words = re.findall(r"[a-z0-9]+", term)
    if not words:
        return exact
    match = '"' + " ".join(words) + '"*'  # the phrase, its last word as a prefix
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {_WORDS} WHERE {_WORDS} MATCH %s "  # noqa: S608
            "LIMIT %s)",
            [match, _COMMON_WORD],
        )
        found = cursor.fetchone()[0]
    if found == 0:
        return None
    if found < _COMMON_WORD:
        rows = RawSQL(f"SELECT rowid FROM {_WORDS} WHERE {_WORDS} MATCH %s", [match])  # noqa: S608, S611
        return exact & Q(pk__in=rows)
    return exact


def _first_matches(branches: list[tuple[QuerySet[Person], bool]]) -> list[int]:
    """Ids of the first SEARCH_LIMIT persons, in list order, matching any branch. Each branch
    is cut to its own first SEARCH_LIMIT rows, read in order from an index, before they meet:
    an OR of the conditions would have to collect every match and sort them all. Run once
    here, so that the page and its count read at most SEARCH_LIMIT rows by primary key.
    A branch given as not `in_order` has few matches: read them all from their own index."""
    parts: list[str] = []
    params: list[Any] = []
    for number, (branch, in_order) in enumerate(branches):
        rows = branch.values_list("id", "search_name", "national_id")
        if in_order:
            rows = rows.order_by("search_name", "national_id")[:SEARCH_LIMIT]
        else:
            rows = rows.order_by()
        try:
            sql, branch_params = rows.query.sql_with_params()
        except EmptyResultSet:  # nothing in scope
            continue
        parts.append(f"SELECT * FROM ({sql}) AS branch{number}")  # noqa: S608
        params.extend(branch_params)
    if not parts:
        return []
    union = " UNION ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT matches.id FROM ({union}) AS matches "  # noqa: S608
            "ORDER BY matches.search_name, matches.national_id LIMIT %s",
            [*params, SEARCH_LIMIT],
        )
        return [row[0] for row in cursor.fetchall()]


_WIDE_SCOPE = 300  # villages: about ten communes


def _is_wide(actor: Any, within_unit_code: str | None) -> bool:
    """Whether a list covers so many villages that it reads best in name order. The counts are
    kept on the actor for the request, like its grants: a list page asks once."""
    scope = scope_for(actor, Perm.VIEW_REGISTRY)
    cache: dict[Any, int] = getattr(actor, "__dict__", {}).setdefault("_hoctap_villages", {})
    villages = UnitClosure.objects.filter(descendant__level=UnitLevel.VILLAGE)
    counts = []
    if not scope.is_global:
        if scope.unit_ids not in cache:
            cache[scope.unit_ids] = villages.filter(ancestor_id__in=scope.unit_ids).count()
        counts.append(cache[scope.unit_ids])
    if within_unit_code:
        if within_unit_code not in cache:
            cache[within_unit_code] = villages.filter(ancestor__code=within_unit_code).count()
        counts.append(cache[within_unit_code])
    return min(counts, default=_WIDE_SCOPE) >= _WIDE_SCOPE


def person_list(
    *,
    actor: Any,
    within_unit_code: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Person]:
    """Persons in scope, by name then ID number. `q` is the start of a word of the name,
    diacritics and case ignored ("nguyen van", "mai", "Hoàng Thị"), or the start of an ID
    number (digits only); a search answers its first `SEARCH_LIMIT` matches."""
    term = fold(q or "")
    persons = Person.objects.all()
    village_field = "village_id"
    wide = _is_wide(actor, within_unit_code)
    if wide:
        # Many villages: read the persons in name order (or from the word index) and test the
        # village on each row, not village by village: the planners cannot tell how many
        # villages a scope holds, and would read (and sort) the whole province village by
        # village for a page of 100.
        persons = persons.alias(row_village=F("village_id") + 0)
        village_field = "row_village"
    persons = persons.filter(registry_visible_q(actor, village_field))
    if within_unit_code:
        persons = persons.filter(_within(village_field, within_unit_code))
    if status:
        persons = persons.filter(status=status)
    if term:
        if term.isascii() and term.isdigit():
            # From 6 digits on (province, century and sex, year) a few thousand persons at most
            # in a province: read them by number; fewer digits match many, met soon in name order.
            long_prefix = len(term) >= _FEW_IDS_DIGITS
            by_start = persons.filter(_prefix_q("national_id", term))
            personal = scope_for(actor, Perm.VIEW_PERSONAL_ID)
            if (
                personal.is_global
                or personal.unit_ids >= scope_for(actor, Perm.VIEW_REGISTRY).unit_ids
            ):
                branches = [(by_start, not long_prefix)]
            else:
                # The start of a number finds only persons whose numbers the actor may read in
                # full; the others by the whole number. Else a search digit by digit would
                # spell out the numbers the list masks.
                by_start = by_start.filter(personal.units_q(village_field))
                whole = persons.filter(national_id=term)
                branches = [(by_start, not long_prefix), (whole, False)]
        else:
            branches = [(persons.filter(_prefix_q("search_name", term)), True)]
            later = _later_word_q(term, wide=wide)
            if later is not None:
                branches.append((persons.filter(later), True))
        persons = Person.objects.filter(pk__in=_first_matches(branches))
    return persons.select_related("village", "household").order_by("search_name", "national_id")


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


def _with_representative_visibility(actor: Any, clans: QuerySet[Clan]) -> QuerySet[Clan]:
    """`clans` annotated with `representative_visible`: whether the actor may see the clan's
    representative. A representative who moved out of the clan's commune may live outside the
    actor's scope, where the person does not exist for them (their page is a 404): the clan
    then shows no one, whatever is stored."""
    scope = scope_for(actor, Perm.VIEW_REGISTRY)
    if scope.is_global or not scope.unit_ids:
        return clans.annotate(representative_visible=Value(scope.is_global))
    return clans.annotate(
        representative_visible=Case(
            When(scope.units_q("representative__village_id"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def clan_representative(*, clan: Clan) -> Person | None:
    """The representative of a clan read through `clan_list` or `clan_get`, if the reader may
    see that person; else (or with none) None."""
    if not getattr(clan, "representative_visible", False):
        return None
    return clan.representative


def clan_list(
    *, actor: Any, within_unit_code: str | None = None, q: str | None = None
) -> QuerySet[Clan]:
    clans = _with_representative_visibility(
        actor,
        Clan.objects.filter(registry_visible_q(actor, "commune_id")).select_related(
            "commune", "representative"
        ),
    )
    if within_unit_code:
        clans = clans.filter(_within("commune_id", within_unit_code))
    if q and q.strip():
        clans = clans.filter(Q(search_name__contains=fold(q)) | Q(code__istartswith=q.strip()))
    return clans.order_by("code")


def clan_get(*, actor: Any, code: str) -> Clan:
    clan = (
        _with_representative_visibility(
            actor, Clan.objects.filter(registry_visible_q(actor, "commune_id"), code=code)
        )
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


def current_member_ids(
    *, organisation_ids: Any, position: str = "", on: datetime.date | None = None
) -> QuerySet[Any]:
    """Ids of the persons who are members of the given organisations on `on` (today), as a
    subquery (`organisation_ids` may itself be a subquery, e.g. an organisation subtree).
    Other apps count an organisation's people through this, not through the table."""
    day = on or timezone.localdate()
    members = OrganisationMembership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day),
        organisation_id__in=organisation_ids,
        start_date__lte=day,
    )
    if position:
        members = members.filter(position=position)
    return members.values("person_id")
