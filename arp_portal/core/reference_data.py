"""Reference rows the portal cannot work without: the DfE ethnicity codes and the roles.

Migrations create them; a post_migrate handler makes sure they exist again after a database flush
(Django's TransactionTestCase flushes between tests), idempotently and without touching labels a
data manager has edited.
"""

from arp_portal.core.ethnicity import DFE_ETHNICITY_CODES


def ensure_ethnicity_codes(ethnicity_model) -> None:
    for order, (code, major_group, label) in enumerate(DFE_ETHNICITY_CODES, start=1):
        ethnicity_model.objects.update_or_create(
            code=code,
            defaults={"major_group": str(major_group), "default_label": label, "sort_order": order},
            create_defaults={
                "major_group": str(major_group),
                "label": label,
                "default_label": label,
                "sort_order": order,
            },
        )


def ensure_roles(group_model, permission_model) -> None:
    from arp_portal.core.roles import ROLE_PERMISSIONS

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = permission_model.objects.filter(
            content_type__app_label="core", codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"Missing permissions for the {role} role")
        group.permissions.set(permissions)


def ensure_reference_data(sender, **kwargs) -> None:
    """post_migrate handler (sent after migrate and after flush)."""
    from django.contrib.auth.models import Group, Permission

    from arp_portal.core.models import Ethnicity

    ensure_ethnicity_codes(Ethnicity)
    ensure_roles(Group, Permission)
