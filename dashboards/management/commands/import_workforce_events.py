"""python manage.py import_workforce_events FILE ... [--check]: dashboards/import_command.py."""

from dashboards.import_command import ImportCommand


class Command(ImportCommand):
    kind = "workforce_events"
