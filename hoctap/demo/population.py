"""The demo population of one commune, as plain rows: households, persons, their status history,
clans and organisation memberships. Pure Python, no database: the caller writes the rows.

Every row obeys the register rules (`hoctap/registry/national_id.py`, `rules.py` and the model
constraints): a 12-digit ID number whose prefix, century/sex digit and year digits agree with the
birth date and sex, unique; exactly one head per household and a relation only with a household;
a link date only with an e-ID account, between birth and the reference day; a poverty year with
every poor or near-poor household; a clan of the household's own commune.

Deterministic: the same random generator state gives the same rows. Dates are ISO strings, which
both SQLite (multi-row `INSERT`s) and PostgreSQL (`COPY`) take as they are.
"""

from __future__ import annotations

import bisect
import datetime
import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hoctap.core.text import fold
from hoctap.demo import names

# Ages, e-ID links and statuses are computed on this fixed day, not today, so that the same seed
# gives the same data whatever the day it runs.
REFERENCE_DAY = datetime.date(2025, 10, 1)
PLATFORM_LAUNCH = datetime.date(2025, 3, 26)  # the "Bình dân học vụ số" movement began
POVERTY_YEAR = 2025
SCHOOL_START = (9, 5)  # the school year opens on 5 September


class Weighted:
    """Draws from items with weights in one `random()` and a bisect."""

    def __init__(self, weights: Mapping[Any, float] | Sequence[Any]) -> None:
        pairs = list(weights.items()) if isinstance(weights, Mapping) else [(w, 1) for w in weights]
        self.items = [item for item, _w in pairs]
        self.cumulative: list[float] = []
        total = 0.0
        for _item, weight in pairs:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass
class NameParts:
    """One ethnic group's names, with each part folded once for `search_name`."""

    families: Weighted
    male_middle: Weighted
    female_middle: Weighted
    male: Weighted
    female: Weighted


def _name_parts() -> dict[str, NameParts]:
    parts: dict[str, NameParts] = {}
    for code, families in names.FAMILIES.items():
        style: dict[str, Any] = names.STYLES[code]
        parts[code] = NameParts(
            families=Weighted(families),
            male_middle=Weighted(style["male_middle"]),
            female_middle=Weighted(style["female_middle"]),
            male=Weighted(style["male"]),
            female=Weighted(style["female"]),
        )
    return parts


NAME_PARTS = _name_parts()
_FOLDED: dict[str, str] = {}


def _folded(word: str) -> str:
    folded = _FOLDED.get(word)
    if folded is None:
        folded = _FOLDED[word] = fold(word)
    return folded


