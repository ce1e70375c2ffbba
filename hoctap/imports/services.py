"""The import pipeline every register shares, and the import jobs of the web page.

The file is read once, lazily, in batches. Every row is checked (types, references, duplicates
inside the file and against the database, the actor's scope); the preview stops there. An
import writes each checked batch before reading the next, inside one transaction, and rolls the
transaction back if any row was wrong, after checking the rest so that the report names every
error: a rejected file, an error or a killed process half-way leaves the database as it was.
See docs/adr/0011-import-pipeline.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import operator
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import SYSTEM, scope_for
from hoctap.audit.services import audit_record, audit_record_many
from hoctap.core import bulk
from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, failure_message
from hoctap.imports.kinds import KINDS, Batch, ImportKind, RowError
from hoctap.imports.models import ImportJob, ImportStatus
from hoctap.imports.readers import ImportFileError, map_header, read_rows

ERRORS_KEPT_ON_JOB = 200  # the job keeps the first errors; the CSV report has all of them
SKIPPED_KEPT_ON_JOB = 200  # and the first skipped rows; their CSV report has all of them

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # well-formed rows the kind did not import (e.g. an ID number that names nobody in the
    # register): reported, but they do not reject the file
    skipped: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def rejected(self) -> bool:
        return bool(self.errors)

    @property
    def skipped_count(self) -> int:
        return len(self.skipped)


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


def _cells_getter(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells at `positions`, as a tuple, fast (a row is checked with `"" in ...`)."""
    if len(positions) > 1:
        return operator.itemgetter(*positions)
    if positions:
        only = positions[0]
        return lambda cells: (cells[only],)
    return lambda cells: ()


def _key_text(key: Hashable) -> str:
    """A natural key as a message shows it: a tuple's parts joined by a middle dot."""
    return " · ".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _batches(kind: ImportKind, stream: IO[bytes], errors: list[RowError]) -> Iterator[Batch]:
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
    names = [c.name for c in kind.columns]
    width = len(names)
    # the file's cells in the kind's column order; a column absent from the file reads as ""
    present = [positions.get(name) for name in names]
    complete = all(p is not None for p in present)
    last = max(p for p in present if p is not None)
    pick = operator.itemgetter(*[p if p is not None else 0 for p in present])
    required = [(i, c.name) for i, c in enumerate(kind.columns) if c.required and not c.blank]
    required_cells = _cells_getter([i for i, _name in required])
    key_of = kind.key_of_cells()
    first_seen: dict[Hashable, int] = {}  # natural key → row number: all that is kept per row
    batch: list[tuple[int, list[str]]] = []
    size = kind.batch_size
    # the file's columns are the kind's, in its order: a row's cells are used as they are
    as_is = present == list(range(width))
    for number, raw in rows:
        if as_is and len(raw) == width:
            cells = raw
        elif len(raw) > last and complete:
            cells = list(pick(raw)) if width > 1 else [raw[present[0] or 0]]
        else:
            if not any(raw):
                continue
            cells = [raw[p] if p is not None and p < len(raw) else "" for p in present]
        if "" in required_cells(cells):
            if any(raw):
                errors.extend(
                    RowError(number, name, "", _("This field is required."))
                    for i, name in required
                    if not cells[i]
                )
            continue
        key = key_of(cells)
        seen = first_seen.setdefault(key, number)
        if seen != number:
            column = kind.key_column
            errors.append(
                RowError(
                    number,
                    column,
                    cells[names.index(column)] if column in names else _key_text(key),
                    _("“%(key)s” appears twice in this file (first in row %(row)s).")
                    % {"key": _key_text(key), "row": seen},
                )
            )
            continue
        batch.append((number, cells))
        if len(batch) >= size:
            yield Batch(rows=batch)
            batch = []
    if batch:
        yield Batch(rows=batch)


