"""Domain errors. Services raise these; the API and pages turn them into responses.

They never carry HTTP knowledge: the mapping to status codes lives in one place
(`hoctap.core.api` for the API, `hoctap.core.views` for pages).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise


class DomainError(Exception):
    """Base of every error a service may raise on purpose."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


class NotFound(DomainError):
    """The record does not exist, or lies outside the actor's scope (the two look the same)."""


class PermissionDenied(DomainError):
    """The actor sees the record but may not do this to it."""


class Conflict(DomainError):
    """The change contradicts the current state (e.g. closing a unit that is already closed)."""


class InvalidInput(DomainError):
    """Input that breaks a rule; names each field that is wrong and why."""

    def __init__(self, errors: Mapping[str, str | Promise] | str | Promise) -> None:
        if isinstance(errors, Mapping):
            self.errors = {field: str(msg) for field, msg in errors.items()}
        else:
            self.errors = {"__all__": str(errors)}
        summary = "; ".join(
            msg if field == "__all__" else f"{field}: {msg}" for field, msg in self.errors.items()
        )
        super().__init__(summary)


def failure_message(exc: BaseException) -> str:
    """What a user is told when a background job stops on `exc`: a domain error's own message
    (already in their language); anything else is a bug, whose text (Python's, in English,
    perhaps about the code) belongs in the server's log, not on the page."""
    from django.utils.translation import gettext as _

    message = getattr(exc, "message", None)
    if isinstance(exc, DomainError) and message:
        return str(message)
    return _("It stopped on an unexpected error (%(kind)s); the details are in the server log.") % {
        "kind": type(exc).__name__
    }
