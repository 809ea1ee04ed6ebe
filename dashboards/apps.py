from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self):
        from arp_portal.core.measures import register_provider
        from dashboards.measure_providers import (
            audit_measure,
            children_measure,
            front_door_measure,
            workforce_measure,
        )

        register_provider("children", children_measure, label="Children's disproportionality")
        register_provider("workforce", workforce_measure, label="Workforce equality")
        register_provider("audit", audit_measure, label="Practice audits")
        register_provider("front_door", front_door_measure, label="Front door")
