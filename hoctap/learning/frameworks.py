"""The digital-skills frameworks courses map onto, as shipped reference data.

They are loaded into `CompetencyArea` / `Competency` by the data migrations and by
`services.frameworks.frameworks_load` (`hoctap learning load-frameworks`): idempotent, it adds
what is missing and leaves edited names alone. They are edited afterwards in the admin: the
official sets change, and a province may word them its own way.

- Circular 02/2025/TT-BGDĐT (24 January 2025): the digital competency framework for learners,
  6 domains, 24 competencies, 8 levels (basic 1–2, intermediate 3–4, advanced 5–6,
  specialised 7–8). Names checked against several independent transcriptions of the
  circular and of its guidance (Official Letter 3456/BGDĐT-GDPT).
- Decision 757/QĐ-BKHCN (29 April 2025): basic digital knowledge and skills ("version 1.0")
  for four groups — pupils and students; citizens; cadres, civil servants, public employees
  and workers of state bodies; workers of enterprises — and how completion of the universal
  level is assessed (Annex II). Its framework has two parts: the skills of using a device
  (group 0) and the basic digital skills. Group 0 and group 1 follow the text of the
  framework's version 1.0 (first published with Official Letter 3139/BTTTT-KTS&XHS, 2024,
  and taken over by the decision); groups 2–6 follow the six-domain structure the decision
  shares with Circular 02 (the decision stresses using AI, group 6). Only the opening of the
  annex could be read while this was written: check groups 2–6 against the annex in force
  and correct them in the admin (or here, with a data migration) where it differs.
"""

from __future__ import annotations

from typing import Any

from hoctap.learning.models import Framework, TargetGroup

# (domain code, domain name, [(competency code, competency name), ...])
LEARNER_COMPETENCY: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "1",
        "Khai thác dữ liệu và thông tin",
        [
            ("1.1", "Duyệt, tìm kiếm và lọc dữ liệu, thông tin và nội dung số"),
            ("1.2", "Đánh giá dữ liệu, thông tin và nội dung số"),
            ("1.3", "Quản lý dữ liệu, thông tin và nội dung số"),
        ],
    ),
    (
        "2",
        "Giao tiếp và hợp tác trong môi trường số",
        [
            ("2.1", "Tương tác thông qua công nghệ số"),
            ("2.2", "Chia sẻ thông tin và nội dung thông qua công nghệ số"),
            ("2.3", "Sử dụng công nghệ số để thực hiện trách nhiệm công dân"),
            ("2.4", "Hợp tác thông qua công nghệ số"),
            ("2.5", "Quy tắc ứng xử trên mạng"),
            ("2.6", "Quản lý danh tính số"),
        ],
    ),
    (
        "3",
        "Sáng tạo nội dung số",
        [
            ("3.1", "Phát triển nội dung số"),
            ("3.2", "Tích hợp và tạo lập lại nội dung số"),
            ("3.3", "Thực thi bản quyền và giấy phép"),
            ("3.4", "Lập trình"),
        ],
    ),
    (
        "4",
        "An toàn",
        [
            ("4.1", "Bảo vệ thiết bị"),
            ("4.2", "Bảo vệ dữ liệu cá nhân và quyền riêng tư"),
            ("4.3", "Bảo vệ sức khỏe và an sinh số"),
            ("4.4", "Bảo vệ môi trường"),
        ],
    ),
    (
        "5",
        "Giải quyết vấn đề",
        [
            ("5.1", "Giải quyết các vấn đề kỹ thuật"),
            ("5.2", "Xác định nhu cầu và giải pháp công nghệ"),
            ("5.3", "Sử dụng sáng tạo công nghệ số"),
            ("5.4", "Xác định các vấn đề cần cải thiện về năng lực số"),
        ],
    ),
    (
        "6",
        "Ứng dụng trí tuệ nhân tạo",
        [
            ("6.1", "Hiểu biết về trí tuệ nhân tạo"),
            ("6.2", "Sử dụng trí tuệ nhân tạo"),
            ("6.3", "Đánh giá trí tuệ nhân tạo"),
        ],
    ),
]

