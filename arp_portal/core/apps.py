from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "arp_portal.core"
    label = "core"
    verbose_name = "Shared model: teams, staff, children, population"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from arp_portal.core.context_processors import synthetic_data_cache
        from arp_portal.core.models import ImportRun
        from arp_portal.core.reference_data import ensure_reference_data

        # Sent for core after contenttypes and auth have made core's permissions (they connect
        # first), and again after every flush.
        post_migrate.connect(ensure_reference_data, sender=self)

        def forget_synthetic_data(**kwargs):
            synthetic_data_cache.clear()

        post_save.connect(forget_synthetic_data, sender=ImportRun, weak=False)
        post_delete.connect(forget_synthetic_data, sender=ImportRun, weak=False)
