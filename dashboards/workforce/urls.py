from django.urls import path

from dashboards.workforce import views

urlpatterns = [
    path("workforce/", views.dashboard, name="workforce"),
    path("workforce.csv", views.export_csv, name="workforce_csv"),
    path("workforce.xlsx", views.export_xlsx, name="workforce_xlsx"),
    path("workforce/training-target/", views.training_target, name="workforce_training_target"),
]
