"""The import pipeline every register shares, and the import jobs of the web page.

Two passes over the file, read lazily both times. The first checks every row (types,
references, duplicates inside the file and against the database, the actor's scope) and writes
nothing; if any row is wrong the import is rejected with every error. The second reads the file
again and writes it in batches inside one transaction, with one audit entry per created or
updated record: an error or a killed process half-way leaves the database as it was.
See docs/adr/0011-import-pipeline.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import SYSTEM, scope_for
from hoctap.audit.services import audit_record
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hoctap.imports.kinds import (
    CREATE,
    KINDS,
    UNCHANGED,
    UPDATE,
    ImportKind,
    Plan,
    Row,
    RowError,
)
from hoctap.imports.models import ImportJob, ImportStatus
from hoctap.imports.readers import ImportFileError, map_header, read_rows

ERRORS_KEPT_ON_JOB = 200  # the job keeps the first errors; the CSV report has all of them

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def rejected(self) -> bool:
        return bool(self.errors)

    def count(self, plans: list[Plan]) -> None:
        for plan in plans:
            if plan.action == CREATE:
                self.created += 1
            elif plan.action == UPDATE:
                self.updated += 1
            else:
                self.unchanged += 1


def kind_get(name: str) -> ImportKind:
    kind = KINDS.get(name)
    if kind is None:
        raise InvalidInput(
            {
                "kind": _("Unknown import kind “%(kind)s”; known: %(known)s.")
                % {"kind": name, "known": ", ".join(sorted(KINDS))}
            }
        )
    return kind


def _batches(kind: ImportKind, stream: IO[bytes], errors: list[RowError]) -> Iterator[list[Row]]:
    """Rows in batches, with the problems a kind need not know about already in `errors`:
    the header, empty required cells, the same natural key twice in the file."""
    rows = read_rows(stream)
    header: list[str] | None = None
    for _number, cells in rows:
        if any(cells):
            header = cells
            break
    if header is None:
        errors.append(RowError(1, "", "", _("The file is empty: it has no header row.")))
        return
    positions, problems = map_header(header, kind.columns)
    if problems:
        errors.extend(RowError(1, column, value, message) for column, value, message in problems)
        return
    required = [c.name for c in kind.columns if c.required and not c.blank]
    first_seen: dict[str, int] = {}  # natural key → row number: all that is kept per row
    batch: list[Row] = []
    for number, cells in rows:
        if not any(cells):
            continue
        values = {
            name: cells[index] if index < len(cells) else "" for name, index in positions.items()
        }
        for column in kind.columns:
            values.setdefault(column.name, "")
        row = Row(number, values)
        missing = [
            row.error(name, _("This field is required.")) for name in required if not values[name]
        ]
        if missing:
            errors.extend(missing)
            continue
        key = kind.key(values)
        if key in first_seen:
            errors.append(
                row.error(
                    kind.key_column,
                    _("“%(key)s” appears twice in this file (first in row %(row)s).")
                    % {"key": key, "row": first_seen[key]},
                )
            )
            continue
        first_seen[key] = number
        batch.append(row)
        if len(batch) >= kind.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pass(
    *,
    actor: Any,
    kind: ImportKind,
    stream: IO[bytes],
    result: ImportResult,
    write: bool,
    on_progress: Progress | None,
) -> None:
    ctx = kind.start(actor=actor)
    stream.seek(0)
    try:
        for batch in _batches(kind, stream, result.errors):
            plans, errors = kind.check(ctx, batch)
            result.rows += len(batch)
            if write:
                if errors:
                    # the database changed between the passes: stop, roll everything back
                    raise Conflict(
                        _("The data changed while importing (row %(row)s: %(message)s).")
                        % {"row": errors[0].row, "message": errors[0].message}
                    )
                kind.write(ctx, [p for p in plans if p.action != UNCHANGED])
            result.errors.extend(errors)
            result.count(plans)
            if on_progress is not None:
                on_progress(result.rows)
        if write:
            kind.finish(ctx)
    except ImportFileError as exc:
        if write:
            raise
        result.errors.append(RowError(0, "", "", exc.message))
    # the pipeline's own errors of a batch come before the kind's: show them in sheet order
    result.errors.sort(key=lambda e: e.row)


def import_check(
    *, actor: Any, kind: ImportKind, stream: IO[bytes], on_progress: Progress | None = None
) -> ImportResult:
    """The validation pass alone (the preview): counts what would happen, writes nothing."""
    result = ImportResult(kind=kind.name)
    _pass(
        actor=actor, kind=kind, stream=stream, result=result, write=False, on_progress=on_progress
    )
    return result


def import_file(
    *,
    actor: Any,
    kind: ImportKind,
    stream: IO[bytes],
    dry_run: bool = False,
    on_progress: Progress | None = None,
) -> ImportResult:
    """Check the whole file; when every row is right (and not `dry_run`), write it all in one
    transaction. A rejected import has `errors` and wrote nothing."""
    if scope_for(actor, kind.permission).is_empty:
        raise PermissionDenied(_("You may not import %(kind)s.") % {"kind": kind.label})
    checked = import_check(actor=actor, kind=kind, stream=stream, on_progress=on_progress)
    if checked.rejected or dry_run:
        return checked
    result = ImportResult(kind=kind.name)
    with transaction.atomic():
        _pass(actor=actor, kind=kind, stream=stream, result=result, write=True, on_progress=None)
    result.written = True
    return result


def errors_csv(errors: list[RowError]) -> bytes:
    """The error report users download: row, column, value, message (UTF-8 with BOM so that
    Excel opens the Vietnamese text correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "column", "value", "message"])
    for error in errors:
        writer.writerow([error.row, error.column, error.value, error.message])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Import jobs (the web page's upload → preview → confirm → progress → result)
# ---------------------------------------------------------------------------------------------


def _actor_of(job: ImportJob) -> Any:
    return job.actor if job.actor_id is not None else SYSTEM


def _require_owner(actor: Any, job: ImportJob) -> None:
    is_owner = job.actor_id is not None and job.actor_id == getattr(actor, "pk", None)
    if not (is_owner or getattr(actor, "is_system", False)):
        raise NotFound(_("Import not found."))


def _home_unit_id(actor: Any, kind: ImportKind) -> int | None:
    scope = scope_for(actor, kind.permission)
    return None if scope.is_global else min(scope.unit_ids, default=None)


@transaction.atomic
def import_upload(*, actor: Any, kind: str, file: File[Any], file_name: str) -> ImportJob:
    """Store the uploaded file as a new job; nothing is read yet."""
    import_kind = kind_get(kind)
    if scope_for(actor, import_kind.permission).is_empty:
        raise PermissionDenied(_("You may not import %(kind)s.") % {"kind": import_kind.label})
    is_user = getattr(actor, "is_authenticated", False)
    job = ImportJob(
        kind=import_kind.name,
        file_name=file_name[:255],
        actor=actor if is_user else None,
        unit_id=_home_unit_id(actor, import_kind),
    )
    job.file.save(file_name, file, save=False)
    job.save()
    audit_record(
        actor=actor,
        action="import.upload",
        target=job,
        changes={"kind": job.kind, "file": job.file_name},
        unit_id=job.unit_id,
    )
    return job


def _store_errors(job: ImportJob, errors: list[RowError]) -> None:
    job.error_count = len(errors)
    job.errors = [e.as_dict() for e in errors[:ERRORS_KEPT_ON_JOB]]
    if errors:
        job.error_file.save(
            f"import-{job.pk}-errors.csv", ContentFile(errors_csv(errors)), save=False
        )


def import_validate(*, actor: Any, job: ImportJob) -> ImportJob:
    """The preview: check the whole file, keep the counts and the errors, write no record."""
    _require_owner(actor, job)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.REJECTED):
        raise Conflict(_("This import has already been confirmed."))
    kind = kind_get(job.kind)

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=rows)

    with job.file.open("rb") as stream:
        result = import_check(actor=_actor_of(job), kind=kind, stream=stream, on_progress=progress)
    job.rows_total = job.rows_done = result.rows
    job.created_count, job.updated_count = result.created, result.updated
    job.unchanged_count = result.unchanged
    _store_errors(job, result.errors)
    job.status = ImportStatus.REJECTED if result.rejected else ImportStatus.VALIDATED
    job.validated_at = timezone.now()
    job.save()
    return job


