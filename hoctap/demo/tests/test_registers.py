"""The generated registers obey the register rules, row by row: valid ID numbers that agree
with the birth date and sex, one head per household, e-ID links only with an account, a status
history that ends in the current status, clans and representatives of the household's commune,
memberships after birth; and the same seed gives the same rows."""

from __future__ import annotations

import collections
import datetime

import pytest
from django.db import transaction

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.core.errors import InvalidInput
from hoctap.core.text import fold
from hoctap.demo.population import REFERENCE_DAY
from hoctap.demo.services import DemoResult, Scale, demo_build
from hoctap.registry import rules, selectors
from hoctap.registry.ethnicity import ETHNIC_GROUPS
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatusChange,
)
from hoctap.registry.national_id import national_id_error

TINY = Scale("tiny", communes=2, households=60, clans=4, villages_per_commune=(2, 3))


class _Undo(Exception):
    """Raised to roll a block back."""


def register(national_id: str, name: str, village_code: str) -> Person:
    """A person registered through the service, as an officer would, after the demo."""
    from hoctap.registry import services

    return services.person_create(
        actor=SYSTEM,
        national_id=national_id,
        full_name=name,
        birth_date=datetime.date(1990, 5, 1),
        sex="male",
        ethnicity="01",
        village_code=village_code,
    )


def build(seed: int = 7) -> DemoResult:
    return demo_build(province_code="15", scale=TINY, seed=seed)


@pytest.mark.django_db
def test_every_generated_person_obeys_the_register_rules():
    result = build()

    persons = list(Person.objects.select_related("village", "household"))
    assert result.persons == len(persons) > 150  # about four persons a household
    assert result.households == Household.objects.count() == 60
    for person in persons:
        assert (
            national_id_error(person.national_id, birth_date=person.birth_date, sex=person.sex)
            is None
        ), person.national_id
        assert person.search_name == fold(person.full_name)
        assert rules.clean_birth_date(person.birth_date) == person.birth_date
        assert rules.clean_eid(
            person.eid_level, person.eid_linked_on, birth_date=person.birth_date
        ) == (person.eid_level, person.eid_linked_on)
        if person.eid_linked_on:
            assert person.eid_level != "none"
            assert person.eid_linked_on <= REFERENCE_DAY
        assert person.ethnicity in ETHNIC_GROUPS
        assert rules.clean_phone(person.phone) == person.phone
        assert rules.clean_legacy_id_card(person.legacy_id_card) == person.legacy_id_card
        assert person.household is not None
        assert person.household.village_id == person.village_id
        assert rules.clean_relation(person.relation_to_head, has_household=True)
        assert person.birth_date <= person.status_since <= REFERENCE_DAY


@pytest.mark.django_db
def test_households_have_one_head_and_clans_of_their_commune():
    build()

    heads = collections.Counter(
        Person.objects.filter(relation_to_head="head").values_list("household_id", flat=True)
    )
    assert set(heads) == set(Household.objects.values_list("id", flat=True))
    assert set(heads.values()) == {1}
    for household in Household.objects.select_related("village", "clan"):
        assert rules.clean_poverty(household.poverty_status, household.poverty_year)
        if household.clan is not None:
            assert household.clan.commune_id == household.village.parent_id
    assert Clan.objects.count() == 4
    for clan in Clan.objects.select_related("representative__village"):
        # the eldest head of its households (a clan may have none in a tiny demo)
        if clan.representative is not None:
            assert clan.representative.village.parent_id == clan.commune_id
            assert clan.representative.relation_to_head == "head"
        assert clan.search_name == fold(clan.name)
    assert Clan.objects.filter(representative__isnull=False).exists()
    # more than one ethnic group, and some poor households, as in a mountain province
    assert Person.objects.values("ethnicity").distinct().count() > 1
    assert Household.objects.exclude(poverty_status="none").exists()


@pytest.mark.django_db
def test_status_history_and_memberships_are_consistent():
    build()

    # the history starts at the first change (as the services keep it): persons who moved away
    # or died have two rows, the status they had and the change; the others have none
    history: dict[int, list[PersonStatusChange]] = {}
    for change in PersonStatusChange.objects.order_by("person_id", "on", "id"):
        history.setdefault(change.person_id, []).append(change)
    persons = {p.id: p for p in Person.objects.all()}
    changed = {pk for pk, p in persons.items() if p.status != "living_here"}
    assert changed
    assert set(history) == changed
    for person_id, changes in history.items():
        person = persons[person_id]
        assert [c.status for c in changes] == ["living_here", person.status]
        assert changes[-1].on == person.status_since
        assert selectors.person_history(person=person) == changes
    unchanged = next(p for pk, p in persons.items() if pk not in changed)
    [implied] = selectors.person_history(person=unchanged)
    assert (implied.status, implied.on) == ("living_here", unchanged.status_since)
    memberships = list(OrganisationMembership.objects.select_related("person", "organisation"))
    assert {m.position for m in memberships} >= {"pupil", "teacher"}
    for membership in memberships:
        assert rules.clean_period(membership.start_date, membership.end_date)
        assert membership.person.birth_date <= membership.start_date <= REFERENCE_DAY
        if membership.position == "pupil":
            assert membership.organisation.unit_id == membership.person.village.parent_id


@pytest.mark.django_db
def test_the_registers_are_one_audit_entry_and_not_loaded_twice():
    first = build()
    rows = Person.objects.count()

    second = build()

    assert second.registers_skipped
    assert Person.objects.count() == rows == first.persons
    entry = AuditEntry.objects.get(action="demo.load")
    assert entry.changes["persons"] == rows
    assert entry.changes["households"] == 60
    assert entry.actor_label == "system"


@pytest.mark.django_db
def test_the_generated_rows_can_be_changed_through_the_services():
    """Explicit keys leave the sequences right: the next person the services create works."""
    build()
    village = Person.objects.first().village  # type: ignore[union-attr]
    person = register("001090123456", "Người Mới", village.code)
    assert person.pk > max(Person.objects.exclude(pk=person.pk).values_list("pk", flat=True))
    taken = Person.objects.exclude(pk=person.pk).first()
    assert taken is not None
    with pytest.raises(InvalidInput):  # a generated number is taken like any other
        register(taken.national_id, "Trùng Số", village.code)


def _persons_undone(seed: int) -> list[tuple[object, ...]]:
    taken: list[tuple[object, ...]] = []
    try:
        with transaction.atomic():
            build(seed)
            taken = list(
                Person.objects.order_by("national_id").values_list(
                    "national_id", "full_name", "birth_date", "household__code", "eid_level"
                )
            )
            raise _Undo
    except _Undo:
        pass
    return taken


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_registers():
    assert _persons_undone(3) == _persons_undone(3)
    assert _persons_undone(3) != _persons_undone(4)


@pytest.mark.django_db
def test_the_generated_persons_are_in_the_word_index(monkeypatch: pytest.MonkeyPatch):
    """The bulk load fills the name search's word index (on SQLite at once, not by trigger)
    and leaves it kept up to date for the persons registered afterwards."""
    from hoctap.registry import selectors

    build()
    monkeypatch.setattr(selectors, "_WIDE_SCOPE", 0)  # search as over a whole province
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 100_000)
    for person in Person.objects.order_by("id")[::37]:
        later_words = person.search_name.split(" ", 1)[1]
        assert person in selectors.person_list(actor=SYSTEM, q=later_words)
    village = Person.objects.first().village  # type: ignore[union-attr]
    register("001090123456", "Người Xyzabc", village.code)
    assert [p.full_name for p in selectors.person_list(actor=SYSTEM, q="xyzab")] == ["Người Xyzabc"]
