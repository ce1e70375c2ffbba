from django.urls import URLPattern, path

from hoctap.registry import views

app_name = "registry"


def _register(prefix: str, name: str, register: str) -> list[URLPattern]:
    """The list of a register and its two exports."""
    return [
        path(f"{prefix}/", views.register_list, {"register": register}, name=f"{name}_list"),
        path(
            f"{prefix}/export.csv",
            views.register_export,
            {"register": register, "fmt": "csv"},
            name=f"{name}_export_csv",
        ),
        path(
            f"{prefix}/export.xlsx",
            views.register_export,
            {"register": register, "fmt": "xlsx"},
            name=f"{name}_export_xlsx",
        ),
    ]


urlpatterns = [
    *_register("persons", "person", "persons"),
    path("persons/new", views.person_create, name="person_create"),
    path("persons/<int:person_id>/", views.person_detail, name="person_detail"),
    path("persons/<int:person_id>/edit", views.person_edit, name="person_edit"),
    path("persons/<int:person_id>/status", views.person_status, name="person_status"),
    path("persons/<int:person_id>/reveal", views.person_reveal, name="person_reveal"),
    *_register("households", "household", "households"),
    path("households/new", views.household_create, name="household_create"),
    path("households/<str:code>/", views.household_detail, name="household_detail"),
    path("households/<str:code>/edit", views.household_edit, name="household_edit"),
    *_register("clans", "clan", "clans"),
    path("clans/new", views.clan_create, name="clan_create"),
    path("clans/<str:code>/", views.clan_detail, name="clan_detail"),
    path("clans/<str:code>/edit", views.clan_edit, name="clan_edit"),
    *_register("memberships", "membership", "memberships"),
    path("memberships/new", views.membership_create, name="membership_create"),
    path("memberships/<int:membership_id>/", views.membership_detail, name="membership_detail"),
    path("memberships/<int:membership_id>/end", views.membership_end, name="membership_end"),
]
