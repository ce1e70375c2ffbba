from django.urls import path

from hoctap.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/progress", views.import_progress, name="import_progress"),
    path("imports/<int:job_id>/confirm", views.import_confirm, name="import_confirm"),
    path("imports/<int:job_id>/errors.csv", views.import_errors_csv, name="import_errors_csv"),
    path("imports/<int:job_id>/skipped.csv", views.import_skipped_csv, name="import_skipped_csv"),
]
