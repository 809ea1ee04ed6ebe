from django.urls import path

from arp_portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.LoginView.as_view(), name="login"),
    path("sign-out/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_update_view, name="user_update"),
]
