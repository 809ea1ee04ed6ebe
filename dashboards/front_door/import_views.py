"""The front door's template files (its uploads go through the one import pipeline,
dashboards/import_views.py)."""

from django.http import Http404, HttpRequest, HttpResponse

from arp_portal.core.decorators import role_required
from arp_portal.core.downloads import CSV_CONTENT_TYPE, attachment
from dashboards.front_door import importers


@role_required("core.import_data")
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in importers.TEMPLATES:
        raise Http404("No template for that import")
    file_name, content = importers.TEMPLATES[slug]
    return attachment(content, filename=file_name, content_type=CSV_CONTENT_TYPE)
