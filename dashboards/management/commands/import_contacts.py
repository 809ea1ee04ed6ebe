"""python manage.py import_contacts FILE: see docs/front-door.md for the layout."""

from dashboards.children.commands import ImportCommand
from dashboards.front_door.importers import import_contacts


class Command(ImportCommand):
    help = "Import front door contacts, CSV or XLSX (all or nothing; logged)."
    kind = "contacts"
    label = "contacts"
    prepares_children_dashboard = False  # the front door has no cohort snapshots
    importer = staticmethod(import_contacts)
