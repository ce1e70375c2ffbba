from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database's state when it answers; 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse(
            {
                "status": "error",
                "database": {"vendor": connection.vendor, "ok": False, "error": str(exc)},
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": {"vendor": connection.vendor, "ok": True}})


def ping(request: HttpRequest) -> HttpResponse:
    """A trivial view: the baseline the benchmarks compare real pages against."""
    return HttpResponse("ok", content_type="text/plain")
