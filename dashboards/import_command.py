"""The one base of every import command (python manage.py import_<kind> FILE ... [--check]):
read the files from disk in streams, import them with a progress bar, print what changed (or
would change, with --check), or every problem and exit non-zero having written nothing.

A command module is three lines: class Command(ImportCommand): kind = "cases".
"""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from arp_portal.core.importing import ImportRejected, TerminalProgress, UploadedData
from dashboards import import_presenters, import_selectors, import_services
from dashboards.children import disclosure, snapshots
from dashboards.import_kinds import KINDS, ImportKind


class ImportCommand(BaseCommand):
    kind = ""

    @property
    def import_kind(self) -> ImportKind:
        return KINDS[self.kind]

    @property
    def help(self) -> str:  # type: ignore[override]
        kind = self.import_kind
        return f"Import {kind.title}: {kind.description} All or nothing; logged."

    def add_arguments(self, parser):
        kind = self.import_kind
        many = len(kind.files) > 1
        parser.add_argument(
            "files",
            nargs="+" if many else 1,
            help=" and ".join(slot.label for slot in kind.files)
            + (" (in either order)" if many else ""),
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="the portal user to record as importing (default: none, 'a management command')",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="check the file(s) and print what the import would do, writing nothing",
        )
        if kind.writes_episodes:
            parser.add_argument(
                "--no-prepare",
                action="store_true",
                help="leave preparing the dashboard's month-ends to the task worker",
            )
        if kind.asks_collection_year:
            parser.add_argument(
                "--year",
                type=int,
                help="collection year, ending 31 March (needed unless the Episodes file has YEAR)",
            )

    def handle(self, *args, **options):
        kind = self.import_kind
        uploads = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            uploads.append(UploadedData.from_path(path))
        user = None
        if options.get("username"):
            try:
                user = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist as missing:
                raise CommandError(f"No portal user called {options['username']}") from missing
        importer_options = {"year": options["year"]} if options.get("year") else {}
        check = options["check"]
        started = time.monotonic()
        try:
            result = import_services.import_files(
                kind=kind,
                uploads=uploads,
                user=user,
                options=importer_options,
                progress=TerminalProgress(self.stdout, f"Checking {kind.title}"),
                check_only=check,
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
        if result.identical_to is not None:
            held = result.identical_to
            self.stdout.write(
                self.style.SUCCESS(
                    f"Already imported: the file is identical to import run {held.pk} "
                    f"({held.finished_at:%-d %B %Y %H:%M}) and nothing has been written since; "
                    f"nothing changed (recognised in {time.monotonic() - started:.2f} s)."
                )
            )
            return
        counts = result.counts
        for warning in counts.get("warnings", []):
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        summary = ", ".join(
            f"{label} {value}" for label, value in import_presenters.count_rows(counts)
        )
        if check:
            earlier = import_selectors.earlier_import(kind.slug, counts)
            self.stdout.write(f"Checked in {elapsed:.2f} s; nothing was written: {summary}")
            if kind.needs_confirmation(counts):
                self.stdout.write(self.style.WARNING(import_presenters.preview(counts, earlier)))
            else:
                self.stdout.write("It would remove or change nothing an earlier import wrote.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Imported in {elapsed:.2f} s (run {result.run.pk}): {summary}")
        )
        if kind.writes_episodes and not options.get("no_prepare"):
            # Here rather than waiting for the task worker (which finds the work done).
            started = time.monotonic()
            built = snapshots.refresh_after_import(
                progress=TerminalProgress(self.stdout, "Preparing the dashboard's month-ends")
            )
            disclosure.decide_prepared()
            self.stdout.write(
                f"Dashboard prepared in {time.monotonic() - started:.1f} s: {built} month-end "
                "snapshots built (only those the import touched), the rest already current."
            )
