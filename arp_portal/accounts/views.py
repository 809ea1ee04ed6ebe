from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy

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
from arp_portal.core.decorators import AuthenticatedRequest, role_required
from arp_portal.core.roles import ROLE_PERMISSIONS


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


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
