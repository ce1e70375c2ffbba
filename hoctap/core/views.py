"""Views every app shares, and the helpers pages use to turn domain errors into responses."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from hoctap.core.errors import NotFound, PermissionDenied

PAGE_SIZE = 50
V = TypeVar("V", bound=Callable[..., HttpResponse])


def domain_errors_as_http(view: V) -> V:
    """Reads that raise NotFound answer 404; PermissionDenied answers 403.

    (Writes go through `hoctap.core.forms.submit`, which also maps InvalidInput and Conflict
    onto the form.)
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise HttpPermissionDenied(exc.message) from exc

    return wrapper  # type: ignore[return-value]


def page_of(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int = PAGE_SIZE
) -> Page:
    """The page `?page=N` of `items` (the last page when N is too big, the first when junk)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


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


def _in_language(chunks: Iterator[bytes], language: str | None) -> Iterator[bytes]:
    """The chunks, made in `language`: a streamed body is made after the middleware has
    switched the request's language off, so it would come out in the default language."""
    with translation.override(language):
        yield from chunks


def export_response(export: Any) -> HttpResponse | StreamingHttpResponse:
    """The download of an export (`chunks` of a CSV, streamed, or an XLSX `file`), in the
    request's language, never cached (it holds personal data)."""
    response: HttpResponse | StreamingHttpResponse
    if export.chunks is not None:
        chunks = _in_language(export.chunks, translation.get_language())
        response = StreamingHttpResponse(chunks, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    else:
        response = FileResponse(
            export.file,
            as_attachment=True,
            filename=export.file_name,
            content_type=export.content_type,
        )
    response["Cache-Control"] = "no-store"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token, or with a stale one (a page left open for long,
    cookies blocked): said in the user's language, with what to do. Django's own page is in
    English and speaks to developers (`CSRF_FAILURE_VIEW`)."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: a request the server cannot take (too many form fields, a malformed upload)."""
    return render(request, "400.html", status=400)
