from django.urls import path

from arp_portal.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("settings/ethnicity-labels/", views.ethnicity_labels, name="ethnicity_labels"),
    path(
        "settings/ethnicity-labels/<str:code>/",
        views.ethnicity_label_edit,
        name="ethnicity_label_edit",
    ),
]
