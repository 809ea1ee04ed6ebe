import functools

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from arp_portal.core.local_cache import TimedCache
from arp_portal.core.models import DEMO_IMPORT_KIND, ImportRun

# Every page asks whether demo data is loaded (the "synthetic data" banner); the answer changes
# only when demo data is loaded or removed (core.apps clears it then).
synthetic_data_cache = TimedCache(seconds=30)


def synthetic_data_loaded() -> bool:
    return synthetic_data_cache.get(
        "loaded", lambda: ImportRun.objects.filter(kind=DEMO_IMPORT_KIND).exists()
    )


def _navigation(user) -> list[dict]:
    """Only what the signed-in person's role lets them use."""
    if not user.is_authenticated:
        return []
    items: list[tuple[str, str, str | None]] = [("Home", "core:home", None)]
    candidates = [
        ("Children's dashboard", "dashboards:children", "core.view_dashboards"),
        ("Workforce dashboard", "dashboards:workforce", "core.view_dashboards"),
        ("Front door", "dashboards:front_door", "core.view_dashboards"),
        ("Practice audits", "dashboards:audit_results", "core.view_dashboards"),
        ("Surveys", "surveys:index", "core.view_survey_results"),
        ("Action plan", "actions:index", "core.view_action_plan"),
        ("Data imports", "dashboards:imports", "core.import_data"),
    ]
    items.extend(candidates)
    if not user.has_perm("core.manage_audits"):
        # Auditors' own list; data managers reach it from the audits they manage.
        items.append(("My audits", "dashboards:audit_mine", "core.conduct_audits"))
    nav = []
    for label, url_name, permission in items:
        if permission and not user.has_perm(permission):
            continue
        nav.append({"label": label, "url": reverse(url_name)})
    return nav


@functools.cache
def frame_links() -> dict[str, str]:
    """The page frame's links and assets (templates/base.html): the same on every page, so
    worked out once per process rather than by a dozen {% url %} and {% static %} tags a page."""
    return {
        "home": reverse("core:home"),
        "accessibility": reverse("core:accessibility"),
        "privacy": reverse("core:privacy"),
        "cookies": reverse("core:cookies"),
        "password_change": reverse("accounts:password_change"),
        "logout": reverse("accounts:logout"),
        "favicon": static("images/favicon.svg"),
        "govuk_css": static("vendor/govuk-frontend/govuk-frontend.min.css"),
        "portal_css": static("css/portal.css"),
        "portal_js": static("js/portal.js"),
    }


def portal(request) -> dict:
    user = getattr(request, "user", None)
    nav = _navigation(user) if user is not None else []
    path = request.path
    for item in nav:
        url = item["url"]
        item["active"] = path == url or (url != "/" and path.startswith(url))
    return {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "support_email": settings.SUPPORT_EMAIL,
        "navigation": nav,
        "frame": frame_links(),
        "synthetic_data": synthetic_data_loaded(),
    }
