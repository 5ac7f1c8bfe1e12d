from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("users/register", views.RegisterView.as_view(), name="users-register"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/profile", views.ProfileView.as_view(), name="auth-profile"),
    path("auth/change-password", views.ChangePasswordView.as_view(), name="auth-change-password"),
    path("users", views.UserListView.as_view(), name="users"),
    path("users/otp/send", views.OtpSendView.as_view(), name="users-otp-send"),
    path("users/otp/verify", views.OtpVerifyView.as_view(), name="users-otp-verify"),
    path("users/seed-dummy", views.DemoUserView.as_view(), name="users-seed-dummy"),
    path("users/reset-password", views.ResetPasswordView.as_view(), name="users-reset-password"),
]