# (group code, group name, target group, [(skill code, skill name), ...]) — the basic digital
# knowledge and skills of Decision 757/QĐ-BKHCN. One framework for the four groups of people
# (target group ""): the decision's annexes per group share its skill groups.
BASIC_SKILLS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (
        "0",
        "Sử dụng thiết bị và phần mềm trên thiết bị",
        "",
        [
            ("0.1", "Sử dụng thiết bị"),
            ("0.2", "Sử dụng phần mềm trên thiết bị"),
        ],
    ),
    (
        "1",
        "Kỹ năng tìm kiếm, khai thác thông tin trên môi trường Internet",
        "",
        [
            ("1.1", "Tìm kiếm, chọn lọc thông tin trên Internet"),
            ("1.2", "Đánh giá dữ liệu, thông tin và nội dung trên môi trường Internet"),
            ("1.3", "Quản lý dữ liệu, thông tin và nội dung"),
        ],
    ),
    (
        "2",
        "Giao tiếp và hợp tác trong môi trường số",
        "",
        [
            ("2.1", "Tương tác thông qua công nghệ số"),
            ("2.2", "Chia sẻ thông tin và nội dung thông qua công nghệ số"),
            ("2.3", "Sử dụng công nghệ số để thực hiện trách nhiệm công dân"),
            ("2.4", "Hợp tác thông qua công nghệ số"),
            ("2.5", "Quy tắc ứng xử trên mạng"),
            ("2.6", "Quản lý danh tính số"),
        ],
    ),
    (
        "3",
        "Sáng tạo nội dung số",
        "",
        [
            ("3.1", "Phát triển nội dung số"),
            ("3.2", "Tích hợp và tạo lập lại nội dung số"),
            ("3.3", "Thực thi bản quyền và giấy phép"),
            ("3.4", "Lập trình"),
        ],
    ),
    (
        "4",
        "An toàn",
        "",
        [
            ("4.1", "Bảo vệ thiết bị"),
            ("4.2", "Bảo vệ dữ liệu cá nhân và quyền riêng tư"),
            ("4.3", "Bảo vệ sức khỏe và an sinh số"),
            ("4.4", "Bảo vệ môi trường"),
        ],
    ),
    (
        "5",
        "Giải quyết vấn đề",
        "",
        [
            ("5.1", "Giải quyết các vấn đề kỹ thuật"),
            ("5.2", "Xác định nhu cầu và giải pháp công nghệ"),
            ("5.3", "Sử dụng sáng tạo công nghệ số"),
            ("5.4", "Xác định các vấn đề cần cải thiện về năng lực số"),
        ],
    ),
    (
        "6",
        "Ứng dụng trí tuệ nhân tạo",
        "",
        [
            ("6.1", "Hiểu biết về trí tuệ nhân tạo"),
            ("6.2", "Sử dụng trí tuệ nhân tạo"),
            ("6.3", "Đánh giá trí tuệ nhân tạo"),
        ],
    ),
]


def framework_rows() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(area fields, [competency fields]) for every shipped area, in order."""
    rows: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for position, (code, name, competencies) in enumerate(LEARNER_COMPETENCY, start=1):
        rows.append(
            (
                {
                    "framework": Framework.LEARNER_COMPETENCY.value,
                    "code": code,
                    "name": name,
                    "target_group": "",
                    "position": position,
                },
                [
                    {"code": c, "name": n, "position": i}
                    for i, (c, n) in enumerate(competencies, start=1)
                ],
            )
        )
    for position, (code, name, group, skills) in enumerate(BASIC_SKILLS, start=1):
        rows.append(
            (
                {
                    "framework": Framework.BASIC_SKILLS.value,
                    "code": code,
                    "name": name,
                    "target_group": group,
                    "position": position,
                },
                [{"code": c, "name": n, "position": i} for i, (c, n) in enumerate(skills, start=1)],
            )
        )
    return rows


TARGET_GROUPS = [g.value for g in TargetGroup]


def load_missing(area_model: Any, competency_model: Any) -> tuple[int, int]:
    """Add the shipped areas and competencies that are missing (found by framework and code),
    and leave those that exist alone, however they were edited. Returns (areas added,
    competencies added). Takes the models as arguments so that data migrations can pass
    their historical ones."""
    areas_added = competencies_added = 0
    for area_fields, competencies in framework_rows():
        area, created = area_model.objects.get_or_create(
            framework=area_fields["framework"], code=area_fields["code"], defaults=area_fields
        )
        areas_added += int(created)
        existing = set(competency_model.objects.filter(area=area).values_list("code", flat=True))
        missing = [fields for fields in competencies if fields["code"] not in existing]
        competency_model.objects.bulk_create(
            competency_model(area=area, **fields) for fields in missing
        )
        competencies_added += len(missing)
    return areas_added, competencies_added
