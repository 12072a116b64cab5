from django.db import migrations

from sigap.sla.seed import seed_calendars


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_business_calendars")]

    operations = [migrations.RunPython(seed_calendars, migrations.RunPython.noop)]
