from django.db import migrations

from sigap.sla.services import seed_matrix


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed_matrix, migrations.RunPython.noop)]
