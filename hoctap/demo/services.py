"""Demo data for a real province: its official communes, generated villages, organisations,
users and registers (clans, households, persons, their history and memberships). Deterministic:
the same seed gives the same data.

Organisations and users go through the domain services (validated and audited one by one: there
are a few hundred). Villages and registers are generated in Python and written in large batches
(`hoctap.core.bulk`): at province scale that is 2,900 villages and about 1.7 million persons,
which the services, one row and one audit entry at a time, would take hours to write.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import check_password
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from hoctap.accounts import services as accounts
from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.audit.services import audit_record
from hoctap.core import bulk
from hoctap.core.formatting import show_number
from hoctap.core.text import fold
from hoctap.demo import learning, names, population
from hoctap.demo.bulk import next_id, reset_sequences
from hoctap.demo.courses import COURSES, courses_load
from hoctap.demo.names import VILLAGE_NAMES
from hoctap.geo import services as geo
from hoctap.geo.models import (
    AdminUnit,
    Organisation,
    OrganisationKind,
    UnitClosure,
    UnitKind,
    UnitLevel,
)
from hoctap.learning.models import (
    Certificate,
    Completion,
    Course,
    Enrolment,
    EnrolmentStatus,
    LearnerAccount,
)
from hoctap.registry import word_index
from hoctap.registry.models import (
    Clan,
    Household,
    OrganisationMembership,
    Person,
    PersonStatusChange,
)

__all__ = ["SCALES", "VILLAGE_NAMES", "DemoResult", "Scale", "demo_build"]

DEMO_PASSWORD = "hoctap-demo-2026"  # noqa: S105 - printed for the demo; change it in production
ADMIN_USERNAME = "admin"

VILLAGE_KIND_BY_COMMUNE_KIND = {
    UnitKind.COMMUNE: (UnitKind.VILLAGE, "Thôn"),
    UnitKind.WARD: (UnitKind.RESIDENTIAL_GROUP, "Tổ dân phố"),
    UnitKind.SPECIAL_ZONE: (UnitKind.HAMLET, "Ấp"),
}


@dataclass(frozen=True)
class Scale:
    """How much to generate. `communes`: how many of the province's communes get villages and
    registers (None: all). Villages: `villages_per_commune` drawn in a range, or `villages` in
    all, shared by the communes' sizes. Households and clans: totals, shared the same way."""

    name: str
    communes: int | None
    households: int
    clans: int
    villages: int = 0
    villages_per_commune: tuple[int, int] | None = None
    digital_group_communes: int | None = None  # communes whose villages get a digital group


SCALES = {
    # what `make run` and the tests use: 3 communes, about 4,000 persons
    "small": Scale("small", communes=3, households=1_000, clans=30, villages_per_commune=(8, 14)),
    # the figures for province 15: ~1.7 million persons
    "province": Scale(
        "province",
        communes=None,
        households=430_000,
        clans=2_000,
        villages=2_900,
        digital_group_communes=10,
    ),
}

# Provincial bodies that take members from the whole province: (code prefix, position, staff).
PROVINCIAL_STAFF = [
    ("BCHQS", "officer", 90),
    ("BCHQS", "soldier", 260),
    ("CA", "officer", 520),
    ("SGDDT", "staff", 90),
    ("SKHCN", "staff", 60),
    ("SNV", "staff", 70),
    ("SYT", "staff", 80),
    ("HKH", "member", 15),
    ("BCD", "member", 25),
    ("DN-{p}-VNPT", "staff", 240),
    ("DN-{p}-VIETTEL", "staff", 260),
    ("DN-{p}-APATIT", "staff", 400),
]


@dataclass
class DemoResult:
    communes: int = 0
    villages: int = 0
    organisations: int = 0
    clans: int = 0
    households: int = 0
    persons: int = 0
    memberships: int = 0
    registers_skipped: bool = False
    courses: int = 0
    learner_accounts: int = 0
    enrolments: int = 0
    enrolments_completed: int = 0
    certificates: int = 0
    completions: dict[str, int] = field(default_factory=dict)  # by platform
    learning_skipped: bool = False
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, scope
    timings: list[tuple[str, float]] = field(default_factory=list)  # step, seconds


