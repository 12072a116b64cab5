from django.db import migrations

from sigap.sla.seed import seed_policies


class Migration(migrations.Migration):
    dependencies = [("sla", "0005_slapolicy_slabreach")]

    operations = [migrations.RunPython(seed_policies, migrations.RunPython.noop)]
