from django.db import migrations

from sigap.tickets.seed import seed_categories


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0015_resolution_working_time"),
        ("routing", "0002_seed_groups"),
    ]

    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]