Progress = Callable[[str, float, str], None]


def _village_names(rng: random.Random, count: int) -> list[str]:
    names_ = rng.sample(VILLAGE_NAMES, k=min(count, len(VILLAGE_NAMES)))
    while len(names_) < count:
        names_.append(f"{rng.choice(VILLAGE_NAMES)} {len(names_) + 1}")
    return names_


def _shares(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), summing exactly."""
    if not weights:
        return []
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _org(
    code: str, name: str, kind: str, unit: AdminUnit, parent: str | None = None
) -> Organisation:
    existing = Organisation.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return geo.organisation_create(
        actor=SYSTEM, code=code, name=name, kind=kind, unit_code=unit.code, parent_code=parent
    )


def _user(result: DemoResult, username: str, full_name: str, role: str, **scope: str) -> None:
    if not User.objects.filter(username=username).exists():
        accounts.user_create(
            actor=SYSTEM,
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            full_name=full_name,
            **scope,
        )
    result.users.append(
        (username, role, scope.get("unit_code") or scope.get("organisation_code", ""))
    )


@dataclass(frozen=True)
class _CommunePlan:
    unit: AdminUnit
    profile: str
    weight: float


def _plans(communes: list[AdminUnit], seed: int) -> list[_CommunePlan]:
    """Each commune's kind (town, lowland, upland) and size, from its own generator: wards are
    towns and larger; the rest lowland or upland."""
    plans = []
    for commune in communes:
        rng = random.Random(f"{seed}:{commune.code}:plan")  # noqa: S311 - demo data
        if commune.kind == UnitKind.WARD:
            profile, size = "town", 1.6
        else:
            profile, size = ("upland" if rng.random() < 0.45 else "lowland"), 1.0
        plans.append(_CommunePlan(commune, profile, size * rng.lognormvariate(0, 0.35)))
    return plans


def _villages_bulk(
    plans: list[_CommunePlan], scale: Scale, rng: random.Random, province: AdminUnit
) -> int:
    """Villages for the communes that have none yet, in one bulk insert with their closure rows
    (the same rows `village_create` writes: codes `<commune>-NNN`, kind by the commune's kind)."""
    if scale.villages_per_commune is not None:
        counts = [rng.randint(*scale.villages_per_commune) for _ in plans]
    else:
        counts = [max(3, n) for n in _shares(scale.villages, [p.weight**0.7 for p in plans])]
    filled = set(
        AdminUnit.objects.filter(parent__in=[p.unit for p in plans]).values_list(
            "parent_id", flat=True
        )
    )
    rows: list[AdminUnit] = []
    for plan, count in zip(plans, counts, strict=True):
        if plan.unit.id in filled:
            continue
        kind, prefix = VILLAGE_KIND_BY_COMMUNE_KIND[UnitKind(plan.unit.kind)]
        for number, name in enumerate(_village_names(rng, count), start=1):
            rows.append(
                AdminUnit(
                    code=f"{plan.unit.code}-{number:03d}",
                    name=f"{prefix} {name}",
                    search_name=fold(f"{prefix} {name}"),
                    kind=kind,
                    level=UnitLevel.VILLAGE,
                    parent=plan.unit,
                    valid_from=geo.OFFICIAL_VALID_FROM,
                )
            )
    AdminUnit.objects.bulk_create(rows, batch_size=1000)
    # Closure: the village itself, its commune and the province.
    created = AdminUnit.objects.filter(code__in=[r.code for r in rows]).values_list(
        "id", "parent_id"
    )
    UnitClosure.objects.bulk_create(
        (
            UnitClosure(ancestor_id=ancestor, descendant_id=village, depth=depth)
            for village, commune in created
            for ancestor, depth in ((village, 0), (commune, 1), (province.id, 2))
        ),
        batch_size=3000,
    )
    return len(rows)


def _organisations(province: AdminUnit, chosen: list[AdminUnit], scale: Scale) -> None:
    p, name = province.code, province.name
    for code, title, kind in [
        (
            f"SGDDT-{p}",
            f"Sở Giáo dục và Đào tạo tỉnh {name}",
            OrganisationKind.PROVINCIAL_DEPARTMENT,
        ),
        (f"BCHQS-{p}", f"Bộ Chỉ huy Quân sự tỉnh {name}", OrganisationKind.MILITARY_COMMAND),
        (f"CA-{p}", f"Công an tỉnh {name}", OrganisationKind.POLICE),
        (
            f"SKHCN-{p}",
            f"Sở Khoa học và Công nghệ tỉnh {name}",
            OrganisationKind.PROVINCIAL_DEPARTMENT,
        ),
        (f"SNV-{p}", f"Sở Nội vụ tỉnh {name}", OrganisationKind.PROVINCIAL_DEPARTMENT),
        (f"SYT-{p}", f"Sở Y tế tỉnh {name}", OrganisationKind.PROVINCIAL_DEPARTMENT),
        (f"HKH-{p}", f"Hội Khuyến học tỉnh {name}", OrganisationKind.ASSOCIATION_BODY),
        (
            f"BCD-{p}",
            f"Ban Chỉ đạo phong trào Bình dân học vụ số tỉnh {name}",
            OrganisationKind.STEERING_BODY,
        ),
        (f"DN-{p}-VNPT", f"VNPT {name}", OrganisationKind.ENTERPRISE),
        (f"DN-{p}-VIETTEL", f"Viettel {name}", OrganisationKind.ENTERPRISE),
        (f"DN-{p}-APATIT", f"Công ty Apatit {name}", OrganisationKind.ENTERPRISE),
    ]:
        _org(code, title, kind, province)
    for index, commune in enumerate(chosen):
        c = commune.code
        short = commune.name.split(" ", 1)[-1]
        _org(f"THCS-{c}", f"Trường THCS {short}", OrganisationKind.SCHOOL, commune, f"SGDDT-{p}")
        _org(f"TH-{c}", f"Trường Tiểu học {short}", OrganisationKind.SCHOOL, commune, f"SGDDT-{p}")
        _org(
            f"HKH-{c}",
            f"Hội Khuyến học {commune.name}",
            OrganisationKind.ASSOCIATION_BODY,
            commune,
            parent=f"HKH-{p}",
        )
        _org(f"CAX-{c}", f"Công an {commune.name}", OrganisationKind.POLICE, commune, f"CA-{p}")
        if scale.digital_group_communes is None or index < scale.digital_group_communes:
            for village in AdminUnit.objects.filter(parent=commune).order_by("code"):
                _org(
                    f"CNS-{village.code}",
                    f"Tổ công nghệ số cộng đồng {village.name}",
                    OrganisationKind.DIGITAL_TECH_GROUP,
                    village,
                )


def _registers(
    *,
    province: AdminUnit,
    plans: list[_CommunePlan],
    scale: Scale,
    seed: int,
    progress: Progress,
) -> dict[str, int]:
    """Clans, households, persons, status history and memberships of the chosen communes,
    written commune by commune (memory holds one commune's rows at a time)."""
    households_by_commune = _shares(scale.households, [p.weight for p in plans])
    clans_by_commune = _shares(scale.clans, [p.weight for p in plans])
    org_ids = dict(
        Organisation.objects.filter(unit__parent__parent=province).values_list("unit_id", "id")
    )
    org_codes = dict(
        Organisation.objects.filter(Q(unit=province) | Q(unit__parent=province)).values_list(
            "code", "id"
        )
    )
    provincial = []
    for code, position, staff in PROVINCIAL_STAFF:
        full = code.format(p=province.code) if "{p}" in code else f"{code}-{province.code}"
        if full in org_codes:
            provincial.append((org_codes[full], position, float(staff)))
    working_adults = scale.households * 2.0  # about two persons of 22-58 per household
    rate = min(0.05, sum(s for _o, _p, s in provincial) / working_adults)
    taken: set[str] = set()
    if Person.objects.exists():  # numbers of persons registered elsewhere stay theirs
        taken = set(Person.objects.values_list("national_id", flat=True))
    numbers = population.NationalIds(seed, taken)
    ids = population.Ids(clan=next_id(Clan), household=next_id(Household), person=next_id(Person))
    now = bulk.stored_now()
    totals = dict.fromkeys(("clans", "households", "persons", "status_changes", "memberships"), 0)
    representatives: list[tuple[int, int]] = []
    generate_seconds = write_seconds = 0.0
    bulk.check_constraints_at_once()
    # On SQLite the word index of the names is filled once at the end, not row by row.
    with word_index.bulk_insert(connection, from_id=ids.person):
        for plan, households, clans in zip(
            plans, households_by_commune, clans_by_commune, strict=True
        ):
            started = time.perf_counter()
            commune = plan.unit
            villages = list(
                AdminUnit.objects.filter(parent=commune, level=UnitLevel.VILLAGE)
                .order_by("code")
                .values_list("id", "code", "name")
            )
            if not villages:
                continue
            rng = random.Random(f"{seed}:{commune.code}")  # noqa: S311 - demo data
            village_weights = [rng.uniform(0.6, 1.4) for _ in villages]
            orgs = population.Organisations(
                primary_school=org_codes.get(f"TH-{commune.code}"),
                secondary_school=org_codes.get(f"THCS-{commune.code}"),
                police=org_codes.get(f"CAX-{commune.code}"),
                association=org_codes.get(f"HKH-{commune.code}"),
                digital_groups={v[0]: org_ids[v[0]] for v in villages if v[0] in org_ids},
                provincial=provincial,
                provincial_rate=rate,
            )
            rows = population.CommuneGenerator(
                rng=rng,
                commune=population.Commune(
                    id=commune.id,
                    code=commune.code,
                    name=commune.name,
                    profile=plan.profile,
                    # communes of the old Yên Bái province have codes from 04000 on
                    id_prefix=(
                        names.HOME_PREFIX_YEN_BAI
                        if commune.code >= "04000"
                        else names.HOME_PREFIX_LAO_CAI
                    ),
                ),
                villages=[population.Village(*v) for v in villages],
                households_by_village=_shares(households, village_weights),
                clans=clans,
                organisations=orgs,
                ids=ids,
                numbers=numbers,
                now=now,
            ).generate()
            generated = time.perf_counter()
            # Parents first: foreign keys are checked row by row (see check_constraints_at_once).
            representatives += [(row[5], row[0]) for row in rows.clans if row[5] is not None]
            clan_rows = [(*row[:5], None, *row[6:]) for row in rows.clans]
            totals["clans"] += bulk.bulk_insert(Clan, CLAN_FIELDS, clan_rows)
            totals["households"] += bulk.bulk_insert(Household, HOUSEHOLD_FIELDS, rows.households)
            totals["persons"] += bulk.bulk_insert(Person, PERSON_FIELDS, rows.persons)
            totals["status_changes"] += bulk.bulk_insert(
                PersonStatusChange, STATUS_FIELDS, rows.status_changes
            )
            totals["memberships"] += bulk.bulk_insert(
                OrganisationMembership, MEMBERSHIP_FIELDS, rows.memberships
            )
            generate_seconds += generated - started
            write_seconds += time.perf_counter() - generated
        words_from = time.perf_counter()
    write_seconds += time.perf_counter() - words_from  # the word index filled at once
    started = time.perf_counter()
    bulk.bulk_update(Clan, ("representative",), representatives)  # (person id, clan id)
    reset_sequences([Clan, Household, Person])
    write_seconds += time.perf_counter() - started
    progress(_("generate register rows (Python)"), generate_seconds, "")
    progress(
        _("write register rows"),
        write_seconds,
        _(
            "%(persons)s persons, %(households)s households, %(clans)s clans, "
            "%(status_changes)s status rows, %(memberships)s memberships"
        )
        % {name: show_number(count) for name, count in totals.items()},
    )
    return totals


CLAN_FIELDS = [
    "id",
    "code",
    "name",
    "search_name",
    "commune",
    "representative",
    "created_at",
    "updated_at",
]
HOUSEHOLD_FIELDS = [
    "id",
    "code",
    "village",
    "address",
    "poverty_status",
    "poverty_year",
    "clan",
    "created_at",
    "updated_at",
]
PERSON_FIELDS = [
    "id",
    "national_id",
    "legacy_id_card",
    "full_name",
    "search_name",
    "birth_date",
    "sex",
    "ethnicity",
    "village",
    "household",
    "relation_to_head",
    "phone",
    "eid_level",
    "eid_linked_on",
    "status",
    "status_since",
    "created_at",
    "updated_at",
]
STATUS_FIELDS = ["person", "status", "on", "note", "created_at"]
MEMBERSHIP_FIELDS = [
    "person",
    "organisation",
    "position",
    "start_date",
    "end_date",
    "created_at",
    "updated_at",
]


def _created(count: int) -> str:
    return _("%(count)s created") % {"count": show_number(count)}


def demo_build(
    *,
    province_code: str,
    scale: str | Scale = "small",
    seed: int = 2026,
    progress: Progress | None = None,
) -> DemoResult:
    """Load the demo; a second run adds nothing (villages, organisations, users and registers
    that exist are kept)."""
    spec = SCALES[scale] if isinstance(scale, str) else scale
    result = DemoResult()

    def step(name: str, seconds: float, note: str = "") -> None:
        result.timings.append((name, seconds))
        if progress is not None:
            progress(name, seconds, note)

    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    started = time.perf_counter()
    loaded = geo.units_load_official(actor=SYSTEM, province_code=province_code)
    step(_("official units"), time.perf_counter() - started, _created(loaded.created))
    province = AdminUnit.objects.get(code=f"{int(province_code):02d}")
    communes = list(
        AdminUnit.objects.filter(parent=province, level=UnitLevel.COMMUNE).order_by("code")
    )
    result.communes = len(communes)
    chosen = communes if spec.communes is None else communes[: spec.communes]
    plans = _plans(chosen, seed)

    with transaction.atomic():
        started = time.perf_counter()
        created_villages = _villages_bulk(plans, spec, rng, province)
        step(_("villages"), time.perf_counter() - started, _created(created_villages))

        started = time.perf_counter()
        _organisations(province, chosen, spec)
        step(_("organisations (services)"), time.perf_counter() - started)

        started = time.perf_counter()
        _user(
            result,
            "secretariat",
            "Nguyễn Thị Thu Hà",
            Role.PROVINCE_SECRETARIAT,
            unit_code=province.code,
        )
        if chosen:
            _user(result, "commune1", "Hoàng Văn Sùng", Role.UNIT_OFFICER, unit_code=chosen[0].code)
        if len(chosen) > 1:
            _user(result, "commune2", "Lò Thị Mai", Role.UNIT_OFFICER, unit_code=chosen[1].code)
        _user(
            result,
            "education",
            "Trần Minh Đức",
            Role.ORG_OFFICER,
            organisation_code=f"SGDDT-{province.code}",
        )
        _user(result, "inspector", "Phạm Quốc Bảo", Role.INSPECTOR, unit_code=province.code)
        _user(result, "viewer", "Vàng A Dình", Role.VIEWER, unit_code=province.code)
        step(_("users (services)"), time.perf_counter() - started)

        totals: dict[str, int] = {}
        if Person.objects.filter(village__parent__parent=province).exists():
            result.registers_skipped = True  # never a second population over the first
        else:
            totals = _registers(
                province=province,
                plans=plans,
                scale=spec,
                seed=seed,
                progress=step,
            )
        if created_villages or totals:
            # ONE audit entry for the whole bulk load, with its counts, not one per row: the
            # log is for what people did, and 1.7 million generated rows would drown it (and
            # double the load's time). Organisations and users above are audited one by one.
            audit_record(
                actor=SYSTEM,
                action="demo.load",
                target=province,
                changes={"scale": spec.name, "seed": seed, "villages": created_villages, **totals},
                unit_id=province.id,
            )

        started = time.perf_counter()
        created_courses = courses_load(province_code=province.code)
        step(_("courses (services)"), time.perf_counter() - started, _created(created_courses))
        learned = False
        if learning.learning_loaded(province):
            result.learning_skipped = True  # never a second set of learning records
        else:
            learned = _learning(province=province, plans=plans, spec=spec, seed=seed, step=step)
    if (totals or learned) and not transaction.get_connection().in_atomic_block:
        started = time.perf_counter()
        # VACUUM ANALYZE on PostgreSQL (outside a transaction, as here): statistics, and pages
        # marked all-visible so that a search can read an index alone
        tables = [AdminUnit, Clan, Household, Person, PersonStatusChange, OrganisationMembership]
        for model in [*(tables if totals else []), *(learning.LEARNING_MODELS if learned else [])]:
            bulk.vacuum_analyze(model)
        step(_("analyze (planner statistics)"), time.perf_counter() - started)

    village_q = AdminUnit.objects.filter(level=UnitLevel.VILLAGE, parent__parent=province)
    result.villages = village_q.count()
    result.organisations = (
        Organisation.objects.filter(unit__in=[province, *communes]).count()
        + Organisation.objects.filter(unit__parent__in=communes).count()
    )
    in_province = {"village__parent__parent": province}
    result.households = Household.objects.filter(**in_province).count()
    result.persons = Person.objects.filter(**in_province).count()
    result.clans = Clan.objects.filter(commune__parent=province).count()
    result.memberships = OrganisationMembership.objects.filter(
        person__village__parent__parent=province
    ).count()
    _learning_counts(result, province)
    return result


def _learning(
    *, province: AdminUnit, plans: list[_CommunePlan], spec: Scale, seed: int, step: Progress
) -> bool:
    """Learning records over the registers, with one summary audit entry; whether there were
    any (none without registers)."""
    totals = learning.learning_build(
        province=province,
        communes=[
            learning.CommunePlan(p.unit.id, p.unit.code, p.unit.name, p.profile) for p in plans
        ],
        seed=seed,
        password=DEMO_PASSWORD,
        progress=step,
    )
    if not (totals.accounts or totals.completions):
        return False
    # ONE audit entry for the generated learning records, as for the registers (the courses
    # above went through the catalogue services, audited one by one)
    audit_record(
        actor=SYSTEM,
        action="demo.load_learning",
        target=province,
        changes={"scale": spec.name, "seed": seed, **totals.as_changes()},
        unit_id=province.id,
    )
    return True


def _learning_counts(result: DemoResult, province: AdminUnit) -> None:
    in_province = {"person__village__parent__parent": province}
    result.courses = Course.objects.filter(code__in=[c.code for c in COURSES]).count()
    result.learner_accounts = LearnerAccount.objects.filter(**in_province).count()
    enrolments = Enrolment.objects.filter(**in_province)
    result.enrolments = enrolments.count()
    result.enrolments_completed = enrolments.filter(status=EnrolmentStatus.COMPLETED).count()
    result.certificates = Certificate.objects.filter(
        completion__person__village__parent__parent=province
    ).count()
    result.completions = dict(
        Completion.objects.filter(**in_province)
        .values("platform")
        .annotate(n=Count("id"))
        .order_by("platform")
        .values_list("platform", "n")
    )


def demo_instructor_login(province_code: str) -> str | None:
    """`<ID number> / <password>` of the lead instructor of the demo's running class (a
    community digital group's leader), while they keep the demo password."""
    province = AdminUnit.objects.filter(code=f"{int(province_code):02d}").first()
    account = learning.showcase_instructor(province) if province is not None else None
    if account is None or not check_password(DEMO_PASSWORD, account.user.password):
        return None
    return f"{account.person.national_id} / {DEMO_PASSWORD}"


def demo_learner_login(province_code: str) -> str | None:
    """`<ID number> / <password>` of the demo's named learner (a resident of the first
    commune with a certificate and a course in progress), while they keep the demo password."""
    province = AdminUnit.objects.filter(code=f"{int(province_code):02d}").first()
    if province is None:
        return None
    account = learning.showcase_learner(province)
    # `check_password` of the hashers, not the user's: no re-hash written by a read
    if account is None or not check_password(DEMO_PASSWORD, account.user.password):
        return None
    return f"{account.person.national_id} / {DEMO_PASSWORD}"


def demo_admin_ensure() -> tuple[Any, bool]:
    return accounts.superuser_ensure(
        username=ADMIN_USERNAME, password=DEMO_PASSWORD, full_name="Quản trị hệ thống"
    )


def demo_admin_login() -> str | None:
    """`admin / <password>` while the demo administrator still has the demo password."""
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None or not admin.check_password(DEMO_PASSWORD):
        return None
    return f"{ADMIN_USERNAME} / {DEMO_PASSWORD}"
