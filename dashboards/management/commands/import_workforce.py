"""python manage.py import_workforce FILE ... [--check]: dashboards/import_command.py."""

from dashboards.import_command import ImportCommand


class Command(ImportCommand):
    kind = "workforce_staff"
