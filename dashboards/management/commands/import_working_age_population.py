"""python manage.py import_working_age_population FILE [--check]: see import_command.py."""

from dashboards.import_command import ImportCommand


class Command(ImportCommand):
    kind = "working_age_population"
