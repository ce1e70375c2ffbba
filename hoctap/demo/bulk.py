"""Explicit keys for generated rows: the demo numbers its households, persons and clans itself,
so that they can point at each other before anything is written. The rows themselves are
written with `hoctap.core.bulk` (multi-row INSERT / COPY), bypassing the ORM: the generator
guarantees the register rules, and the database still checks every constraint.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model


def next_id(model: type[Model]) -> int:
    """The first free primary key of `model`'s table."""
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """After explicit keys, the next key the database gives must come after them (PostgreSQL;
    SQLite's AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
