from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "arp_portal.core"
    label = "core"
    verbose_name = "Shared model: teams, staff, children, population"
