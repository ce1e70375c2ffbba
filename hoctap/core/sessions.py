"""The database session store, with its one read per request in plain SQL.

Every signed-in request reads its session; Django's store builds that read through the ORM
(a queryset, a compiled query, a model instance), which costs several times the query itself.
This store reads the same row with one prepared statement and is otherwise Django's
`django.contrib.sessions.backends.db.SessionStore` (writes, expiry, `clearsessions`): the
session table and its rows are unchanged. See docs/adr/0013-learning.md ("the busiest path").
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        using = router.db_for_read(model, instance=None)
        connection = connections[using]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} "  # noqa: S608 - the model's own table
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key or "", session_data=row[0])
