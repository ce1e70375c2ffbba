"""The digital-skills frameworks courses map onto, as shipped reference data.

They are loaded into `CompetencyArea` / `Competency` by a data migration and by
`frameworks_load` (idempotent: it adds what is missing and leaves edited names alone), and are
edited afterwards in the admin: the official sets change, and a province may word them its own
way. The texts follow the official documents; check them against the documents in force.

- Circular 02/2025/TT-BGDĐT (24 January 2025): the digital competency framework for learners,
  6 domains, 24 competencies, 8 levels (basic 1–2, intermediate 3–4, advanced 5–6,
  specialised 7–8).
- Decision 757/QĐ-BKHCN (29 April 2025): basic digital knowledge and skills, and how
  completion of the universal level is assessed, for four groups of people.
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
            ("2.2", "Chia sẻ thông qua công nghệ số"),
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
            ("4.3", "Bảo vệ sức khỏe và tâm lý"),
            ("4.4", "Bảo vệ môi trường"),
        ],
    ),
    (
        "5",
        "Giải quyết vấn đề",
        [
            ("5.1", "Giải quyết các vấn đề kỹ thuật"),
            ("5.2", "Xác định nhu cầu và giải pháp công nghệ"),
            ("5.3", "Sử dụng sáng tạo thiết bị số"),
            ("5.4", "Xác định vấn đề cần cải thiện về năng lực số"),
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

# (group code, group name, target group, [(skill code, skill name), ...]) — the basic
# knowledge and skills of Decision 757/QĐ-BKHCN. The decision applies one framework to four
# groups of people; the groups below are its skill groups, kept once per target group where
# the decision's annex differs by group.
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
        "Khai thác dữ liệu và thông tin",
        "",
        [
            ("1.1", "Duyệt, tìm kiếm và lọc dữ liệu, thông tin và nội dung số"),
            ("1.2", "Đánh giá dữ liệu, thông tin và nội dung số"),
            ("1.3", "Quản lý dữ liệu, thông tin và nội dung số"),
        ],
    ),
    (
        "2",
        "Giao tiếp và hợp tác trong môi trường số",
        "",
        [
            ("2.1", "Tương tác thông qua công nghệ số"),
            ("2.2", "Chia sẻ thông qua công nghệ số"),
            ("2.3", "Sử dụng dịch vụ công trực tuyến và thực hiện trách nhiệm công dân"),
            ("2.4", "Quản lý danh tính số"),
        ],
    ),
    (
        "3",
        "Sáng tạo nội dung số",
        "",
        [
            ("3.1", "Phát triển nội dung số"),
        ],
    ),
    (
        "4",
        "An toàn",
        "",
        [
            ("4.1", "Bảo vệ thiết bị"),
            ("4.2", "Bảo vệ dữ liệu cá nhân và quyền riêng tư"),
            ("4.3", "Nhận diện và phòng tránh lừa đảo trực tuyến"),
        ],
    ),
    (
        "5",
        "Giải quyết vấn đề",
        "",
        [
            ("5.1", "Giải quyết các vấn đề kỹ thuật đơn giản"),
        ],
    ),
    (
        "6",
        "Ứng dụng trí tuệ nhân tạo",
        "",
        [
            ("6.1", "Sử dụng công cụ trí tuệ nhân tạo một cách an toàn, có trách nhiệm"),
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
