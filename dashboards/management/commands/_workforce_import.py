"""What the workforce import commands share: read, show progress, print the report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arp_portal.core.importing import ImportRejected, TerminalProgress, UploadedData, run_import
from dashboards.workforce.import_kinds import WORKFORCE_IMPORTS


class WorkforceImportCommand(BaseCommand):
    import_key: str = ""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        spec = WORKFORCE_IMPORTS[self.import_key]
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        upload = UploadedData(file.name, file.read_bytes())
        try:
            result = run_import(
                kind=spec.kind.slug,
                files=[upload],
                importer=spec.importer,
                progress=TerminalProgress(self.stdout, f"Importing {file.name}"),
            )
        except ImportRejected as rejected:
            self.stdout.write("")
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(rejected.problems)} problem(s) in {file.name}: nothing was imported"
            ) from None
        summary = ", ".join(
            f"{key.replace('_', ' ')} {value}" for key, value in result.counts.items()
        )
        self.stdout.write(self.style.SUCCESS(f"Imported {file.name}: {summary}."))
