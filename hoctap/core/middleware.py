from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from hoctap.core import request_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from. Behind N reverse proxies of ours
    (`HOCTAP_TRUST_X_FORWARDED_FOR=N`), the N-th address from the right of X-Forwarded-For:
    each proxy appends the address that connected to it, so the right-most entries are the
    ones our proxies wrote; whatever stands left of them the client sent, and may have forged
    (it would give every failed sign-in a new address, ADR 0015)."""
    proxies = settings.HOCTAP_TRUST_X_FORWARDED_FOR
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[max(len(hops) - proxies, 0)]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives each request an id (or keeps a well-formed X-Request-ID) and records the client IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else None
        channel = "api" if request.path.startswith("/api/") else "web"
        with request_context.bound(
            channel=channel, request_id=request_id, ip_address=client_ip(request)
        ) as ctx:
            request.request_id = ctx.request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response


class LanguageMiddleware:
    """Vietnamese first: the language chosen with the switcher (a cookie), else Vietnamese.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an officer whose
    browser is set to English would land on English pages; here only an explicit choice does.
    The API (`/api/`) is the exception: its clients (scripts, other systems) carry no cookie and
    choose with `Accept-Language: en`; the cookie, when there is one, still comes first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        api = request.path.startswith("/api/")
        if chosen in self.supported:
            language = chosen
        elif api:
            language = translation.get_language_from_request(request)  # Accept-Language
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if api else ("Cookie",))
        translation.deactivate()
        return response
