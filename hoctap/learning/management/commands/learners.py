"""`hoctap learners create-accounts --org CODE [--position POSITION] [--sheet FILE]`: learner
accounts for an organisation's current members (and those of the organisations beneath it),
run here and now with a progress line, as the system actor.

The account sheet (names, masked ID numbers, temporary passwords) is written to FILE (`.csv` or
`.xlsx`; by default `accounts-<CODE>-<batch>.csv` in the current directory, readable by its
owner only) and then removed from the server's storage, so the passwords are in one place."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import SYSTEM
from hoctap.core import request_context
from hoctap.core.errors import DomainError
from hoctap.core.formatting import show_number
from hoctap.learning.models import AccountBatch, JobStatus
from hoctap.learning.services import account_batches
from hoctap.registry.models import Position


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the language the command runs in (see hoctap/cli.py)
        self.help = _("Learner accounts: create them for an organisation's members.")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create-accounts",
            help=_(
                "Accounts with temporary passwords for the current members of an "
                "organisation and of those beneath it who live here and have none yet."
            ),
        )
        create.add_argument("--org", required=True, metavar="CODE", help=_("Organisation code."))
        create.add_argument(
            "--position",
            default="",
            choices=["", *Position.values],
            help=_("One position only."),
        )
        create.add_argument(
            "--sheet",
            type=Path,
            metavar="FILE",
            help=_("Where to write the account sheet (.csv or .xlsx)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        sheet_path: Path | None = options["sheet"]
        if sheet_path is not None and sheet_path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(_("--sheet must name a .csv or .xlsx file"))
        show_progress = sys.stderr.isatty()

        def progress(batch: AccountBatch) -> None:
            if show_progress and batch.total:
                share = batch.done / batch.total
                members = _("%(done)s / %(total)s members") % {
                    "done": show_number(batch.done),
                    "total": show_number(batch.total),
                }
                sys.stderr.write(f"\r[{'#' * int(share * 30):<30}] {share:4.0%}  {members}")
                sys.stderr.flush()

        with request_context.bound(channel="cli"):
            try:
                batch = account_batches.account_batch_request(
                    actor=SYSTEM,
                    organisation_code=options["org"],
                    position=options["position"],
                    queue=False,
                )
                batch = account_batches.account_batch_run(batch_id=batch.pk, on_progress=progress)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            finally:
                if show_progress:
                    sys.stderr.write("\n")
            if batch.sheet:
                path = sheet_path or Path(f"accounts-{batch.organisation.code}-{batch.pk}.csv")
                self._write_sheet(batch, path)
        seconds = time.perf_counter() - started
        self.stdout.write(
            _(
                "batch %(batch)s: created %(created)s, already had an account %(existing)s "
                "(%(members)s members, %(seconds)s s)"
            )
            % {
                "batch": batch.pk,
                "created": show_number(batch.created_count),
                "existing": show_number(batch.existing_count),
                "members": show_number(batch.total),
                "seconds": show_number(seconds, 1),
            }
        )
        if batch.message:
            self.stdout.write(batch.message)
        if batch.status == JobStatus.FAILED:
            raise CommandError(_("the creation stopped on an error (see above)"))

    def _write_sheet(self, batch: AccountBatch, path: Path) -> None:
        fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
        sheet = account_batches.account_batch_sheet_open(actor=SYSTEM, batch=batch, fmt=fmt)
        try:
            # it holds passwords: readable by its owner only
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as exc:
            raise CommandError(
                _("%(path)s: %(reason)s; the sheet is kept on batch %(batch)s")
                % {"path": path, "reason": exc.strerror, "batch": batch.pk}
            ) from exc
        with sheet.file, os.fdopen(descriptor, "wb") as out:
            shutil.copyfileobj(sheet.file, out)
        account_batches.account_batch_sheet_delete(actor=SYSTEM, batch=batch)
        self.stdout.write(
            _("account sheet: %(path)s (temporary passwords: hand them out)") % {"path": path}
        )
