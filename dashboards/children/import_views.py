"""Upload pages for the children's imports: check the whole file, write it or write nothing,
then show the run's report."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from arp_portal.accounts.decorators import role_required
from arp_portal.core.after_response import run_after_sending
from arp_portal.core.downloads import CSV_CONTENT_TYPE, attachment
from arp_portal.core.importing import ImportRejected, run_import
from arp_portal.core.models import AgeBand, ImportRun, Locality, Team
from dashboards.children import importers
from dashboards.children.import_kinds import EPISODE_IMPORTS, IMPORT_KINDS
from dashboards.children.snapshots import refresh_after_import
from dashboards.children.upload_forms import SingleFileForm, Ssda903Form


@dataclass(frozen=True)
class UploadPage:
    importer: Callable[..., dict]
    form_class: type
    help_text: str = ""


PAGES = {
    "cases": UploadPage(
        importers.import_cases,
        SingleFileForm,
        "A CSV file with the columns child_id, date_of_birth, sex, ethnicity, episode_type, "
        "start_date, end_date and team.",
    ),
    "cin_census": UploadPage(
        importers.import_cin_census, SingleFileForm, "The CIN census return as an XML file."
    ),
    "ssda903": UploadPage(importers.import_ssda903, Ssda903Form),
    "population": UploadPage(
        importers.import_population,
        SingleFileForm,
        "A CSV file with the columns area, year, source, age_band, ethnicity and count.",
    ),
}
KINDS = {kind.slug: kind for kind in IMPORT_KINDS}


def _upload(request: HttpRequest, slug: str) -> HttpResponse:
    kind, page = KINDS[slug], PAGES[slug]
    kwargs = {"help_text": page.help_text} if page.form_class is SingleFileForm else {}
    posted = request.method == "POST"
    form = page.form_class(
        request.POST if posted else None, request.FILES if posted else None, **kwargs
    )
    if posted and form.is_valid():
        options = {}
        if slug == "ssda903" and form.cleaned_data.get("year"):
            options["year"] = form.cleaned_data["year"]
        try:
            result = run_import(
                kind=slug,
                files=form.uploads(),
                importer=page.importer,
                user=request.user,
                **options,
            )
        except ImportRejected as rejected:
            messages.error(
                request,
                f"{len(rejected.problems)} problem(s) found: nothing was imported. Correct the "
                "file and upload it again.",
            )
            return redirect("dashboards:import_run", pk=rejected.run.pk)
        messages.success(request, f"{kind.title}: imported.")
        response = redirect("dashboards:import_run", pk=result.run.pk)
        if slug in EPISODE_IMPORTS:
            # Prepare the dashboard's figures for every month-end, so no service manager waits;
            # after the response, as it takes minutes at national scale. Until a date is
            # prepared the dashboard counts it live.
            run_after_sending(response, refresh_after_import)
        return response
    recent = ImportRun.objects.filter(kind=slug).select_related("imported_by")[:5]
    return render(
        request,
        "dashboards/children/import_upload.html",
        {
            "kind": kind,
            "form": form,
            "recent": recent,
            "layout_template": f"dashboards/children/layouts/{slug}.html",
            "teams": Team.objects.select_related("locality"),
            "localities": Locality.objects.all(),
            "age_bands": AgeBand.values,
        },
    )


@role_required("core.import_data")
def import_cases(request: HttpRequest) -> HttpResponse:
    return _upload(request, "cases")


@role_required("core.import_data")
def import_cin_census(request: HttpRequest) -> HttpResponse:
    return _upload(request, "cin_census")


@role_required("core.import_data")
def import_ssda903(request: HttpRequest) -> HttpResponse:
    return _upload(request, "ssda903")


@role_required("core.import_data")
def import_population(request: HttpRequest) -> HttpResponse:
    return _upload(request, "population")


TEMPLATES = {
    "cases": (
        "case-export-template.csv",
        ",".join(importers.CASES_COLUMNS)
        + "\r\nC000123,2015-06-14,1,BCRB,CIN,2024-05-02,,North Family safeguarding 1"
        + "\r\nC000123,2015-06-14,1,BCRB,CP,2024-06-20,2025-01-10,North Family safeguarding 1"
        + "\r\nC000456,2009-11-03,2,WBRI,CIC,2023-09-01,,\r\n",
    ),
    "population": (
        "population-template.csv",
        ",".join(importers.POPULATION_COLUMNS)
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
