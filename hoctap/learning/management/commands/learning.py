"""`hoctap learning load-frameworks`: load the shipped digital-skills frameworks (Circular
02/2025/TT-BGDĐT, Decision 757/QĐ-BKHCN) — what is missing is added, edited names are kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import SYSTEM
from hoctap.core import request_context
from hoctap.core.errors import DomainError
from hoctap.learning.services.frameworks import frameworks_load


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the language the command runs in (see hoctap/cli.py)
        self.help = _("Learning: load the digital-skills frameworks (reference data).")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "load-frameworks",
            help=_("Add the shipped areas and competencies that are missing (safe to re-run)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context.bound(channel="cli"):
            try:
                result = frameworks_load(actor=SYSTEM)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "areas added %(areas_added)s, competencies added %(competencies_added)s "
                "(now %(areas)s areas, %(competencies)s competencies)"
            )
            % {
                "areas_added": result.areas_added,
                "competencies_added": result.competencies_added,
                "areas": result.areas_total,
                "competencies": result.competencies_total,
            }
        )