def _run(
    *,
    actor: Any,
    kind: ImportKind,
    stream: IO[bytes],
    write: bool,
    on_progress: Progress | None,
) -> ImportResult:
    """Read the file once, checking every batch; when `write`, write each batch as long as no
    row so far was wrong (the caller's transaction is rolled back if one was)."""
    result = ImportResult(kind=kind.name)
    ctx = kind.start(actor=actor)
    stream.seek(0)
    try:
        with bulk.gc_paused() as collect_young:
            for batch in _batches(kind, stream, result.errors):
                kind.check_batch(ctx, batch)
                result.rows += len(batch.rows)
                result.created += len(batch.creates)
                result.updated += len(batch.updates)
                result.unchanged += batch.unchanged
                result.errors.extend(batch.errors)
                result.skipped.extend(batch.skipped)
                if write and not result.errors:
                    kind.write_batch(ctx, batch)
                if on_progress is not None:
                    on_progress(result.rows)
                if batch.plans:  # the row-by-row kinds' model instances may hold cycles
                    collect_young()
            if write and not result.errors:
                kind.finish(ctx)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", "", exc.message))
    # the pipeline's own errors of a batch come before the kind's: show them in sheet order
    result.errors.sort(key=lambda e: e.row)
    result.skipped.sort(key=lambda e: e.row)
    return result


def import_check(
    *, actor: Any, kind: ImportKind, stream: IO[bytes], on_progress: Progress | None = None
) -> ImportResult:
    """Check the whole file (the preview): counts what would happen, writes nothing."""
    return _run(actor=actor, kind=kind, stream=stream, write=False, on_progress=on_progress)


def _file_digest(stream: IO[bytes]) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def import_file(
    *,
    actor: Any,
    kind: ImportKind,
    stream: IO[bytes],
    dry_run: bool = False,
    file_name: str = "",
    on_progress: Progress | None = None,
) -> ImportResult:
    """Check the whole file and, unless `dry_run`, write it in one transaction that is kept
    only if every row was right. A rejected import has `errors` and wrote nothing.

    The import itself gets one audit entry (who, which file and its SHA-256, the counts);
    records created by a big register's import are audited by that entry, and every updated
    record by its own entry with the changes (see docs/adr/0011-import-pipeline.md)."""
    if scope_for(actor, kind.permission).is_empty:
        raise PermissionDenied(_("You may not import %(kind)s.") % {"kind": kind.label})
    if dry_run:
        return import_check(actor=actor, kind=kind, stream=stream, on_progress=on_progress)
    digest = _file_digest(stream)
    with transaction.atomic():
        result = _run(actor=actor, kind=kind, stream=stream, write=True, on_progress=on_progress)
        if result.rejected:
            transaction.set_rollback(True)
            return result
        if not (result.created or result.updated):
            result.written = True  # nothing to write: every row was already as in the file
            return result
        audit_record_many(
            actor=actor,
            action=f"{kind.name}.import",
            target_type="imports.file",
            items=[
                (
                    digest[:64],
                    file_name or getattr(stream, "name", "") or kind.name,
                    {
                        "kind": kind.name,
                        "file": file_name or str(getattr(stream, "name", "")),
                        "sha256": digest,
                        "rows": result.rows,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        **({"skipped": result.skipped_count} if result.skipped else {}),
                    },
                    _home_unit_id(actor, kind),
                    None,
                )
            ],
        )
    result.written = True
    return result


