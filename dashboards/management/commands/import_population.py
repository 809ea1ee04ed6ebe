"""python manage.py import_population FILE: see docs/children-dashboard.md for the layout."""

from dashboards.children.commands import ImportCommand
from dashboards.children.importers import import_population


class Command(ImportCommand):
    help = "Import population estimates for the children's dashboard (all or nothing; logged)."
    kind = "population"
    label = "population estimates"
    importer = staticmethod(import_population)
