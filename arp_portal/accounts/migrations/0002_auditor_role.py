"""Adds the Auditor role and gives data managers the practice-audit permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from arp_portal.core.reference_data import ensure_roles


def add_auditor_role(apps, schema_editor):
    # The new permissions are made after all migrations; make them now so groups can hold them.
    core = apps.get_app_config("core")
    core.models_module = True
    create_permissions(core, apps=apps, verbosity=0)
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_auditor_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="Auditor").delete()
    Permission = apps.get_model("auth", "Permission")
    audit_permissions = Permission.objects.filter(
        content_type__app_label="core", codename__in=["manage_audits", "conduct_audits"]
    )
    for group in Group.objects.all():
        group.permissions.remove(*audit_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("core", "0010_audit_permissions"),
    ]

    operations = [migrations.RunPython(add_auditor_role, remove_auditor_role)]
