"""python manage.py prepare_children_dashboard [--date YYYY-MM-DD ...]

The import commands and upload pages already prepare every month-end; this is for after a
restore from backup, or for a date a report will ask for that is not a month-end.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from arp_portal.core.importing import TerminalProgress
from dashboards.children import disclosure, snapshots
from dashboards.children.presenters import trend_dates


def reference_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Enter the date as YYYY-MM-DD, like 2025-03-31, not {text}") from None


class Command(BaseCommand):
    help = (
        "Build the children's dashboard figures (cohort snapshots) for every month-end with data, "
        "and for each --date with its five-year trend."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="dates",
            action="append",
            default=[],
            type=reference_date,
            help="also prepare this reference date (YYYY-MM-DD) and the four years before it",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        progress = TerminalProgress(self.stdout, "Preparing the dashboard")
        wanted = [
            (date, measure)
            for reference in options["dates"]
            for date in trend_dates(reference)
            for measure in snapshots.MEASURES
        ]
        built = snapshots.prepare(wanted, progress) if wanted else 0
        built += snapshots.refresh_after_import(progress)
        decided = disclosure.decide_prepared()
        self.stdout.write(
            self.style.SUCCESS(
                f"Dashboard figures prepared in {time.monotonic() - started:.1f} s "
                f"({built} snapshots built, the rest already current; "
                f"{decided} disclosure decisions made)."
            )
        )
