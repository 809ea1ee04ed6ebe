"""python manage.py import_cases FILE: see docs/children-dashboard.md for the layout."""

from dashboards.children.commands import ImportCommand
from dashboards.children.importers import import_cases


class Command(ImportCommand):
    help = "Import case export for the children's dashboard (all or nothing; logged)."
    kind = "cases"
    label = "case export"
    importer = staticmethod(import_cases)
