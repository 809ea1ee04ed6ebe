"""The front door's URLs, included by dashboards/urls.py (app_name "dashboards")."""

from django.urls import path

from dashboards.front_door import import_views, views

urlpatterns = [
    path("front-door/", views.dashboard, name="front_door"),
    path("front-door.csv", views.dashboard_csv, name="front_door_csv"),
    path("front-door.xlsx", views.dashboard_xlsx, name="front_door_xlsx"),
    path(
        "imports/front-door/<slug:slug>/template.csv",
        import_views.import_template,
        name="front_door_template",
    ),
]
