"""The children's dashboard's URLs, included by dashboards/urls.py (app_name "dashboards")."""

from django.urls import path

from dashboards.children import views

urlpatterns = [
    path("children/", views.children, name="children"),
    path("children.csv", views.children_csv, name="children_csv"),
    path("children.xlsx", views.children_xlsx, name="children_xlsx"),
]
