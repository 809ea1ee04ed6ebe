"""Writes of the import journey: stage an upload, check it, write it or hold it for
confirmation, and queue the dashboard's preparation (docs/adr/052-one-import-pipeline.md).

An upload is copied in chunks into its own staging folder (Django has already streamed it to a
temporary file), hashed on the way. A file identical to the one last imported changes nothing
and is not read again. Otherwise the import runs in a transaction: when it removes or changes
nothing an earlier import wrote it is committed at once; when it would, it is rolled back and
held as a PendingImport, keyed to its uploader, until they confirm it, cancel it, or it expires.
"""

import datetime as dt
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from arp_portal.core.importing import (
    ImportProblem,
    ImportRejected,
    ImportResult,
    UploadedData,
    remove_staged,
    run_import,
    stage_upload,
)
from arp_portal.core.models import ImportRun, PendingImport
from dashboards.import_kinds import KINDS, ImportKind


@dataclass(frozen=True)
class UploadOutcome:
    """One of: run (written, identical, or rejected: the report says which) or pending (held
    for confirmation)."""

    run: ImportRun | None = None
    pending: PendingImport | None = None


def _staging_folder(key: uuid.UUID) -> Path:
    return Path(settings.ARP_IMPORT_STAGING_DIR) / str(key)


def preparation_enqueue(kind: ImportKind, result: ImportResult) -> None:
    """After an import that wrote episodes commits, the task worker prepares the month-ends
    it touched (dashboards/children/tasks.py); never the request's thread."""
    if kind.writes_episodes and result.committed:
        from dashboards.children.tasks import prepare_after_import

        transaction.on_commit(prepare_after_import.enqueue)


def import_files(
    *,
    kind: ImportKind,
    uploads: list[UploadedData],
    user,
    options: dict,
    progress=None,
    check_only: bool = False,
) -> ImportResult:
    """Import files already on disk (a command's), all or nothing; re-raises ImportRejected.
    check_only: work out what the import would do, write nothing."""
    result = run_import(
        kind=kind.slug,
        files=uploads,
        importer=kind.importer,
        user=user,
        progress=progress,
        commit_if=(lambda counts: False) if check_only else None,
        same_data=kind.same_data,
        **options,
    )
    preparation_enqueue(kind, result)
    return result


def import_upload(*, kind: ImportKind, files: list[tuple[str, object]], user, options: dict):
    """Stage an upload and import it, or hold it for confirmation (see the module's doc)."""
    pending_imports_expire()
    key = uuid.uuid4()
    folder = _staging_folder(key)
    uploads = [stage_upload(source, folder, name=name) for name, source in files]
    try:
        result = run_import(
            kind=kind.slug,
            files=uploads,
            importer=kind.importer,
            user=user,
            commit_if=lambda counts: not kind.needs_confirmation(counts),
            same_data=kind.same_data,
            **options,
        )
    except ImportRejected as rejected:
        remove_staged(folder)
        return UploadOutcome(run=rejected.run)
    if result.run is None:
        pending = PendingImport.objects.create(
            id=key,
            kind=kind.slug,
            user=user,
            folder=str(folder),
            files=[{"name": upload.name, "path": str(upload.path)} for upload in uploads],
            options=options,
            file_sha256=uploads[0].sha256 if len(uploads) == 1 else "",
            counts=result.counts,
            expires_at=timezone.now() + dt.timedelta(hours=settings.ARP_PENDING_IMPORT_HOURS),
        )
        return UploadOutcome(pending=pending)
    remove_staged(folder)
    preparation_enqueue(kind, result)
    return UploadOutcome(run=result.run)


def upload_refusal_log(*, kind: ImportKind, problems: list[ImportProblem], user) -> ImportRun:
    """Log an upload the form refused before reading it (an empty file, one over the size
    limit) as a rejected run, as every rejected file is. Its bytes are not kept, nor hashed."""
    return ImportRun.objects.create(
        kind=kind.slug,
        file_name=", ".join(problem.file for problem in problems)[:255],
        file_sha256="",
        imported_by=user,
        status=ImportRun.Status.REJECTED,
        finished_at=timezone.now(),
        counts={"problems": len(problems)},
        problems=[asdict(problem) for problem in problems],
    )


def pending_import_confirm(*, pending: PendingImport) -> ImportRun:
    """Write a held upload as its uploader confirmed: the import runs again in full (the data
    may have changed since the check) and is committed whatever it changes."""
    kind = KINDS[pending.kind]
    uploads = [
        UploadedData.from_path(Path(entry["path"]), name=entry["name"]) for entry in pending.files
    ]
    gone = [upload for upload in uploads if upload.path is None or not upload.path.is_file()]
    if gone:
        # The staging folder was cleared under the held upload (a clean-up of the disk).
        refused = upload_refusal_log(
            kind=kind,
            problems=[
                ImportProblem(
                    upload.name,
                    "",
                    "",
                    "the uploaded file is no longer held on the server, so nothing was "
                    "imported: upload it again",
                )
                for upload in gone
            ],
            user=pending.user,
        )
        pending_import_discard(pending=pending)
        return refused
    try:
        result = run_import(
            kind=kind.slug,
            files=uploads,
            importer=kind.importer,
            user=pending.user,
            same_data=kind.same_data,
            **pending.options,
        )
    except ImportRejected as rejected:
        run = rejected.run
    else:
        run = result.run
        preparation_enqueue(kind, result)
    pending_import_discard(pending=pending)
    assert run is not None  # not a check: run_import logged the run, written or rejected
    return run


def pending_import_discard(*, pending: PendingImport) -> None:
    remove_staged(Path(pending.folder))
    pending.delete()


def pending_imports_expire(*, now: dt.datetime | None = None) -> int:
    """Clear held uploads past their expiry, files and all; how many. Run on every upload and
    by the clean-up command (manage.py clear_expired_imports)."""
    now = now or timezone.now()
    expired = list(PendingImport.objects.filter(expires_at__lte=now))
    for pending in expired:
        pending_import_discard(pending=pending)
    # A folder no held upload names (a process stopped mid-upload) goes once it is as old.
    staging = Path(settings.ARP_IMPORT_STAGING_DIR)
    if staging.is_dir():
        held = {str(key) for key in PendingImport.objects.values_list("id", flat=True)}
        cutoff = (now - dt.timedelta(hours=settings.ARP_PENDING_IMPORT_HOURS)).timestamp()
        for folder in staging.iterdir():
            if folder.name not in held and folder.stat().st_mtime < cutoff:
                remove_staged(folder)
    return len(expired)
