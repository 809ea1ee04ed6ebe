"""The imports hub (every kind of file any dashboard imports, with recent runs) and the page
that reports one run: what was written, or every problem that stopped it."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from arp_portal.accounts.decorators import role_required
from arp_portal.core.models import ImportRun
from dashboards.children import snapshots
from dashboards.children.import_kinds import EPISODE_IMPORTS as CHILDREN_EPISODE_IMPORTS
from dashboards.import_kinds import registered_import_kinds

RUNS_PER_PAGE = 20
RUNS_PER_KIND = 3


@role_required("core.import_data")
def imports(request: HttpRequest) -> HttpResponse:
    kinds = registered_import_kinds()
    slugs = [kind.slug for kind in kinds]
    runs = ImportRun.objects.filter(kind__in=slugs).select_related("imported_by")
    latest_by_kind: dict[str, list[ImportRun]] = {slug: [] for slug in slugs}
    for slug in slugs:
        latest_by_kind[slug] = list(runs.filter(kind=slug)[:RUNS_PER_KIND])
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    titles = {kind.slug: kind.title for kind in kinds}
    for run in page.object_list:
        run.kind_title = titles.get(run.kind, run.kind)
    return render(
        request,
        "dashboards/imports.html",
        {
            "kinds": [(kind, latest_by_kind[kind.slug]) for kind in kinds],
            "page": page,
        },
    )


@role_required("core.import_data")
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("imported_by"), pk=pk)
    kinds = {kind.slug: kind for kind in registered_import_kinds()}
    counts = {key: value for key, value in run.counts.items() if key != "warnings"}
    preparation = None
    if run.status == ImportRun.Status.SUCCEEDED and run.kind in CHILDREN_EPISODE_IMPORTS:
        # The dashboard's month-end figures are prepared after the import has been answered.
        preparation = snapshots.preparation()
    return render(
        request,
        "dashboards/import_run.html",
        {
            "run": run,
            "kind": kinds.get(run.kind),
            "counts": sorted(counts.items()),
            "warnings": run.counts.get("warnings", []),
            "warnings_count": run.counts.get("warnings_count", 0),
            "preparation": preparation,
        },
    )
