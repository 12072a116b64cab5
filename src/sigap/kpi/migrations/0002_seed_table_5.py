from django.db import migrations

from sigap.kpi.seed import seed_kpis


class Migration(migrations.Migration):
    dependencies = [("kpi", "0001_kpi_definitions")]

    operations = [migrations.RunPython(seed_kpis, migrations.RunPython.noop)]
