from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from arp_portal.core import selectors
from arp_portal.core.decorators import role_required
from arp_portal.core.forms import EthnicityLabelForm
from arp_portal.core.models import Ethnicity
from arp_portal.core.roles import ROLE_DESCRIPTIONS, roles_of
from arp_portal.core.services import ethnicity_label_update


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    return render(
        request,
        "core/home.html",
        {
            "roles": [(role, ROLE_DESCRIPTIONS.get(role, "")) for role in roles],
            "next_steps": selectors.next_steps_for(request.user),
            "summary": selectors.portal_summary(),
        },
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "not answering"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def hidden_figures(request: HttpRequest) -> HttpResponse:
    """What "c" means on the dashboards and survey results, and why a figure is hidden."""
    return render(request, "core/hidden_figures.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


@role_required("core.manage_users")
def ethnicity_labels(request: HttpRequest) -> HttpResponse:
    return render(request, "core/ethnicity_labels.html", {"ethnicities": Ethnicity.objects.all()})


@role_required("core.manage_users")
def ethnicity_label_edit(request: HttpRequest, code: str) -> HttpResponse:
    ethnicity = get_object_or_404(Ethnicity, code=code)
    form = EthnicityLabelForm(request.POST or None, initial={"label": ethnicity.label})
    if request.method == "POST" and form.is_valid():
        ethnicity_label_update(ethnicity=ethnicity, label=form.cleaned_data["label"])
        messages.success(request, f"The label for {ethnicity.code} is now “{ethnicity.label}”.")
        return redirect("core:ethnicity_labels")
    return render(request, "core/ethnicity_label_edit.html", {"ethnicity": ethnicity, "form": form})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The GOV.UK page for a form sent without a valid CSRF token (settings.CSRF_FAILURE_VIEW),
    instead of Django's unstyled one. The reason is for developers and is not shown."""
    survey_path = ""
    parts = request.path.split("/")
    if len(parts) > 2 and parts[1] == "surveys" and parts[2] not in ("", "manage"):
        survey_path = f"/surveys/{parts[2]}/"
    return render(request, "403_csrf.html", {"survey_path": survey_path}, status=403)
