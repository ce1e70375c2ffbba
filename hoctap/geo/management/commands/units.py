"""`hoctap units load-official [--province CODE]` and `hoctap units rebuild-closure`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hoctap.core import request_context
from hoctap.core.errors import DomainError
from hoctap.core.formatting import show_number
from hoctap.geo import services, tasks


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the language the command runs in (see hoctap/cli.py)
        self.help = _("Administrative units: load the official register, rebuild derived tables.")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-official", help=_("Load the 34 provinces and 3,321 communes."))
        load.add_argument("--province", help=_("Only this province (2-digit code, e.g. 15)."))
        rebuild = sub.add_parser(
            "rebuild-closure",
            help=_("Recompute the hierarchy tables from parent links."),
        )
        for command in (load, rebuild):
            command.add_argument(
                "--background",
                action="store_true",
                help=_("Queue the job for the task worker instead of running it here."),
            )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["background"]:
            if options["action"] == "load-official":
                task_id = tasks.units_load_official_task.enqueue(options["province"]).id
            else:
                task_id = tasks.closure_rebuild_task.enqueue().id
            self.stdout.write(_("queued task %(id)s") % {"id": task_id})
            return
        with request_context.bound(channel="cli"):
            try:
                if options["action"] == "load-official":
                    result = services.units_load_official(province_code=options["province"])
                    self.stdout.write(
                        _(
                            "created %(created)s, updated %(updated)s, unchanged %(unchanged)s "
                            "(%(seconds)s s)"
                        )
                        % {
                            "created": show_number(result.created),
                            "updated": show_number(result.updated),
                            "unchanged": show_number(result.unchanged),
                            "seconds": show_number(time.perf_counter() - started, 2),
                        }
                    )
                else:
                    units = services.unit_closure_rebuild()
                    orgs = services.organisation_closure_rebuild()
                    self.stdout.write(
                        _("unit closure rows %(units)s, organisation closure rows %(orgs)s")
                        % {"units": show_number(units), "orgs": show_number(orgs)}
                    )
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
