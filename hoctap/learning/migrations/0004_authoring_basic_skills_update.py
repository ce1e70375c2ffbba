"""Data: bring a database loaded with the first draft of the frameworks (0002 before the
frameworks were checked) in line with the corrected data in `hoctap/learning/frameworks.py`.

Only rows that still carry the first draft's wording are touched: a name someone edited is
theirs and stays. A skill whose code changed meaning keeps its course links where the new
meaning is the same (draft 757 `2.4` "digital identity" is now `2.6`; draft `6.1` "using AI
tools" is now `6.2`); the draft's `4.3` "spotting online scams", which the decision does not
list as a skill, hands its course links to `4.2` (protecting personal data) and is removed.
Then whatever is missing is added, as `hoctap learning load-frameworks` does. A fresh database
(0002 already loaded the corrected data) is left unchanged.
"""

from django.db import migrations

LEARNER = "tt02_2025"
BASIC = "qd757_2025"

# (framework, competency code, draft name, corrected name)
RENAMES = [
    (LEARNER, "2.2", "Chia sẻ thông qua công nghệ số",
     "Chia sẻ thông tin và nội dung thông qua công nghệ số"),
    (LEARNER, "4.3", "Bảo vệ sức khỏe và tâm lý", "Bảo vệ sức khỏe và an sinh số"),
    (LEARNER, "5.3", "Sử dụng sáng tạo thiết bị số", "Sử dụng sáng tạo công nghệ số"),
    (LEARNER, "5.4", "Xác định vấn đề cần cải thiện về năng lực số",
     "Xác định các vấn đề cần cải thiện về năng lực số"),
    (BASIC, "1.1", "Duyệt, tìm kiếm và lọc dữ liệu, thông tin và nội dung số",
     "Tìm kiếm, chọn lọc thông tin trên Internet"),
    (BASIC, "1.2", "Đánh giá dữ liệu, thông tin và nội dung số",
     "Đánh giá dữ liệu, thông tin và nội dung trên môi trường Internet"),
    (BASIC, "1.3", "Quản lý dữ liệu, thông tin và nội dung số",
     "Quản lý dữ liệu, thông tin và nội dung"),
    (BASIC, "2.2", "Chia sẻ thông qua công nghệ số",
     "Chia sẻ thông tin và nội dung thông qua công nghệ số"),
    (BASIC, "2.3", "Sử dụng dịch vụ công trực tuyến và thực hiện trách nhiệm công dân",
     "Sử dụng công nghệ số để thực hiện trách nhiệm công dân"),
    (BASIC, "5.1", "Giải quyết các vấn đề kỹ thuật đơn giản", "Giải quyết các vấn đề kỹ thuật"),
]  # fmt: skip

# (framework, area code, draft name, corrected name)
AREA_RENAMES = [
    (BASIC, "1", "Khai thác dữ liệu và thông tin",
     "Kỹ năng tìm kiếm, khai thác thông tin trên môi trường Internet"),
]  # fmt: skip

# (framework, draft code, draft name, new code, new name, new position)
RECODES = [
    (BASIC, "2.4", "Quản lý danh tính số", "2.6", "Quản lý danh tính số", 6),
    (BASIC, "6.1", "Sử dụng công cụ trí tuệ nhân tạo một cách an toàn, có trách nhiệm",
     "6.2", "Sử dụng trí tuệ nhân tạo", 2),
]  # fmt: skip

# (framework, draft code, draft name, code that takes over its course links)
RETIRED = [
    (BASIC, "4.3", "Nhận diện và phòng tránh lừa đảo trực tuyến", "4.2"),
]


def forward(apps, schema_editor):
    from hoctap.learning.frameworks import load_missing

    area_model = apps.get_model("learning", "CompetencyArea")
    competency_model = apps.get_model("learning", "Competency")
    course_model = apps.get_model("learning", "Course")
    links = course_model.competencies.through

    def competency(framework, code, name=None):
        rows = competency_model.objects.filter(area__framework=framework, code=code)
        if name is not None:
            rows = rows.filter(name=name)
        return rows.first()

    for framework, code, draft, corrected in AREA_RENAMES:
        area_model.objects.filter(framework=framework, code=code, name=draft).update(
            name=corrected
        )
    for framework, code, draft, corrected in RENAMES:
        competency_model.objects.filter(area__framework=framework, code=code, name=draft).update(
            name=corrected
        )
    for framework, code, draft, new_code, new_name, position in RECODES:
        row = competency(framework, code, draft)
        if row is not None and competency(framework, new_code) is None:
            row.code, row.name, row.position = new_code, new_name, position
            row.save(update_fields=["code", "name", "position"])
    for framework, code, draft, heir_code in RETIRED:
        row = competency(framework, code, draft)
        heir = competency(framework, heir_code)
        if row is None or heir is None:
            continue
        linked = set(links.objects.filter(competency_id=heir.pk).values_list("course_id", flat=True))
        for course_id in links.objects.filter(competency_id=row.pk).values_list(
            "course_id", flat=True
        ):
            if course_id not in linked:
                links.objects.create(course_id=course_id, competency_id=heir.pk)
        links.objects.filter(competency_id=row.pk).delete()
        row.delete()
    load_missing(area_model, competency_model)


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_certmgmt_certificate_batch")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
