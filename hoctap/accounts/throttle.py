"""Too many failed attempts to prove who one is: a sign-in with a wrong password, a resident's
sign-up with an ID number and a birth date that do not match the register.

Each failure is counted for the hour it happened in, per key: the user name or ID number tried,
and the client's address. Once a key has reached its limit in the current hour, further
attempts with it are refused before anything is checked, until the next hour. Without this,
anyone could try the 36,500 birth dates of a century against a neighbour's ID number and sign up
as them, or guess passwords without end (docs/adr/0015-failed-attempts.md).

The counts live in the database (`FailedAttempt`), which every worker process shares and which
is all Hoctap needs by default; a cache-based limiter would need Redis or Memcached for an
atomic, shared count. Keys are stored as a keyed digest (HMAC with the SECRET_KEY), so the table
holds no ID numbers. Record failures outside the transaction of the refused request (the
callers run none).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy

from hoctap.accounts.models import FailedAttempt
from hoctap.core import request_context

KEPT = datetime.timedelta(days=2)  # older counts are deleted when a failure is recorded
TOO_MANY_ATTEMPTS = gettext_lazy(
    "Too many failed attempts. Try again in an hour, or ask your commune's officer for help."
)


def _hour(now: datetime.datetime) -> datetime.datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _digest(scope: str, key: str, value: str) -> str:
    return salted_hmac(f"hoctap.throttle.{scope}.{key}", value.strip().lower()).hexdigest()


def _limits(scope: str) -> dict[str, int]:
    return dict(settings.HOCTAP_FAILED_ATTEMPT_LIMITS[scope])


def _keys(scope: str, values: dict[str, str | None]) -> list[tuple[str, int]]:
    """(digest, limit) of each value given (None or blank values are not counted)."""
    limits = _limits(scope)
    return [
        (_digest(scope, key, value), limits[key])
        for key, value in values.items()
        if value and value.strip() and key in limits
    ]


def client_address() -> str | None:
    return request_context.current().ip_address


def attempts_blocked(scope: str, values: dict[str, str | None]) -> bool:
    """True when one of `values` (e.g. {"name": the ID number, "address": the client's}) has
    reached its limit of failures in the current hour."""
    keys = _keys(scope, values)
    if not keys:
        return False
    counts = dict(
        FailedAttempt.objects.filter(
            scope=scope,
            window_start=_hour(timezone.now()),
            key_digest__in=[digest for digest, _limit in keys],
        ).values_list("key_digest", "failures")
    )
    return any(counts.get(digest, 0) >= limit for digest, limit in keys)


def attempt_failed(scope: str, values: dict[str, str | None]) -> None:
    """Count one failure for each of `values` in the current hour (an atomic upsert each)."""
    keys: Sequence[tuple[str, int]] = _keys(scope, values)
    if not keys:
        return
    now = timezone.now()
    hour = connection.ops.adapt_datetimefield_value(_hour(now))
    table = connection.ops.quote_name(FailedAttempt._meta.db_table)
    with connection.cursor() as cursor:
        for digest, _limit in keys:
            cursor.execute(
                f"INSERT INTO {table} (scope, key_digest, window_start, failures) "  # noqa: S608
                "VALUES (%s, %s, %s, 1) ON CONFLICT (scope, key_digest, window_start) "
                f"DO UPDATE SET failures = {table}.failures + 1",
                [scope, digest, hour],
            )
    FailedAttempt.objects.filter(window_start__lt=now - KEPT).delete()