class NationalIds:
    """Unique, valid ID numbers: the 6-digit tail of each (prefix, century/sex, year) is a
    counter run through a bijection of 0..999999, so no number repeats without keeping them all.
    Numbers already in the database (`taken`) are skipped."""

    STEP = 387_253  # odd and not a multiple of 5: coprime with 10**6

    def __init__(self, seed: int, taken: set[str] | None = None) -> None:
        self.seed = seed
        self.taken = taken or set()
        self.counters: dict[str, list[int]] = {}  # head -> [next counter, offset]

    def make(self, prefix: str, birth_year: int, sex: str) -> str:
        century = (birth_year // 100 - 19) * 2 + (0 if sex == "male" else 1)
        head = f"{prefix}{century}{birth_year % 100:02d}"
        state = self.counters.get(head)
        if state is None:
            offset = zlib.crc32(f"{self.seed}:{head}".encode()) % 1_000_000
            state = self.counters[head] = [0, offset]
        while True:
            number = f"{head}{(state[0] * self.STEP + state[1]) % 1_000_000:06d}"
            state[0] += 1
            if state[0] > 1_000_000:
                raise RuntimeError(f"no ID number left for {head}")
            if number not in self.taken:
                return number


@dataclass(frozen=True)
class Village:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Commune:
    id: int
    code: str
    name: str
    profile: str  # a key of names.PROFILES
    id_prefix: str


@dataclass
class Organisations:
    """Ids of the organisations that take members, by role."""

    primary_school: int | None = None
    secondary_school: int | None = None
    police: int | None = None
    association: int | None = None
    digital_groups: dict[int, int] = field(default_factory=dict)  # village id -> organisation id
    # provincial bodies: (organisation id, position, share of the provincial staff)
    provincial: list[tuple[int, str, float]] = field(default_factory=list)
    provincial_rate: float = 0.0  # chance that an adult of working age works for one


@dataclass
class Ids:
    """The next primary key of each table written with explicit keys."""

    clan: int
    household: int
    person: int


@dataclass
class CommuneRows:
    clans: list[list[Any]] = field(default_factory=list)  # the representative is set last
    households: list[tuple[Any, ...]] = field(default_factory=list)
    persons: list[tuple[Any, ...]] = field(default_factory=list)
    status_changes: list[tuple[Any, ...]] = field(default_factory=list)
    memberships: list[tuple[Any, ...]] = field(default_factory=list)


# (relation, sex, age, family name); the household's ethnic group is shared
Member = tuple[str, str, int, str]


def _household_members(rng: random.Random, family: Weighted, children_mean: float) -> list[Member]:
    head_age = int(rng.triangular(20, 88, 38))
    head_sex = "male" if rng.random() < 0.8 else "female"
    head_family = family.pick(rng)
    members: list[Member] = [("head", head_sex, head_age, head_family)]
    father_family = head_family
    if rng.random() < (0.85 if head_age < 70 else 0.55):
        spouse_sex = "female" if head_sex == "male" else "male"
        spouse_age = max(18, head_age + rng.randint(-7, 3) * (1 if head_sex == "male" else -1))
        spouse_family = family.pick(rng)
        members.append(("spouse", spouse_sex, spouse_age, spouse_family))
        if spouse_sex == "male":
            father_family = spouse_family
    if head_age < 62:
        # older children have often left; the youngest parents have few yet
        mean = children_mean * min(1.0, (head_age - 18) / 12) * (1.0 if head_age < 50 else 0.6)
        count = max(0, round(rng.gauss(mean, 1.0)))
        youngest = max(0, head_age - 45)
        oldest = max(youngest, head_age - 19)
        for _ in range(count):
            sex = "male" if rng.random() < 0.51 else "female"
            members.append(("child", sex, rng.randint(youngest, oldest), father_family))
    if head_age >= 50 and rng.random() < 0.45:
        for _ in range(rng.randint(1, 3)):
            sex = "male" if rng.random() < 0.51 else "female"
            age = rng.randint(0, min(17, head_age - 38))
            members.append(("grandchild", sex, age, father_family))
    if head_age < 52 and rng.random() < 0.18:
        sex = "female" if rng.random() < 0.6 else "male"
        family_name = head_family if sex == "male" else family.pick(rng)
        members.append(("parent", sex, min(98, head_age + rng.randint(21, 34)), family_name))
    if rng.random() < 0.03:
        sex = "male" if rng.random() < 0.5 else "female"
        members.append(("sibling", sex, max(16, head_age + rng.randint(-8, 8)), head_family))
    return members


def _birth(rng: random.Random, age: int) -> datetime.date:
    return REFERENCE_DAY - datetime.timedelta(days=age * 365 + rng.randint(0, 364))


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


class CommuneGenerator:
    """Rows for one commune. `clans` is the number of clans to found; `households_by_village`
    the number of households of each village."""

    def __init__(
        self,
        *,
        rng: random.Random,
        commune: Commune,
        villages: list[Village],
        households_by_village: list[int],
        clans: int,
        organisations: Organisations,
        ids: Ids,
        numbers: NationalIds,
        now: Any,
    ) -> None:
        self.rng = rng
        self.commune = commune
        self.villages = villages
        self.households_by_village = households_by_village
        self.clan_count = clans
        self.orgs = organisations
        self.ids = ids
        self.numbers = numbers
        self.now = now
        profile = names.PROFILES[commune.profile]
        self.profile = profile
        mix: dict[str, float] = profile["mix"]  # type: ignore[assignment]
        self.mix = Weighted(mix)
        self.mix_weights = mix
        self.rows = CommuneRows()

    # -----------------------------------------------------------------------------------------

    def _clans(self) -> dict[str, list[int]]:
        """Found the commune's clans on its most common family names: family -> clan ids."""
        total = sum(self.mix_weights.values())
        expected: dict[str, float] = {}
        for ethnicity, share in self.mix_weights.items():
            families = names.FAMILIES[ethnicity]
            family_total = sum(families.values())
            for family, weight in families.items():
                expected[family] = expected.get(family, 0.0) + share / total * weight / family_total
        ranked = sorted(expected, key=lambda f: (-expected[f], f))
        by_family: dict[str, list[int]] = {}
        commune_words = self.commune.name[:1].lower() + self.commune.name[1:]
        for index in range(self.clan_count):
            family = ranked[index % len(ranked)]
            branch = index // len(ranked)
            clan_id = self.ids.clan
            self.ids.clan += 1
            name = f"Dòng họ {family} {commune_words}"
            if branch:
                name += f" (chi {branch + 1})"
            by_family.setdefault(family, []).append(clan_id)
            self.rows.clans.append(
                [
                    clan_id,
                    f"DH-{self.commune.code}-{index + 1:03d}",
                    name,
                    fold(name),
                    self.commune.id,
                    None,  # representative: set below, once the households are drawn
                    self.now,
                    self.now,
                ]
            )
        return by_family

    def generate(self) -> CommuneRows:
        rng = self.rng
        clans_by_family = self._clans()
        representatives: dict[int, tuple[int, int]] = {}  # clan id -> (age, person id)
        poor = float(self.profile["poor"])  # type: ignore[arg-type]
        near_poor = poor + float(self.profile["near_poor"])  # type: ignore[arg-type]
        children_mean = float(self.profile["children"])  # type: ignore[arg-type]
        eid2 = float(self.profile["eid2"])  # type: ignore[arg-type]
        adults_in_orgs: list[tuple[int, int, datetime.date]] = []  # (person id, age, birth)
        pupils: list[tuple[int, int, datetime.date]] = []
        for village, households in zip(self.villages, self.households_by_village, strict=True):
            address = f"{village.name}, {self.commune.name}"
            digital_group = self.orgs.digital_groups.get(village.id)
            for number in range(1, households + 1):
                ethnicity = self.mix.pick(rng)
                parts = NAME_PARTS[ethnicity]
                members = _household_members(rng, parts.families, children_mean)
                household_id = self.ids.household
                self.ids.household += 1
                draw = rng.random()
                if draw < poor:
                    poverty, year = "poor", POVERTY_YEAR
                elif draw < near_poor:
                    poverty, year = "near_poor", POVERTY_YEAR
                else:
                    poverty, year = "none", None
                head_family = members[0][3]
                clan_id = None
                candidates = clans_by_family.get(head_family)
                if candidates and rng.random() < 0.75:
                    clan_id = candidates[rng.randrange(len(candidates))]
                self.rows.households.append(
                    (
                        household_id,
                        f"{village.code}-{number:04d}",
                        village.id,
                        address,
                        poverty,
                        year,
                        clan_id,
                        self.now,
                        self.now,
                    )
                )
                for relation, sex, age, family in members:
                    person_id, birth = self._person(
                        village=village,
                        household_id=household_id,
                        relation=relation,
                        sex=sex,
                        age=age,
                        family=family,
                        ethnicity=ethnicity,
                        parts=parts,
                        eid2=eid2,
                    )
                    if relation == "head" and clan_id is not None:
                        best = representatives.get(clan_id)
                        score = age + (100 if sex == "male" else 0)
                        if best is None or score > best[0]:
                            representatives[clan_id] = (score, person_id)
                    if 6 <= age <= 14:
                        pupils.append((person_id, age, birth))
                    elif 22 <= age <= 58:
                        adults_in_orgs.append((person_id, age, birth))
                    if digital_group is not None and 20 <= age <= 45 and rng.random() < 0.01:
                        self._member(person_id, digital_group, "member", birth, 18)
        for row in self.rows.clans:
            chosen = representatives.get(row[0])
            row[5] = chosen[1] if chosen else None
        self._memberships(pupils, adults_in_orgs)
        return self.rows

    def _person(
        self,
        *,
        village: Village,
        household_id: int,
        relation: str,
        sex: str,
        age: int,
        family: str,
        ethnicity: str,
        parts: NameParts,
        eid2: float,
    ) -> tuple[int, datetime.date]:
        rng = self.rng
        person_id = self.ids.person
        self.ids.person += 1
        middle = (parts.male_middle if sex == "male" else parts.female_middle).pick(rng)
        given = (parts.male if sex == "male" else parts.female).pick(rng)
        full_name = f"{family} {middle} {given}"
        search_name = f"{_folded(family)} {_folded(middle)} {_folded(given)}"
        birth = _birth(rng, age)
        if ethnicity == names.KINH and rng.random() < 0.12:
            prefix = names.MIGRANT_PREFIXES[rng.randrange(len(names.MIGRANT_PREFIXES))]
        else:
            prefix = self.commune.id_prefix
        national_id = self.numbers.make(prefix, birth.year, sex)
        legacy = ""
        if birth.year < 1995 and rng.random() < 0.25:
            legacy = f"{rng.randrange(10**9):09d}"
        phone = ""
        if age >= 16 and rng.random() < 0.75:
            phone = f"0{rng.choice('35789')}{rng.randrange(10**8):08d}"
        # e-ID: most adults hold a level-2 account, few children; about a third of the level-2
        # holders have linked it to the learning platform since the movement began.
        draw = rng.random()
        linked_on = None
        if age >= 14:
            level = "2" if draw < eid2 else ("1" if draw < eid2 + 0.1 else "none")
        else:
            level = "2" if draw < 0.12 else "none"
        if level == "2" and age >= 14 and rng.random() < 0.35:
            linked_on = _day_between(rng, max(PLATFORM_LAUNCH, birth), REFERENCE_DAY).isoformat()
        # Living here since birth, or since they married or moved in.
        since = birth
        if relation in ("spouse", "parent", "sibling") or (relation == "head" and draw < 0.3):
            moved_in = birth + datetime.timedelta(days=rng.randint(18 * 365, 30 * 365))
            since = min(moved_in, REFERENCE_DAY)
        status, status_on = "living_here", since
        draw = rng.random()
        if age >= 60 and draw < 0.02:
            status, status_on = "deceased", _day_between(rng, since, REFERENCE_DAY)
        elif 18 <= age <= 40 and relation != "head" and draw < 0.03:
            status, status_on = "moved_away", _day_between(rng, since, REFERENCE_DAY)
        if status != "living_here":
            # as `person_change_status` does: the history starts at the first change, with the
            # status the person had before it (a person whose status never changed has none)
            self.rows.status_changes.append(
                (person_id, "living_here", since.isoformat(), "", self.now)
            )
            self.rows.status_changes.append(
                (person_id, status, status_on.isoformat(), "", self.now)
            )
        self.rows.persons.append(
            (
                person_id,
                national_id,
                legacy,
                full_name,
                search_name,
                birth.isoformat(),
                sex,
                ethnicity,
                village.id,
                household_id,
                relation,
                phone,
                level,
                linked_on,
                status,
                status_on.isoformat(),
                self.now,
                self.now,
            )
        )
        return person_id, birth

    def _member(
        self, person_id: int, organisation_id: int, position: str, birth: datetime.date, age: int
    ) -> None:
        """A current membership that began at `age` or in the last ten years."""
        earliest = max(birth + datetime.timedelta(days=age * 365), REFERENCE_DAY.replace(year=2015))
        start = min(_day_between(self.rng, earliest, REFERENCE_DAY), REFERENCE_DAY)
        self.rows.memberships.append(
            (person_id, organisation_id, position, start.isoformat(), None, self.now, self.now)
        )

    def _memberships(
        self,
        pupils: list[tuple[int, int, datetime.date]],
        adults: list[tuple[int, int, datetime.date]],
    ) -> None:
        rng, orgs = self.rng, self.orgs
        primary = secondary = 0
        for person_id, age, birth in pupils:
            school = orgs.primary_school if age <= 10 else orgs.secondary_school
            if school is None:
                continue
            entry_age = 6 if age <= 10 else 11
            start = datetime.date(birth.year + entry_age, *SCHOOL_START)
            start = min(max(start, birth), REFERENCE_DAY)
            self.rows.memberships.append(
                (person_id, school, "pupil", start.isoformat(), None, self.now, self.now)
            )
            if age <= 10:
                primary += 1
            else:
                secondary += 1
        if not adults:
            return
        staff = [
            (orgs.primary_school, "teacher", max(3, primary // 18)),
            (orgs.secondary_school, "teacher", max(3, secondary // 16)),
            (orgs.police, "officer", 5),
            (orgs.association, "member", 8),
        ]
        chosen: set[int] = set()
        for organisation_id, position, count in staff:
            if organisation_id is None:
                continue
            for _ in range(min(count, len(adults))):
                person_id, _age, birth = adults[rng.randrange(len(adults))]
                if person_id in chosen:
                    continue
                chosen.add(person_id)
                self._member(person_id, organisation_id, position, birth, 22)
        if orgs.provincial and orgs.provincial_rate > 0:
            pick = Weighted({(org, pos): share for org, pos, share in orgs.provincial})
            for person_id, _age, birth in adults:
                if person_id not in chosen and rng.random() < orgs.provincial_rate:
                    organisation_id, position = pick.pick(rng)
                    self._member(person_id, organisation_id, position, birth, 20)
