"""Who is asking, from where, under which request id: read by the audit log.

A context variable rather than a thread-local so it also holds under ASGI. Services never
read the request itself; the middleware (or a CLI command / task) sets this context.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None
    channel: str  # "web", "api", "cli", "task"


_current: ContextVar[RequestContext | None] = ContextVar("hoctap_request_context", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(request_id=uuid.uuid4().hex, ip_address=None, channel="code")
    return ctx


@contextlib.contextmanager
def bound(
    *, channel: str, request_id: str | None = None, ip_address: str | None = None
) -> Iterator[RequestContext]:
    ctx = RequestContext(
        request_id=request_id or uuid.uuid4().hex, ip_address=ip_address, channel=channel
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
