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

from hoctap.accounts.permissions import SYSTEM
from hoctap.core import request_context
from hoctap.core.errors import DomainError
from hoctap.imports import services
from hoctap.imports.kinds import RowError, kind_names

ERRORS_SHOWN = 20


class Command(BaseCommand):
    help = "Import a CSV or XLSX file: every row checked first, then all written or none."
    # The system checks would import every page and API module (the URL configuration) for
    # nothing the import uses: about half a second of each run. `hoctap check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=kind_names(), help="What the file holds.")
        parser.add_argument("file", type=Path, help="A CSV (UTF-8) or XLSX file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and print the counts only."
        )
        parser.add_argument(
            "--errors", type=Path, metavar="OUT.csv", help="Write every error to this CSV file."
        )
        parser.add_argument(
            "--skipped",
            type=Path,
            metavar="OUT.csv",
            help="Write every skipped row (e.g. an unmatched ID number) to this CSV file.",
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
                sys.stderr.write(f"\r[{bar:<30}] {share:4.0%}  {rows:,} rows")
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
                raise CommandError(f"{exc.message} Nothing was written.") from exc
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
                f"rejected: {len(result.errors)} error(s) in {result.rows} rows; nothing written"
            )
        if result.skipped:
            self.stderr.write("skipped rows (not imported):")
            self._show(result.skipped)
        verb = "would create" if options["dry_run"] else "created"
        would = "would skip" if options["dry_run"] else "skipped"
        skipped = f", {would} {result.skipped_count}" if result.skipped else ""
        self.stdout.write(
            f"{verb} {result.created}, updated {result.updated}, unchanged {result.unchanged}"
            f"{skipped} ({result.rows} rows, {time.perf_counter() - started:.2f} s)"
            + (" — dry run, nothing written" if options["dry_run"] else "")
        )

    def _show(self, problems: list[RowError]) -> None:
        """The first rows of a report on stderr (the CSV files have them all)."""
        for error in problems[:ERRORS_SHOWN]:
            where = f"row {error.row}" + (f", column {error.column}" if error.column else "")
            value = f" “{error.value}”" if error.value else ""
            self.stderr.write(f"{where}{value}: {error.message}")
        more = len(problems) - ERRORS_SHOWN
        if more > 0:
            self.stderr.write(f"... and {more} more")
