"""Demo data for a real province: its official communes, generated villages, organisations and
users. Deterministic: the same seed gives the same data. Later issues add registers, learning...

Everything is written through the domain services (so it is validated and audited) except the
bulk of villages at province scale, which goes through the same code path in batches.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from hoctap.accounts import services as accounts
from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.geo import services as geo
from hoctap.geo.models import AdminUnit, Organisation, OrganisationKind, UnitKind, UnitLevel

DEMO_PASSWORD = "hoctap-demo-2026"  # noqa: S105 - printed for the demo; change it in production
ADMIN_USERNAME = "admin"

VILLAGE_NAMES = [
    "Nà Lũng",
    "Cốc Ly",
    "Bản Phố",
    "Na Hối",
    "Sín Chéng",
    "Lùng Phình",
    "Tả Van",
    "Lao Chải",
    "Hầu Thào",
    "Sa Pả",
    "Bản Hồ",
    "Thanh Phú",
    "Nậm Cang",
    "Tả Phìn",
    "Trung Chải",
    "Suối Thầu",
    "Bản Khoang",
    "Mường Hum",
    "Dền Sáng",
    "Y Tý",
    "A Lù",
    "Ngải Thầu",
    "Bản Vược",
    "Cốc San",
    "Phìn Ngan",
    "Pa Cheo",
    "Quang Kim",
    "Bản Qua",
    "Tòng Sành",
    "Mường Vi",
    "Nậm Chạc",
    "Trịnh Tường",
]
VILLAGE_KIND_BY_COMMUNE_KIND = {
    UnitKind.COMMUNE: (UnitKind.VILLAGE, "Thôn"),
    UnitKind.WARD: (UnitKind.RESIDENTIAL_GROUP, "Tổ dân phố"),
    UnitKind.SPECIAL_ZONE: (UnitKind.HAMLET, "Ấp"),
}


@dataclass
class DemoResult:
    communes: int = 0
    villages: int = 0
    organisations: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, scope


def _village_names(rng: random.Random, count: int) -> list[str]:
    names = rng.sample(VILLAGE_NAMES, k=min(count, len(VILLAGE_NAMES)))
    while len(names) < count:
        names.append(f"{rng.choice(VILLAGE_NAMES)} {len(names) + 1}")
    return names


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


def demo_build(*, province_code: str, scale: str = "small", seed: int = 2026) -> DemoResult:
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    result = DemoResult()
    geo.units_load_official(actor=SYSTEM, province_code=province_code)
    province = AdminUnit.objects.get(code=f"{int(province_code):02d}")
    communes = list(
        AdminUnit.objects.filter(parent=province, level=UnitLevel.COMMUNE).order_by("code")
    )
    result.communes = len(communes)
    # small: a few communes get villages; province: every commune (about 29 villages each).
    chosen = communes[:3] if scale == "small" else communes
    per_commune = (8, 14) if scale == "small" else (22, 36)
    with transaction.atomic():
        for commune in chosen:
            if AdminUnit.objects.filter(parent=commune).exists():
                continue
            kind, prefix = VILLAGE_KIND_BY_COMMUNE_KIND[UnitKind(commune.kind)]
            for name in _village_names(rng, rng.randint(*per_commune)):
                geo.village_create(
                    actor=SYSTEM,
                    parent_code=commune.code,
                    name=f"{prefix} {name}",
                    kind=kind,
                    valid_from=geo.OFFICIAL_VALID_FROM,
                )
    result.villages = AdminUnit.objects.filter(
        level=UnitLevel.VILLAGE, parent__parent=province
    ).count()

    p = province.code
    with transaction.atomic():
        _org(
            f"SGDDT-{p}",
            f"Sở Giáo dục và Đào tạo tỉnh {province.name}",
            OrganisationKind.PROVINCIAL_DEPARTMENT,
            province,
        )
        _org(
            f"BCHQS-{p}",
            f"Bộ Chỉ huy Quân sự tỉnh {province.name}",
            OrganisationKind.MILITARY_COMMAND,
            province,
        )
        _org(f"CA-{p}", f"Công an tỉnh {province.name}", OrganisationKind.POLICE, province)
        _org(
            f"SKHCN-{p}",
            f"Sở Khoa học và Công nghệ tỉnh {province.name}",
            OrganisationKind.PROVINCIAL_DEPARTMENT,
            province,
        )
        _org(
            f"SNV-{p}",
            f"Sở Nội vụ tỉnh {province.name}",
            OrganisationKind.PROVINCIAL_DEPARTMENT,
            province,
        )
        _org(
            f"HKH-{p}",
            f"Hội Khuyến học tỉnh {province.name}",
            OrganisationKind.ASSOCIATION_BODY,
            province,
        )
        _org(
            f"BCD-{p}",
            f"Ban Chỉ đạo phong trào Bình dân học vụ số tỉnh {province.name}",
            OrganisationKind.STEERING_BODY,
            province,
        )
        _org(f"DN-{p}-VNPT", f"VNPT {province.name}", OrganisationKind.ENTERPRISE, province)
        for index, commune in enumerate(chosen):
            c = commune.code
            short = commune.name.split(" ", 1)[-1]
            _org(
                f"THCS-{c}",
                f"Trường THCS {short}",
                OrganisationKind.SCHOOL,
                commune,
                parent=f"SGDDT-{p}",
            )
            _org(
                f"TH-{c}",
                f"Trường Tiểu học {short}",
                OrganisationKind.SCHOOL,
                commune,
                parent=f"SGDDT-{p}",
            )
            _org(
                f"HKH-{c}",
                f"Hội Khuyến học {commune.name}",
                OrganisationKind.ASSOCIATION_BODY,
                commune,
                parent=f"HKH-{p}",
            )
            _org(
                f"CAX-{c}",
                f"Công an {commune.name}",
                OrganisationKind.POLICE,
                commune,
                parent=f"CA-{p}",
            )
            if scale == "small" or index < 10:
                for village in AdminUnit.objects.filter(parent=commune).order_by("code"):
                    _org(
                        f"CNS-{village.code}",
                        f"Tổ công nghệ số cộng đồng {village.name}",
                        OrganisationKind.DIGITAL_TECH_GROUP,
                        village,
                        parent=None,
                    )
    result.organisations = Organisation.objects.filter(unit__in=[province, *communes]).count() + (
        Organisation.objects.filter(unit__parent__in=communes).count()
    )

    with transaction.atomic():
        _user(result, "secretariat", "Nguyễn Thị Thu Hà", Role.PROVINCE_SECRETARIAT, unit_code=p)
        if chosen:
            _user(result, "commune1", "Hoàng Văn Sùng", Role.UNIT_OFFICER, unit_code=chosen[0].code)
        if len(chosen) > 1:
            _user(result, "commune2", "Lò Thị Mai", Role.UNIT_OFFICER, unit_code=chosen[1].code)
        _user(
            result, "education", "Trần Minh Đức", Role.ORG_OFFICER, organisation_code=f"SGDDT-{p}"
        )
        _user(result, "inspector", "Phạm Quốc Bảo", Role.INSPECTOR, unit_code=p)
        _user(result, "viewer", "Vàng A Dình", Role.VIEWER, unit_code=p)
    return result


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
