from django.urls import path

from dashboards import import_views
from dashboards.audits.urls import urlpatterns as audits_urlpatterns
from dashboards.children.urls import urlpatterns as children_urlpatterns
from dashboards.front_door.urls import urlpatterns as front_door_urlpatterns
from dashboards.workforce.urls import urlpatterns as workforce_urlpatterns

app_name = "dashboards"

urlpatterns: list = [
    path("imports/", import_views.imports, name="imports"),
    path("imports/runs/<int:pk>/", import_views.import_run, name="import_run"),
    path("imports/pending/<uuid:pk>/", import_views.import_pending, name="import_pending"),
    path(
        "imports/pending/<uuid:pk>/decide/",
        import_views.import_pending_decide,
        name="import_pending_decide",
    ),
    path("imports/<slug:slug>/", import_views.import_upload, name="import_upload"),
    path("imports/<slug:slug>/template.csv", import_views.import_template, name="import_template"),
    *children_urlpatterns,
    *workforce_urlpatterns,
    *audits_urlpatterns,
    *front_door_urlpatterns,
]
