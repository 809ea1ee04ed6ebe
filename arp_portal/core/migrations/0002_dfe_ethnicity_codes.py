from django.db import migrations

from arp_portal.core.reference_data import ensure_ethnicity_codes


def add_codes(apps, schema_editor):
    ensure_ethnicity_codes(apps.get_model("core", "Ethnicity"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(add_codes, migrations.RunPython.noop)]
