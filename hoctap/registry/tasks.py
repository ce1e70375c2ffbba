"""The registers' background work."""

from __future__ import annotations

from django_tasks import task

from hoctap.registry import services


@task()
def register_tables_tidy_task() -> None:
    """Queued when a big import of persons or households commits; safe to run any time."""
    services.register_tables_tidy()
