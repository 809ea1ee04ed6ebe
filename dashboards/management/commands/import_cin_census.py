"""python manage.py import_cin_census FILE ... [--check]: dashboards/import_command.py."""

from dashboards.import_command import ImportCommand


class Command(ImportCommand):
    kind = "cin_census"
