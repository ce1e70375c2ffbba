from django.urls import path

from hoctap.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:entry_id>/", views.audit_detail, name="audit_detail"),
]
