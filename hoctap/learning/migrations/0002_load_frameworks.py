"""Data: the digital-skills frameworks (Circular 02/2025/TT-BGDĐT, Decision 757/QĐ-BKHCN) as
editable reference data. Later edits are kept: this adds only what is missing."""

from django.db import migrations


def load(apps, schema_editor):
    from hoctap.learning.frameworks import framework_rows

    area_model = apps.get_model("learning", "CompetencyArea")
    competency_model = apps.get_model("learning", "Competency")
    for area_fields, competencies in framework_rows():
        area, _created = area_model.objects.get_or_create(
            framework=area_fields["framework"], code=area_fields["code"], defaults=area_fields
        )
        for fields in competencies:
            competency_model.objects.get_or_create(area=area, code=fields["code"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_catalogue_progress_classes_groups")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
