"""python manage.py import_cin_census FILE: see docs/children-dashboard.md for the layout."""

from dashboards.children.commands import ImportCommand
from dashboards.children.importers import import_cin_census


class Command(ImportCommand):
    help = "Import CIN census for the children's dashboard (all or nothing; logged)."
    kind = "cin_census"
    label = "CIN census"
    importer = staticmethod(import_cin_census)
