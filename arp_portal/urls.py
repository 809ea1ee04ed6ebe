from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "ARP portal administration"

urlpatterns = [
    path("", include("arp_portal.core.urls")),
    path("accounts/", include("arp_portal.accounts.urls")),
    path("surveys/", include("surveys.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("actions/", include("actions.urls")),
    path("admin/", admin.site.urls),
]
