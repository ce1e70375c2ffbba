"""The digital-skills frameworks as reference data: the shipped data, `frameworks_load` (and
`hoctap learning load-frameworks`), and migration 0003 bringing a database loaded with the
first draft in line."""

from __future__ import annotations

import importlib
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.core.errors import PermissionDenied
from hoctap.learning import frameworks
from hoctap.learning.models import Competency, CompetencyArea, Course
from hoctap.learning.services import catalogue
from hoctap.learning.services.frameworks import frameworks_load

pytestmark = pytest.mark.django_db

migration_0003 = importlib.import_module(
    "hoctap.learning.migrations.0004_authoring_basic_skills_update"
)


def names(framework: str) -> dict[str, str]:
    return dict(Competency.objects.filter(area__framework=framework).values_list("code", "name"))


def test_the_shipped_data() -> None:
    """Circular 02: 6 domains, 24 competencies; Decision 757: device use (group 0) and the
    basic skills groups; codes unique and in order."""
    assert len(frameworks.LEARNER_COMPETENCY) == 6
    assert sum(len(c) for _code, _name, c in frameworks.LEARNER_COMPETENCY) == 24
    codes = [code for _a, _n, _g, skills in frameworks.BASIC_SKILLS for code, _s in skills]
    assert codes[:2] == ["0.1", "0.2"]
    assert len(codes) == len(set(codes))
    for area, _name, _group, skills in frameworks.BASIC_SKILLS:
        assert all(code.startswith(f"{area}.") for code, _s in skills)
    # the migrations loaded exactly this into the test database
    assert CompetencyArea.objects.count() == 6 + len(frameworks.BASIC_SKILLS)
    assert Competency.objects.count() == 24 + len(codes)
    assert names("tt02_2025")["4.3"] == "Bảo vệ sức khỏe và an sinh số"
    assert names("qd757_2025")["0.2"] == "Sử dụng phần mềm trên thiết bị"


def test_load_adds_what_is_missing_keeps_edits_and_is_audited_once() -> None:
    edited = Competency.objects.get(area__framework="tt02_2025", code="1.1")
    edited.name = "Tìm kiếm thông tin (tên do tỉnh đặt)"
    edited.save()
    Competency.objects.filter(area__framework="qd757_2025", code__in=["0.1", "0.2"]).delete()
    Competency.objects.filter(area__framework="tt02_2025", area__code="6").delete()
    CompetencyArea.objects.filter(framework="tt02_2025", code="6").delete()
    result = frameworks_load(actor=SYSTEM)
    assert (result.areas_added, result.competencies_added) == (1, 5)
    assert Competency.objects.get(area__framework="tt02_2025", code="1.1").name == (
        "Tìm kiếm thông tin (tên do tỉnh đặt)"
    )
    assert names("tt02_2025")["6.3"] == "Đánh giá trí tuệ nhân tạo"
    entry = AuditEntry.objects.get(action="learning.frameworks_load")
    assert entry.changes["areas_added"] == 1
    assert entry.changes["competencies_added"] == 5
    again = frameworks_load(actor=SYSTEM)
    assert (again.areas_added, again.competencies_added) == (0, 0)
    assert AuditEntry.objects.filter(action="learning.frameworks_load").count() == 1


def test_only_a_global_actor_loads_the_frameworks(world: World) -> None:
    Competency.objects.filter(code="0.1").delete()
    with pytest.raises(PermissionDenied):
        frameworks_load(actor=world.secretariat)  # the whole province, not global
    assert not Competency.objects.filter(code="0.1").exists()
    frameworks_load(actor=world.admin)
    assert Competency.objects.filter(code="0.1").exists()


def test_the_command() -> None:
    Competency.objects.filter(area__framework="qd757_2025", code="6.3").delete()
    out = io.StringIO()
    call_command("learning", "load-frameworks", stdout=out)
    assert "thêm 0 miền, 1 năng lực" in out.getvalue()
    entry = AuditEntry.objects.get(action="learning.frameworks_load")
    assert entry.actor_label == "system"
    assert entry.channel == "cli"


def _draft_state() -> None:
    """The database as the first draft of the data (0002 before the check) left it."""
    basic = "qd757_2025"
    for framework, code, draft, _corrected in migration_0003.RENAMES:
        Competency.objects.filter(area__framework=framework, code=code).update(name=draft)
    for framework, code, draft, _corrected in migration_0003.AREA_RENAMES:
        CompetencyArea.objects.filter(framework=framework, code=code).update(name=draft)
    Competency.objects.filter(
        area__framework=basic, code__in=["2.4", "2.5", "2.6", "3.2", "3.3", "3.4", "4.3", "4.4"]
    ).delete()
    Competency.objects.filter(
        area__framework=basic, code__in=["5.2", "5.3", "5.4", "6.1", "6.2", "6.3"]
    ).delete()
    draft_rows = [
        ("2", "2.4", "Quản lý danh tính số", 4),
        ("4", "4.3", "Nhận diện và phòng tránh lừa đảo trực tuyến", 3),
        ("6", "6.1", "Sử dụng công cụ trí tuệ nhân tạo một cách an toàn, có trách nhiệm", 1),
    ]
    for area_code, code, name, position in draft_rows:
        Competency.objects.create(
            area=CompetencyArea.objects.get(framework=basic, code=area_code),
            code=code,
            name=name,
            position=position,
        )


