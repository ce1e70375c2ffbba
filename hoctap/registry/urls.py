from django.urls import path

from hoctap.registry import views

app_name = "registry"
urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/new", views.person_create, name="person_create"),
    path("persons/export.csv", views.person_export, {"fmt": "csv"}, name="person_export_csv"),
    path("persons/export.xlsx", views.person_export, {"fmt": "xlsx"}, name="person_export_xlsx"),
    path("persons/<int:person_id>/", views.person_detail, name="person_detail"),
    path("persons/<int:person_id>/edit", views.person_edit, name="person_edit"),
    path("persons/<int:person_id>/status", views.person_status, name="person_status"),
    path("persons/<int:person_id>/reveal", views.person_reveal, name="person_reveal"),
    path("households/", views.household_list, name="household_list"),
    path("households/new", views.household_create, name="household_create"),
    path(
        "households/export.csv",
        views.household_export,
        {"fmt": "csv"},
        name="household_export_csv",
    ),
    path(
        "households/export.xlsx",
        views.household_export,
        {"fmt": "xlsx"},
        name="household_export_xlsx",
    ),
    path("households/<str:code>/", views.household_detail, name="household_detail"),
    path("households/<str:code>/edit", views.household_edit, name="household_edit"),
    path("clans/", views.clan_list, name="clan_list"),
    path("clans/new", views.clan_create, name="clan_create"),
    path("clans/export.csv", views.clan_export, {"fmt": "csv"}, name="clan_export_csv"),
    path("clans/export.xlsx", views.clan_export, {"fmt": "xlsx"}, name="clan_export_xlsx"),
    path("clans/<str:code>/", views.clan_detail, name="clan_detail"),
    path("clans/<str:code>/edit", views.clan_edit, name="clan_edit"),
    path("memberships/", views.membership_list, name="membership_list"),
    path("memberships/new", views.membership_create, name="membership_create"),
    path(
        "memberships/export.csv",
        views.membership_export,
        {"fmt": "csv"},
        name="membership_export_csv",
    ),
    path(
        "memberships/export.xlsx",
        views.membership_export,
        {"fmt": "xlsx"},
        name="membership_export_xlsx",
    ),
    path("memberships/<int:membership_id>/", views.membership_detail, name="membership_detail"),
    path("memberships/<int:membership_id>/end", views.membership_end, name="membership_end"),
]
