from django.contrib.auth import views as auth_views
from django.urls import path

from hoctap.accounts import views
from hoctap.accounts.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=LoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("users/", views.user_list, name="user_list"),
    path("users/new", views.user_create, name="user_create"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
    path("users/<str:username>/grants/new", views.grant_create, name="grant_create"),
    path("grants/<int:grant_id>/revoke", views.grant_revoke, name="grant_revoke"),
    path("account/password", views.own_password, name="own_password"),
    path("account/tokens", views.token_list, name="token_list"),
    path("account/tokens/<int:token_id>/revoke", views.token_revoke, name="token_revoke"),
]
