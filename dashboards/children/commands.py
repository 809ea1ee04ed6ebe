"""What the four import commands share: read the files, run the import with a progress bar,
print what changed or every problem (and exit non-zero, having written nothing)."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from arp_portal.core.importing import ImportRejected, TerminalProgress, UploadedData, run_import
from dashboards.children.snapshots import refresh_after_import


class ImportCommand(BaseCommand):
    kind = ""
    label = ""
    importer = None
    nargs: int | str = 1
    # Whether the children's dashboard's month-end figures are prepared after the import.
    prepares_children_dashboard = True

    def add_arguments(self, parser):
        parser.add_argument("files", nargs=self.nargs, help="the file(s) to import")
        parser.add_argument(
            "--as",
            dest="username",
            help="the portal user to record as importing (default: none, 'a management command')",
        )

    def importer_options(self, options) -> dict:
        return {}

    def handle(self, *args, **options):
        uploads = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            uploads.append(UploadedData(path.name, path.read_bytes()))
        user = None
        if options.get("username"):
            try:
                user = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist as missing:
                raise CommandError(f"No portal user called {options['username']}") from missing
        started = time.monotonic()
        try:
            result = run_import(
                kind=self.kind,
                files=uploads,
                importer=type(self).importer,
                user=user,
                progress=TerminalProgress(self.stdout, f"Checking {self.label}"),
                **self.importer_options(options),
            )
        except ImportRejected as rejected:
            self.stdout.write("")
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(rejected.problems)} problem(s) found; nothing was imported "
                f"(logged as import run {rejected.run.pk})."
            ) from None
        elapsed = time.monotonic() - started
        counts = result.counts
        for warning in counts.get("warnings", []):
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        summary = ", ".join(
            f"{key.replace('_', ' ')} {value:,}"
            if isinstance(value, int) and not key.endswith("year")
            else f"{key.replace('_', ' ')} {value}"
            for key, value in counts.items()
            if key != "warnings"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Imported in {elapsed:.1f} s (run {result.run.pk}): {summary}")
        )
        if self.kind != "population" and self.prepares_children_dashboard:
            started = time.monotonic()
            built = refresh_after_import(
                progress=TerminalProgress(self.stdout, "Preparing the dashboard for each month-end")
            )
            self.stdout.write(
                f"Dashboard figures for every month-end prepared in "
                f"{time.monotonic() - started:.1f} s ({built} snapshots)."
            )