def errors_csv(errors: list[RowError]) -> bytes:
    """The error report users download: row, column, value, problem, its header in the active
    language like the messages (Dòng, Cột, Giá trị, Nội dung lỗi), in UTF-8 with BOM so that Excel
    opens the Vietnamese text correctly. The report of skipped rows has the same form
    (`skipped_csv`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Problem")])
    for error in errors:
        writer.writerow([error.row, error.column, error.value, error.message])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def skipped_csv(skipped: list[RowError]) -> bytes:
    """The rows an import skipped, as the error report: row, column, value, why."""
    return errors_csv(skipped)


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
def import_upload(
    *, actor: Any, kind: str, file: File[Any], file_name: str, language: str = ""
) -> ImportJob:
    """Store the uploaded file as a new job and queue its check (the preview) for when this
    transaction commits.

    Every upload is checked in the background, whatever the file's size: the request returns as
    soon as the file is stored, so a province-sized file never runs into the web server's
    request timeout, and small files take the same path (the worker picks them up within a
    second or two while the page shows the progress)."""
    import_kind = kind_get(kind)
    if scope_for(actor, import_kind.permission).is_empty:
        raise PermissionDenied(_("You may not import %(kind)s.") % {"kind": import_kind.label})
    is_user = getattr(actor, "is_authenticated", False)
    job = ImportJob(
        kind=import_kind.name,
        file_name=file_name[:255],
        actor=actor if is_user else None,
        unit_id=_home_unit_id(actor, import_kind),
        language=language[:10],
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
    job_id = job.pk
    # by name: tasks sit above services in the layers, and the task calls `import_validate`
    task = import_string("hoctap.imports.tasks.import_validate_task")
    transaction.on_commit(lambda: task.enqueue(job_id))
    return job


def _progress_of(job: ImportJob) -> Progress:
    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=rows)

    return progress


def _store_result(job: ImportJob, result: ImportResult) -> None:
    """The counts and the errors of a run on its job (not saved yet)."""
    job.rows_total = job.rows_done = result.rows
    job.created_count, job.updated_count = result.created, result.updated
    job.unchanged_count = result.unchanged
    _store_errors(job, result.errors)
    _store_skipped(job, result.skipped)


def _store_errors(job: ImportJob, errors: list[RowError]) -> None:
    job.error_count = len(errors)
    job.errors = [e.as_dict() for e in errors[:ERRORS_KEPT_ON_JOB]]
    if errors:
        job.error_file.save(
            f"import-{job.pk}-errors.csv", ContentFile(errors_csv(errors)), save=False
        )


def _store_skipped(job: ImportJob, skipped: list[RowError]) -> None:
    job.skipped_count = len(skipped)
    job.skipped = [e.as_dict() for e in skipped[:SKIPPED_KEPT_ON_JOB]]
    if skipped:
        job.skipped_file.save(
            f"import-{job.pk}-skipped.csv", ContentFile(skipped_csv(skipped)), save=False
        )
    elif job.skipped_file:
        job.skipped_file = ""  # a later run (the import after its preview) skipped nothing


def import_validate(*, actor: Any, job: ImportJob) -> ImportJob:
    """The preview: check the whole file, keep the counts and the errors, write no record."""
    _require_owner(actor, job)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.REJECTED):
        raise Conflict(_("This import has already been confirmed."))
    kind = kind_get(job.kind)

    try:
        with job.file.open("rb") as stream:
            result = import_check(
                actor=_actor_of(job), kind=kind, stream=stream, on_progress=_progress_of(job)
            )
    except Exception as exc:
        # a crash must not leave the job "uploaded", its page waiting for ever
        job.status, job.message = ImportStatus.FAILED, failure_message(exc)
        job.finished_at = timezone.now()
        job.save()
        raise
    _store_result(job, result)
    job.status = ImportStatus.REJECTED if result.rejected else ImportStatus.VALIDATED
    job.validated_at = timezone.now()
    job.save()
    return job


@transaction.atomic
def import_errors_download(*, actor: Any, job: ImportJob) -> File[Any]:
    """The full error report of a job, to its owner, audited: its values come from the
    uploaded file and may hold personal ID numbers in full."""
    _require_owner(actor, job)
    if not job.error_file:
        raise NotFound(_("This import has no error report."))
    audit_record(
        actor=actor,
        action="import.errors_download",
        target=job,
        changes={"errors": job.error_count},
        unit_id=job.unit_id,
    )
    return job.error_file.open("rb")


@transaction.atomic
def import_skipped_download(*, actor: Any, job: ImportJob) -> File[Any]:
    """The full report of the rows a job skipped, to its owner, audited like the error report:
    its values (unmatched ID numbers) come from the uploaded file, in full."""
    _require_owner(actor, job)
    if not job.skipped_file:
        raise NotFound(_("This import skipped no rows."))
    audit_record(
        actor=actor,
        action="import.skipped_download",
        target=job,
        changes={"skipped": job.skipped_count},
        unit_id=job.unit_id,
    )
    return job.skipped_file.open("rb")


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
    # The write runs in one transaction, so a count of its rows kept on the job could not be
    # seen before it commits: the page shows the job running, and the counts when it is done.
    job.status, job.started_at, job.rows_done = ImportStatus.RUNNING, timezone.now(), 0
    job.save(update_fields=["status", "started_at", "rows_done", "updated_at"])

    try:
        with job.file.open("rb") as stream:
            result = import_file(
                actor=_actor_of(job),
                kind=kind,
                stream=stream,
                file_name=job.file_name,
            )
    except Exception as exc:
        # DomainError (e.g. the data changed since the preview) or a crash: nothing written
        job.status, job.message = ImportStatus.FAILED, failure_message(exc)
        job.finished_at = timezone.now()
        job.save()
        if not isinstance(exc, Conflict | PermissionDenied | ImportFileError):
            raise
        return job
    _store_result(job, result)
    job.status = ImportStatus.DONE if result.written else ImportStatus.REJECTED
    job.finished_at = timezone.now()
    job.save()
    return job
