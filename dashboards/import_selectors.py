"""Reads for the import journey."""

from django.db.models import QuerySet

from arp_portal.core.models import ImportRun, PendingImport


def pending_imports(user) -> QuerySet[PendingImport]:
    """The uploads held for this user's confirmation, newest first."""
    return PendingImport.objects.filter(user=user).order_by("-created_at")


def earlier_import(kind: str, counts: dict) -> ImportRun | None:
    """The import a new one replaces: for a return, the latest of the same collection year;
    otherwise the latest of the kind. Runs that repeated a file (and changed nothing) do not
    count."""
    runs = (
        ImportRun.objects.filter(kind=kind, status=ImportRun.Status.SUCCEEDED)
        .exclude(counts__has_key="identical_to_run")
        .select_related("imported_by")
        .order_by("-finished_at", "-pk")
    )
    year = counts.get("collection_year")
    if isinstance(year, int):
        runs = runs.filter(counts__collection_year=year)
    return runs.first()
