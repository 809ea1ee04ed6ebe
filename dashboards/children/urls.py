"""The children's dashboard's URLs, included by dashboards/urls.py (app_name "dashboards")."""

from django.urls import path

from dashboards.children import import_views, views

urlpatterns = [
    path("children/", views.children, name="children"),
    path("children.csv", views.children_csv, name="children_csv"),
    path("children.xlsx", views.children_xlsx, name="children_xlsx"),
    path("imports/children/cases/", import_views.import_cases, name="import_cases"),
    path("imports/children/cin-census/", import_views.import_cin_census, name="import_cin_census"),
    path("imports/children/ssda903/", import_views.import_ssda903, name="import_ssda903"),
    path("imports/children/population/", import_views.import_population, name="import_population"),
    path(
        "imports/children/<slug:slug>/template.csv",
        import_views.import_template,
        name="import_template",
    ),
]
