from django.urls import path
from django.views.generic import RedirectView

from hoctap.core import views

app_name = "core"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:home"), name="home"),
    path("ping", views.ping, name="ping"),
]
