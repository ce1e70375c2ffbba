
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0001_initial'),
        ('registry', '0002_person_village_served_by_the_village_status_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='person',
            name='registry_person_search_idx',
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['search_name', 'national_id', 'village', 'id'], name='registry_person_name_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['village', 'search_name'], name='registry_person_vname_idx'),
        ),
    ]
