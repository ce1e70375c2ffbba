from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config.api import api
from hoctap.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("hoctap.core.urls")),
    path("", include("hoctap.accounts.urls")),
    path("", include("hoctap.geo.urls")),
    path("", include("hoctap.audit.urls")),
    path("", include("hoctap.registry.urls")),
    path("", include("hoctap.imports.urls")),
    path("", include("hoctap.learning.urls")),
]

# Django's own 400 page is English and renders without the request (so without the site's
# layout); CSRF failures are set in the settings (CSRF_FAILURE_VIEW).
handler400 = "hoctap.core.views.bad_request"
