"""python manage.py import_ssda903 FILE ... [--check]: dashboards/import_command.py."""

from dashboards.import_command import ImportCommand


class Command(ImportCommand):
    kind = "ssda903"