def test_migration_0003_brings_a_draft_database_in_line(world: World) -> None:
    _draft_state()
    basic = "qd757_2025"

    def skill(code: str) -> Competency:
        return Competency.objects.get(area__framework=basic, code=code)

    identity, scams, ai = skill("2.4"), skill("4.3"), skill("6.1")
    course = catalogue.course_create(
        actor=SYSTEM, code="KNS-X", title="Lừa đảo trực tuyến", owner_code="THCS-A"
    )
    other = catalogue.course_create(actor=SYSTEM, code="KNS-Y", title="AI", owner_code="THCS-A")
    course.competencies.set([identity, scams, skill("4.2")])
    other.competencies.set([ai, scams])
    # an officer had reworded one draft name: theirs stays
    Competency.objects.filter(area__framework=basic, code="5.1").update(name="Tự sửa lỗi máy")
    migration_0003.forward(apps, None)
    corrected = names(basic)
    shipped = {code: name for _a, _n, _g, s in frameworks.BASIC_SKILLS for code, name in s}
    assert corrected == {**shipped, "5.1": "Tự sửa lỗi máy"}
    assert names("tt02_2025") == {
        code: name for _a, _n, s in frameworks.LEARNER_COMPETENCY for code, name in s
    }
    assert CompetencyArea.objects.get(framework=basic, code="1").name == (
        "Kỹ năng tìm kiếm, khai thác thông tin trên môi trường Internet"
    )
    # the course links follow the meaning: identity is 2.6 now, using AI 6.2, and the scams
    # skill, which the decision does not list, handed its courses to 4.2
    assert sorted(c.code for c in Course.objects.get(pk=course.pk).competencies.all()) == [
        "2.6",
        "4.2",
    ]
    assert sorted(c.code for c in Course.objects.get(pk=other.pk).competencies.all()) == [
        "4.2",
        "6.2",
    ]
    assert skill("2.6").pk == identity.pk
    assert skill("6.2").pk == ai.pk
    assert skill("4.3").pk != scams.pk
    # positions follow the shipped order
    assert list(
        Competency.objects.filter(area__framework=basic, area__code="2")
        .order_by("position")
        .values_list("code", flat=True)
    ) == ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
    # running it again (or on a fresh database) changes nothing
    before = list(Competency.objects.order_by("pk").values())
    migration_0003.forward(apps, None)
    assert list(Competency.objects.order_by("pk").values()) == before


def test_migration_0003_leaves_a_fresh_database_alone() -> None:
    before: Any = (
        list(CompetencyArea.objects.order_by("pk").values()),
        list(Competency.objects.order_by("pk").values()),
    )
    migration_0003.forward(apps, None)
    assert (
        list(CompetencyArea.objects.order_by("pk").values()),
        list(Competency.objects.order_by("pk").values()),
    ) == before


def test_editing_the_frameworks_in_the_admin_is_audited(world: World) -> None:
    """The frameworks are reference data edited in the Django admin: a renamed area, a
    renamed competency and a deleted one each leave an audit entry."""
    from django.test import Client

    area = CompetencyArea.objects.order_by("id").first()
    assert area is not None
    first, second = list(area.competencies.order_by("id")[:2])
    client = Client()
    client.force_login(world.admin)
    prefix = "competencies"
    data: dict[str, Any] = {
        "framework": area.framework,
        "code": area.code,
        "name": "Khai thác dữ liệu và thông tin (sửa)",
        "target_group": area.target_group,
        "position": area.position,
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "2",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, competency in enumerate((first, second)):
        data.update(
            {
                f"{prefix}-{index}-id": competency.pk,
                f"{prefix}-{index}-area": area.pk,
                f"{prefix}-{index}-code": competency.code,
                f"{prefix}-{index}-name": competency.name,
                f"{prefix}-{index}-description": competency.description,
                f"{prefix}-{index}-position": competency.position,
            }
        )
    data[f"{prefix}-0-name"] = "Duyệt, tìm kiếm và lọc dữ liệu (sửa)"
    data[f"{prefix}-1-DELETE"] = "on"

    response = client.post(f"/admin/learning/competencyarea/{area.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Competency.objects.filter(pk=second.pk).exists()
    entries = {
        (e.action, e.target_id): e.changes
        for e in AuditEntry.objects.filter(actor=world.admin, action__contains="competenc")
    }
    assert entries == {
        ("competencyarea.update", str(area.pk)): {"name": "Khai thác dữ liệu và thông tin (sửa)"},
        ("competency.update", str(first.pk)): {"name": "Duyệt, tìm kiếm và lọc dữ liệu (sửa)"},
        ("competency.delete", str(second.pk)): {},
    }
