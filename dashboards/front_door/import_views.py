"""Upload pages for the front door's imports and their template files."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from arp_portal.accounts.decorators import role_required
from arp_portal.core.downloads import CSV_CONTENT_TYPE, attachment
from arp_portal.core.importing import ImportRejected, run_import
from arp_portal.core.models import ImportRun, Team
from dashboards.children.upload_forms import SingleFileForm
from dashboards.front_door import importers
from dashboards.front_door.import_kinds import CONTACTS, EARLY_HELP
from dashboards.front_door.models import CONTACT_SOURCES, ContactOutcome, EarlyHelpClosure

PAGES = {
    CONTACTS.slug: (
        CONTACTS,
        importers.import_contacts,
        "A CSV or XLSX file with the columns child_id, contact_date, source and outcome, and "
        "ethnicity for children the portal does not hold.",
    ),
    EARLY_HELP.slug: (
        EARLY_HELP,
        importers.import_early_help,
        "A CSV or XLSX file with the columns child_id, start_date, end_date, team and "
        "closure_reason, and ethnicity for children the portal does not hold.",
    ),
}


def _upload(request: HttpRequest, slug: str) -> HttpResponse:
    kind, importer, help_text = PAGES[slug]
    posted = request.method == "POST"
    form = SingleFileForm(
        request.POST if posted else None, request.FILES if posted else None, help_text=help_text
    )
    form.fields["file"].widget.attrs["accept"] = (
        ".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    if posted and form.is_valid():
        try:
            result = run_import(
                kind=slug, files=form.uploads(), importer=importer, user=request.user
            )
        except ImportRejected as rejected:
            messages.error(
                request,
                f"{len(rejected.problems)} problem(s) found: nothing was imported. Correct the "
                "file and upload it again.",
            )
            return redirect("dashboards:import_run", pk=rejected.run.pk)
        messages.success(request, f"{kind.title}: imported.")
        return redirect("dashboards:import_run", pk=result.run.pk)
    return render(
        request,
        "dashboards/children/import_upload.html",
        {
            "kind": kind,
            "form": form,
            "recent": ImportRun.objects.filter(kind=slug).select_related("imported_by")[:5],
            "layout_template": f"dashboards/front_door/layouts/{slug}.html",
            "sources": CONTACT_SOURCES.items(),
            "outcomes": ContactOutcome.choices,
            "closures": EarlyHelpClosure.choices,
            "teams": Team.objects.filter(service_area="early_help"),
        },
    )


@role_required("core.import_data")
def import_contacts(request: HttpRequest) -> HttpResponse:
    return _upload(request, CONTACTS.slug)


@role_required("core.import_data")
def import_early_help(request: HttpRequest) -> HttpResponse:
    return _upload(request, EARLY_HELP.slug)


@role_required("core.import_data")
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in importers.TEMPLATES:
        raise Http404("No template for that import")
    file_name, content = importers.TEMPLATES[slug]
    return attachment(content, filename=file_name, content_type=CSV_CONTENT_TYPE)
