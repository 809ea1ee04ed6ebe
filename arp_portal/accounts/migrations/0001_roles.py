"""Creates the three roles as auth groups with the portal's permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from arp_portal.core.roles import ROLE_PERMISSIONS
from arp_portal.core.reference_data import ensure_roles


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make core's now so groups can hold them.
    core = apps.get_app_config("core")
    core.models_module = True
    create_permissions(core, apps=apps, verbosity=0)

    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_dfe_ethnicity_codes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
