# noqa: N999 -- the command is `hoctap import`, so the module is named import
"""`hoctap import KIND FILE [--dry-run] [--errors OUT.csv] [--skipped OUT.csv]`: one file, all
or nothing. Rows a kind skips (a completion whose ID number names nobody in the register) do
not reject the file: their count is printed, the first of them, and all with `--skipped`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoctap.accounts.permissions import SYSTEM
from hoctap.core import request_context
from hoctap.core.errors import DomainError
from hoctap.core.formatting import show_number
from hoctap.imports import services
from hoctap.imports.kinds import RowError, kind_names

ERRORS_SHOWN = 20


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the language the command runs in (see hoctap/cli.py)
        self.help = _(
            "Import a CSV or XLSX file: every row checked first, then all written or none."
        )

    # The system checks would import every page and API module (the URL configuration) for
    # nothing the import uses: about half a second of each run. `hoctap check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=kind_names(), help=_("What the file holds."))
        parser.add_argument("file", type=Path, help=_("A CSV (UTF-8) or XLSX file."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and print the counts only."),
        )
        parser.add_argument(
            "--errors",
            type=Path,
            metavar="OUT.csv",
            help=_("Write every error to this CSV file."),
        )
        parser.add_argument(
            "--skipped",
            type=Path,
            metavar="OUT.csv",
            help=_("Write every skipped row (e.g. an unmatched ID number) to this CSV file."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        path: Path = options["file"]
        kind = services.kind_get(options["kind"])
        show_progress = sys.stderr.isatty()
        size = path.stat().st_size if path.exists() else 0

        def progress(rows: int) -> None:
            if show_progress:
                # the reader runs ahead of the rows by its buffer: the share read is close enough
                share = min(stream.tell() / size, 1.0) if size else 1.0
                bar = "#" * int(share * 30)
                counted = _("%(rows)s rows") % {"rows": show_number(rows)}
                sys.stderr.write(f"\r[{bar:<30}] {share:4.0%}  {counted}")
                sys.stderr.flush()

        try:
            stream = path.open("rb")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        with stream, request_context.bound(channel="cli"):
            try:
                result = services.import_file(
                    actor=SYSTEM,
                    kind=kind,
                    stream=stream,
                    dry_run=options["dry_run"],
                    file_name=path.name,
                    on_progress=progress,
                )
            except DomainError as exc:
                raise CommandError(f"{exc.message} {_('Nothing was written.')}") from exc
            finally:
                if show_progress:
                    sys.stderr.write("\n")
        if options["errors"] is not None:
            options["errors"].write_bytes(services.errors_csv(result.errors))
        if options["skipped"] is not None:
            options["skipped"].write_bytes(services.skipped_csv(result.skipped))
        if result.rejected:
            self._show(result.errors)
            raise CommandError(
                ngettext(
                    "rejected: %(errors)s error in %(rows)s rows; nothing written",
                    "rejected: %(errors)s errors in %(rows)s rows; nothing written",
                    len(result.errors),
                )
                % {"errors": show_number(len(result.errors)), "rows": show_number(result.rows)}
            )
        if result.skipped:
            self.stderr.write(_("skipped rows (not imported):"))
            self._show(result.skipped)
        counts = {
            "created": show_number(result.created),
            "updated": show_number(result.updated),
            "unchanged": show_number(result.unchanged),
            "skipped": show_number(result.skipped_count),
            "rows": show_number(result.rows),
            "seconds": show_number(time.perf_counter() - started, 2),
        }
        if options["dry_run"] and result.skipped:
            summary = _(
                "would create %(created)s, update %(updated)s, leave unchanged %(unchanged)s, "
                "skip %(skipped)s (%(rows)s rows, %(seconds)s s) — dry run, nothing written"
            )
        elif options["dry_run"]:
            summary = _(
                "would create %(created)s, update %(updated)s, leave unchanged %(unchanged)s "
                "(%(rows)s rows, %(seconds)s s) — dry run, nothing written"
            )
        elif result.skipped:
            summary = _(
                "created %(created)s, updated %(updated)s, unchanged %(unchanged)s, "
                "skipped %(skipped)s (%(rows)s rows, %(seconds)s s)"
            )
        else:
            summary = _(
                "created %(created)s, updated %(updated)s, unchanged %(unchanged)s "
                "(%(rows)s rows, %(seconds)s s)"
            )
        self.stdout.write(summary % counts)

    def _show(self, problems: list[RowError]) -> None:
        """The first rows of a report on stderr (the CSV files have them all)."""
        for error in problems[:ERRORS_SHOWN]:
            where = (
                _("row %(row)s, column %(column)s") % {"row": error.row, "column": error.column}
                if error.column
                else _("row %(row)s") % {"row": error.row}
            )
            value = f" “{error.value}”" if error.value else ""
            self.stderr.write(f"{where}{value}: {error.message}")
        more = len(problems) - ERRORS_SHOWN
        if more > 0:
            self.stderr.write(_("... and %(count)s more") % {"count": show_number(more)})
