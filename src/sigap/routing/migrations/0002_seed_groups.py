from django.db import migrations

from sigap.routing.seed import seed_groups


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]
    operations = [migrations.RunPython(seed_groups, migrations.RunPython.noop)]
