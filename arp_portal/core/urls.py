from django.urls import path, register_converter

from arp_portal.core import views


class EthnicityCodeConverter:
    """A DfE ethnicity code: four capital letters. Anything else (a NUL byte, which Postgres
    refuses in text) is no page at all rather than a database error."""

    regex = "[A-Z]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(EthnicityCodeConverter, "ethnicity_code")

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("help/hidden-figures/", views.hidden_figures, name="hidden_figures"),
    path("settings/ethnicity-labels/", views.ethnicity_labels, name="ethnicity_labels"),
    path(
        "settings/ethnicity-labels/<ethnicity_code:code>/",
        views.ethnicity_label_edit,
        name="ethnicity_label_edit",
    ),
]
