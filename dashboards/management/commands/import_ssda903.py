"""python manage.py import_ssda903 HEADER.csv EPISODES.csv [--year 2025]"""

from dashboards.children.commands import ImportCommand
from dashboards.children.importers import import_ssda903


class Command(ImportCommand):
    help = (
        "Import an SSDA903 return's Header and Episodes CSVs (in either order) for the "
        "children's dashboard (all or nothing; logged)."
    )
    kind = "ssda903"
    label = "SSDA903 return"
    importer = staticmethod(import_ssda903)
    nargs = "+"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--year",
            type=int,
            help="collection year, ending 31 March (default: from the latest date in the file)",
        )

    def importer_options(self, options) -> dict:
        return {"year": options["year"]} if options.get("year") else {}
