from django.urls import path

from hoctap.geo import views

app_name = "geo"
urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/villages/new", views.village_create, name="village_create"),
    path("units/<str:code>/edit", views.village_edit, name="village_edit"),
    path("units/<str:code>/close", views.unit_close, name="unit_close"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new", views.organisation_create, name="organisation_create"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<str:code>/edit", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<str:code>/deactivate",
        views.organisation_deactivate,
        name="organisation_deactivate",
    ),
]
