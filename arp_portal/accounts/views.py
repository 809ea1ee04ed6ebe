import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone

from arp_portal.accounts.forms import (
    LoginForm,
    PortalPasswordChangeForm,
    UserCreateForm,
    UserUpdateForm,
)
from arp_portal.accounts.services import (
    may_manage,
    roles_grantable_by,
    user_create,
    user_update,
)
from arp_portal.core.client_address import client_address
from arp_portal.core.decorators import AuthenticatedRequest, role_required
from arp_portal.core.roles import ROLE_PERMISSIONS


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # django-axes locks a username out from one address; this stops one address trying a
        # few passwords on every account (password spraying), at a limit a council's offices
        # behind one address do not reach by mistyping.
        if address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return render(
                request, "registration/locked_out.html", {"from_address": True}, status=429
            )
        return super().post(request, *args, **kwargs)


def address_failures(request) -> int:
    """Failed sign-ins from the request's address, to any username, within axes' cool-off."""
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = AccessAttempt.objects.filter(
        ip_address=client_address(request), attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return failures or 0


class LogoutView(auth_views.LogoutView):
    template_name = "registration/logged_out.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PortalPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


@role_required("core.manage_users")
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    users = get_user_model().objects.prefetch_related("groups").order_by("username")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    for account in page:
        # A flag for the template on each row (not a field of the model).
        account.manageable = may_manage(actor=request.user, account=account)  # type: ignore[attr-defined]
    return render(request, "accounts/user_list.html", {"page": page})


@role_required("core.manage_users")
def user_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, roles=roles_grantable_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"] or None,
                password=form.cleaned_data["password"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(request, f"{user.username} has been added.")
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": "Add a user"})


@role_required("core.manage_users")
def user_update_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk)
    if not may_manage(actor=request.user, account=user):
        raise PermissionDenied("Only a superuser can change this account")
    current_role = user.groups.filter(name__in=ROLE_PERMISSIONS).values_list("name", flat=True)
    initial = {
        "email": user.email,
        "role": next(iter(current_role), ""),
        "is_active": user.is_active,
    }
    # The roles this person may give, and the account's own (so the form shows it).
    roles = {*roles_grantable_by(request.user), initial["role"]}
    form = UserUpdateForm(request.POST or None, initial=initial, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(
                user=user,
                changed_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"] or None,
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{user.username} has been updated.")
            return redirect("accounts:users")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": f"Change {user.username}", "account": user},
    )
