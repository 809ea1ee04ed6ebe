from django.db import migrations

from arp_portal.core.ethnicity import DFE_ETHNICITY_CODES


def add_codes(apps, schema_editor):
    Ethnicity = apps.get_model("core", "Ethnicity")
    for order, (code, major_group, label) in enumerate(DFE_ETHNICITY_CODES, start=1):
        Ethnicity.objects.update_or_create(
            code=code,
            defaults={
                "major_group": str(major_group),
                "default_label": label,
                "sort_order": order,
            },
            create_defaults={
                "major_group": str(major_group),
                "label": label,
                "default_label": label,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(add_codes, migrations.RunPython.noop)]
