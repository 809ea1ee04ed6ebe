from dashboards.workforce.urls import urlpatterns as workforce_urlpatterns

app_name = "dashboards"

urlpatterns: list = [*workforce_urlpatterns]
