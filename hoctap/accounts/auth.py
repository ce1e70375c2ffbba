"""Loading the signed-in user of a request in one plain statement.

Django's `ModelBackend.get_user` runs an ORM query on every signed-in request; this backend
reads the same row with one prepared statement and builds the user with `Model.from_db`, after
the database's and the fields' converters, as the ORM itself does. Signing in (checking a
password) is `ModelBackend`'s, unchanged; the learners' backend
(`hoctap.learning.auth.LearnerBackend`) inherits this one. See docs/adr/0013-learning.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from hoctap.accounts.models import User

Converter = Callable[[Any, Any, Any], Any]


@cache
def _query_and_converters(alias: str) -> tuple[str, list[tuple[int, Any, list[Converter]]]]:
    """The SELECT of a user by id, and the converters of each column (per database)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = User._meta.concrete_fields
    table = User._meta.db_table
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = (
        f"SELECT {columns} "  # noqa: S608 - our columns
        f"FROM {quote(table)} WHERE {quote(str(User._meta.pk.column))} = %s"
    )
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(table)
        found = [
            *connection.ops.get_db_converters(column),
            *field.get_db_converters(connection),
        ]
        if found:
            converters.append((index, column, found))
    return sql, converters


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        alias = router.db_for_read(User)
        connection = connections[alias]
        sql, converters = _query_and_converters(alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, column, functions in converters:
            for function in functions:
                values[index] = function(values[index], column, connection)
        user = User.from_db(alias, [f.attname for f in User._meta.concrete_fields], values)
        return user if self.user_can_authenticate(user) else None
