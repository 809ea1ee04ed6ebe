"""The import journey, one for every kind (dashboards/import_kinds.py): the hub listing every
kind with its recent runs, the upload page, the preview of an upload that would change earlier
data (confirm or cancel), and the report of a run."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from arp_portal.core.decorators import role_required
from arp_portal.core.downloads import CSV_CONTENT_TYPE, attachment
from arp_portal.core.models import DEMO_IMPORT_KIND, AgeBand, ImportRun, Locality, Team
from dashboards import import_presenters, import_selectors, import_services
from dashboards.children import importers as children_importers
from dashboards.children import snapshots
from dashboards.import_forms import ImportUploadForm
from dashboards.import_kinds import BY_PATH, KINDS, registered_import_kinds

RUNS_PER_PAGE = 20
RUNS_PER_KIND = 3
# The report refreshes itself (a meta refresh, no JavaScript) while the dashboard is prepared,
# when its reader asks (?refresh=auto): a timed refresh the reader did not choose fails WCAG
# 2.2.1 (timing adjustable, level A; axe's meta-refresh rule).
PREPARATION_REFRESH_SECONDS = 5
AUTO_REFRESH = "auto"
DEMO_TITLE = "Demo data (synthetic Demoshire)"


def _kind_title(slug: str) -> str:
    if slug == DEMO_IMPORT_KIND:
        return DEMO_TITLE
    return KINDS[slug].title if slug in KINDS else slug


@role_required("core.import_data")
def imports(request: HttpRequest) -> HttpResponse:
    kinds = registered_import_kinds()
    slugs = [kind.slug for kind in kinds]
    runs = ImportRun.objects.filter(kind__in=[*slugs, DEMO_IMPORT_KIND]).select_related(
        "imported_by"
    )
    latest_by_kind = {slug: list(runs.filter(kind=slug)[:RUNS_PER_KIND]) for slug in slugs}
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/imports.html",
        {
            "kinds": [(kind, latest_by_kind[kind.slug]) for kind in kinds],
            "demo": runs.filter(kind=DEMO_IMPORT_KIND).first(),
            "page": page,
            "log": [(run, _kind_title(run.kind)) for run in page.object_list],
            "pending": import_selectors.pending_imports(request.user),
        },
    )


@role_required("core.import_data")
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    kind = BY_PATH.get(slug)
    if kind is None:
        raise Http404("No such import")
    posted = request.method == "POST"
    form = ImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None, kind=kind
    )
    if posted and form.is_valid():
        outcome = import_services.import_upload(
            kind=kind, files=form.uploads(), user=request.user, options=form.importer_options()
        )
        if outcome.pending is not None:
            return redirect("dashboards:import_pending", pk=outcome.pending.pk)
        return redirect("dashboards:import_run", pk=outcome.run.pk)
    if posted:
        refused = form.refused_files()
        if refused:
            import_services.upload_refusal_log(kind=kind, problems=refused, user=request.user)
    return render(
        request,
        "dashboards/import_upload.html",
        {
            "kind": kind,
            "form": form,
            "recent": ImportRun.objects.filter(kind=kind.slug).select_related("imported_by")[:5],
            "teams": Team.objects.select_related("locality"),
            "localities": Locality.objects.all(),
            "age_bands": AgeBand.values,
            **(kind.layout_context() if kind.layout_context else {}),
        },
    )


def _pending_for(request: HttpRequest, pk: uuid.UUID):
    """A held upload is its uploader's alone; an expired one is gone."""
    return get_object_or_404(
        import_selectors.pending_imports(request.user).filter(expires_at__gt=timezone.now()),
        pk=pk,
    )


@role_required("core.import_data")
def import_pending(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    pending = _pending_for(request, pk)
    kind = KINDS[pending.kind]
    earlier = import_selectors.earlier_import(kind.slug, pending.counts)
    return render(
        request,
        "dashboards/import_pending.html",
        {
            "pending": pending,
            "kind": kind,
            "preview": import_presenters.preview(pending.counts, earlier),
            "counts": import_presenters.count_rows(pending.counts),
            "warnings": pending.counts.get("warnings", []),
            "warnings_count": pending.counts.get("warnings_count", 0),
        },
    )


@require_POST
@role_required("core.import_data")
def import_pending_decide(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    pending = _pending_for(request, pk)
    kind = KINDS[pending.kind]
    if "confirm" in request.POST:
        run = import_services.pending_import_confirm(pending=pending)
        return redirect("dashboards:import_run", pk=run.pk)
    import_services.pending_import_discard(pending=pending)
    messages.info(request, f"{kind.title}: the upload was cancelled and nothing was imported.")
    return redirect("dashboards:import_upload", slug=kind.path_slug)


@role_required("core.import_data")
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("imported_by"), pk=pk)
    kind = KINDS.get(run.kind)
    preparation = None
    identical_to = None
    if "identical_to_run" in run.counts:
        identical_to = ImportRun.objects.filter(pk=run.counts["identical_to_run"]).first()
    elif run.status == ImportRun.Status.SUCCEEDED and kind is not None and kind.writes_episodes:
        preparation = snapshots.preparation()
    preparing = preparation is not None and not preparation.complete
    refresh = preparing and request.GET.get("refresh") == AUTO_REFRESH
    return render(
        request,
        "dashboards/import_run.html",
        {
            "run": run,
            "kind": kind,
            "kind_title": _kind_title(run.kind),
            "counts": import_presenters.count_rows(run.counts),
            "warnings": run.counts.get("warnings", []),
            "warnings_count": run.counts.get("warnings_count", 0),
            "identical_to": identical_to,
            "preparation": preparation,
            "refresh_seconds": PREPARATION_REFRESH_SECONDS if refresh else None,
            "refresh_every": PREPARATION_REFRESH_SECONDS,
            "auto_refresh": AUTO_REFRESH,
        },
    )


TEMPLATES = {
    "cases": (
        "case-export-template.csv",
        ",".join(children_importers.CASES_COLUMNS)
        + "\r\nC000123,2015-06-14,1,BCRB,CIN,2024-05-02,,North Family safeguarding 1"
        + "\r\nC000123,2015-06-14,1,BCRB,CP,2024-06-20,2025-01-10,North Family safeguarding 1"
        + "\r\nC000456,2009-11-03,2,WBRI,CIC,2023-09-01,,\r\n",
    ),
    "population": (
        "population-template.csv",
        ",".join(children_importers.POPULATION_COLUMNS)
        + "\r\nall,2024,ONS mid-2024 estimates (Census 2021 base),0-17,WBRI,98230"
        + "\r\nNorth,2024,ONS mid-2024 estimates (Census 2021 base),under1,BCRB,41\r\n",
    ),
}


@role_required("core.import_data")
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in TEMPLATES:
        raise Http404("No template for that import")
    file_name, content = TEMPLATES[slug]
    return attachment(content, filename=file_name, content_type=CSV_CONTENT_TYPE)
