"""python manage.py import_early_help FILE: see docs/front-door.md for the layout."""

from dashboards.children.commands import ImportCommand
from dashboards.front_door.importers import import_early_help


class Command(ImportCommand):
    help = "Import early help episodes, CSV or XLSX (all or nothing; logged)."
    kind = "early_help"
    label = "early help episodes"
    prepares_children_dashboard = False  # the front door has no cohort snapshots
    importer = staticmethod(import_early_help)
