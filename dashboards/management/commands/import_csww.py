"""python manage.py import_csww FILE ... [--check]: dashboards/import_command.py."""

from dashboards.import_command import ImportCommand


class Command(ImportCommand):
    kind = "csww"
