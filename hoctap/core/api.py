"""What every API router shares: error responses as {"detail": ...} with the right status."""

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from hoctap.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied

logger = logging.getLogger(__name__)


class Utf8JSONRenderer(JSONRenderer):
    """JSON in UTF-8 as is ("Lào Cai", not "L\\u00e0o Cai"): readable with curl, smaller."""

    json_dumps_params = {"ensure_ascii": False}


class AuthedRequest(HttpRequest):
    """The request an API endpoint receives: `auth` is the user the API authenticated."""

    auth: Any


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] | None = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _field_of(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    def domain_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        status = 400
        body: dict[str, Any] = {"detail": str(exc)}
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, PermissionDenied):
            status = 403
        elif isinstance(exc, Conflict):
            status = 409
        elif isinstance(exc, InvalidInput):
            body["errors"] = exc.errors
        return api.create_response(request, body, status=status)

    def validation_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, NinjaValidationError)
        errors: dict[str, str] = {}
        for err in exc.errors:
            errors.setdefault(_field_of(list(err.get("loc", []))), str(err.get("msg", "invalid")))
        detail = "; ".join(f"{field}: {msg}" for field, msg in errors.items())
        return api.create_response(request, {"detail": detail, "errors": errors}, status=400)

    def auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "Authentication credentials were not provided or are invalid."},
            status=401,
        )

    def http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, HttpError)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A bug, not bad input: logged with its traceback, answered in the API's own shape.
        logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(request, {"detail": "Internal server error."}, status=500)

    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, unexpected_error),
        (DomainError, domain_error),
        (NinjaValidationError, validation_error),
        (AuthenticationError, auth_error),
        (HttpError, http_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