@transaction.atomic
def import_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Queue the write of a validated import; the task starts once this transaction commits."""
    _require_owner(actor, job)
    if job.status != ImportStatus.VALIDATED:
        raise Conflict(_("Only a validated import without errors can be confirmed."))
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="import.confirm", target=job, changes={}, unit_id=job.unit_id)
    job_id = job.pk
    # by name: tasks sit above services in the layers, and the task calls `import_run`
    task = import_string("hoctap.imports.tasks.import_run_task")
    transaction.on_commit(lambda: task.enqueue(job_id))
    return job


def import_run(*, job_id: int) -> ImportJob:
    """Write a confirmed import. Safe to run twice: a finished job is left as it is, and a job
    whose worker died half-way had its transaction rolled back, so it simply runs again."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Import not found."))
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    kind = kind_get(job.kind)
    job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at", "updated_at"])

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=rows)

    try:
        with job.file.open("rb") as stream:
            result = import_file(
                actor=_actor_of(job), kind=kind, stream=stream, on_progress=progress
            )
    except Exception as exc:
        # DomainError (e.g. the data changed since the preview) or a crash: nothing written
        job.status, job.message = ImportStatus.FAILED, str(exc)
        job.finished_at = timezone.now()
        job.save()
        if not isinstance(exc, Conflict | PermissionDenied | ImportFileError):
            raise
        return job
    job.rows_total = job.rows_done = result.rows
    job.created_count, job.updated_count = result.created, result.updated
    job.unchanged_count = result.unchanged
    _store_errors(job, result.errors)
    job.status = ImportStatus.DONE if result.written else ImportStatus.REJECTED
    job.finished_at = timezone.now()
    job.save()
    return job
