"""What every API router shares: error responses as {"detail": ...} with the right status."""

import logging
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination
from ninja.renderers import JSONRenderer
from pydantic import Field

from hoctap.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from hoctap.core.formatting import show_number

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

# The last page number a list answers: 100 million rows at 100 a page, beyond any list here.
# Unbounded, a page number like 10**17 made an offset the database could not hold (a 500).
MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    """`?page=N` (1 to MAX_PAGE) of 100 items; `?page_size=N` asks for fewer."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)


def _field_of(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


def _kind_of(error_type: str) -> str | None:
    """The kind of value a pydantic error type is about: `int_parsing` → int."""
    for kind in ("int", "float", "decimal", "bool", "date", "datetime", "time", "uuid"):
        if error_type.startswith(f"{kind}_"):
            return kind
    return None


def validation_message(error: dict[str, Any]) -> str:
    """Pydantic's message for a bad value, in the user's language: pydantic writes English
    only. Types not listed here (rare in this API) get a general message."""
    kind = error.get("type", "")
    limits = error.get("ctx") or {}

    def limit(name: str) -> str:
        value = limits.get(name)
        return show_number(value) if isinstance(value, int | float) else str(value)

    if kind == "missing":
        return _("This field is required.")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        messages = {
            "greater_than_equal": (_("Must be at least %(limit)s."), "ge"),
            "greater_than": (_("Must be greater than %(limit)s."), "gt"),
            "less_than_equal": (_("Must be at most %(limit)s."), "le"),
            "less_than": (_("Must be less than %(limit)s."), "lt"),
        }
        message, name = messages[kind]
        return message % {"limit": limit(name)}
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": limit("max_length")}
    if kind == "string_too_short":
        return _("At least %(n)s characters.") % {"n": limit("min_length")}
    if kind == "too_long":
        return _("At most %(n)s items.") % {"n": limit("max_length")}
    if kind == "too_short":
        return _("At least %(n)s items.") % {"n": limit("min_length")}
    if kind in ("literal_error", "enum"):
        return _("Not one of the allowed values: %(allowed)s.") % {
            "allowed": limits.get("expected")
        }
    if kind in ("string_type", "string_pattern_mismatch"):
        return _("Enter a text value.") if kind == "string_type" else _("Not in the expected form.")
    if kind in ("list_type", "set_type", "tuple_type"):
        return _("Send a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Send an object.")
    value_kind = _kind_of(kind)
    if value_kind in ("int",):
        return _("Enter a whole number.")
    if value_kind in ("float", "decimal"):
        return _("Enter a number.")
    if value_kind == "bool":
        return _("Enter true or false.")
    if value_kind == "date":
        return _("Enter a date as YYYY-MM-DD.")
    if value_kind in ("datetime", "time"):
        return _("Enter a date and time in ISO 8601 form.")
    if kind == "value_error":  # a validator of ours: its message is already translated
        return str(limits.get("error", error.get("msg", ""))) or _("Not a valid value.")
    return _("Not a valid value.")


# django-ninja's own messages (English only), in the user's language
_NINJA_MESSAGES = {
    "Cannot parse request body": lambda: _("The request body cannot be read: send valid JSON."),
    "CSRF check Failed": lambda: _(
        "The security token (CSRF) is missing or wrong: reload the page and try again."
    ),
}


def _roll_back_the_request() -> None:
    """Mark the request's own transaction (ATOMIC_REQUESTS) for rollback: the handler answers
    inside it, and a transaction left open would commit what the failed call began. Services'
    own `transaction.atomic` blocks have already rolled back by then: the exception left them
    before it reached the handler. (As Django REST framework does.)"""
    for connection in connections.all(initialized_only=True):
        if connection.settings_dict.get("ATOMIC_REQUESTS") and connection.in_atomic_block:
            connection.set_rollback(True)


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
            errors.setdefault(_field_of(list(err.get("loc", []))), validation_message(err))
        detail = "; ".join(f"{field}: {msg}" for field, msg in errors.items())
        return api.create_response(request, {"detail": detail, "errors": errors}, status=400)

    def auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": _("Sign in, or send a valid API token (Authorization: Bearer …).")},
            status=401,
        )

    def http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, HttpError)
        message = str(exc)
        translated = _NINJA_MESSAGES.get(message.split(" (", 1)[0])  # DEBUG adds " (reason)"
        detail = translated() if translated is not None else message
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A number the database cannot hold (SQLite raises OverflowError above 2**63 - 1), or a
        # date pushed past year 9999: bad input that a schema did not bound. Logged (so the
        # schema can be given a bound), answered as bad input.
        _roll_back_the_request()
        logger.warning("Value out of range in %s %s: %s", request.method, request.path, exc)
        detail = _("A number or a date in the request is too large.")
        return api.create_response(request, {"detail": detail}, status=400)

    def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A bug, not bad input: logged with its traceback, answered in the API's own shape.
        _roll_back_the_request()
        logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
        detail = _("Internal server error; it has been recorded in the server log.")
        return api.create_response(request, {"detail": detail}, status=500)

    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, unexpected_error),
        (OverflowError, too_large),
        (DomainError, domain_error),
        (NinjaValidationError, validation_error),
        (AuthenticationError, auth_error),
        (HttpError, http_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
