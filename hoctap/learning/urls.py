from hoctap.learning.views import (
    catalogue,
    certificates,
    classes,
    groups,
    home,
    learners,
    portal,
    reports,
    verify,
)

app_name = "learning"
urlpatterns = [
    *home.urlpatterns,
    *portal.urlpatterns,
    *verify.urlpatterns,
    *certificates.urlpatterns,
    *catalogue.urlpatterns,
    *learners.urlpatterns,
    *classes.urlpatterns,
    *groups.urlpatterns,
    *reports.urlpatterns,
]
