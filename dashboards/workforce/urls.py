from django.urls import path

from dashboards.workforce import views

urlpatterns = [
    path("workforce/", views.dashboard, name="workforce"),
    path("workforce.csv", views.export_csv, name="workforce_csv"),
    path("workforce.xlsx", views.export_xlsx, name="workforce_xlsx"),
    path("workforce/import/staff/", views.import_staff, name="workforce_import_staff"),
    path("workforce/import/events/", views.import_events, name="workforce_import_events"),
    path("workforce/import/csww/", views.import_csww, name="workforce_import_csww"),
    path(
        "workforce/import/working-age-population/",
        views.import_population,
        name="workforce_import_population",
    ),
    path("workforce/training-target/", views.training_target, name="workforce_training_target"),
]
