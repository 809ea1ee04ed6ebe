from django.core.management.base import BaseCommand

from arp_portal.core import housekeeping
from arp_portal.core.tasks import housekeeping_schedule


class Command(BaseCommand):
    help = (
        "Runs the portal's clean-ups once (expired sessions, sign-in records past their "
        "retention, survey batches due). With --schedule, puts the periodic housekeeping task "
        "on the worker's queue instead (once; it re-enqueues itself)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            if housekeeping_schedule():
                self.stdout.write("Housekeeping scheduled on the task queue.")
            else:
                self.stdout.write("Housekeeping is already scheduled (or the backend cannot).")
            return
        for name, count in housekeeping.run_all().items():
            shown = "failed (see the log)" if count < 0 else count
            self.stdout.write(f"{name}: {shown}")
