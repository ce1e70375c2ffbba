"""Learner accounts in bulk for an organisation's members (all the teachers of the Department
of Education and its schools), as a background task with progress.

An officer asks (`account_batch_request`); the task (`account_batch_run`) takes the current
members of the organisation and of the organisations beneath it (of one position, if asked),
who live here and are in the officer's `learning.manage_learner` scope, and creates an account
for each one who has none, with a temporary password to hand out. Members who already have an
account are counted and left as they are.

The work is cut into chunks of `CHUNK` members, each written in its own transaction: the users,
the accounts, the account sheet so far (a new file, swapped in by the same transaction), the
batch's counts and one audit entry. A chunk is all or nothing, its counts are visible to the
batch's page as soon as it commits, and the sheet always holds exactly the passwords of the
accounts committed. So the run is safe to start again: a worker killed half-way leaves the batch
`running`, and the next run carries on with the members still without an account, keeping the
sheet of the chunks already written. An error marks the batch `failed`: the accounts created up
to then stay, with their sheet, and a new request creates the rest.

Passwords are hashed at a low work factor (`learners.temporary_password_hash`; ADR 0013,
"Creating accounts in bulk"): hashing 12,394 passwords at Django's full factor would take an
hour of CPU. The sheet is downloadable by the officer who asked only, audited each time, and
deleted when they have handed the passwords out.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hoctap.accounts.permissions import SYSTEM, scope_for
from hoctap.accounts.roles import Perm
from hoctap.accounts.services import sign_in_users_create_many
from hoctap.audit.services import audit_record
from hoctap.core import bulk
from hoctap.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    failure_message,
)
from hoctap.core.formatting import show_number
from hoctap.core.xlsx import xlsx_file
from hoctap.geo.models import Organisation
from hoctap.geo.selectors import organisation_subtree_ids
from hoctap.learning.models import AccountBatch, AccountOrigin, JobStatus, LearnerAccount
from hoctap.learning.selectors.scope import person_scope_q
from hoctap.learning.services.learners import (
    temporary_password,
    temporary_password_hash,
    username_for,
)
from hoctap.registry.models import OrganisationMembership, Person, PersonStatus, Position
from hoctap.registry.national_id import mask_national_id
from hoctap.registry.selectors import current_member_ids

CHUNK = 500  # members per transaction, and per progress step
# a batch queued or running, untouched for this long, is taken for dead: another may start
STALE_AFTER = datetime.timedelta(minutes=30)
IN_PROGRESS = (JobStatus.QUEUED, JobStatus.RUNNING)
SHEET_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
USERNAME_COLUMN = 6  # the sheet's last column: how a run started again finds its accounts

Progress = Callable[[AccountBatch], None]


@dataclass(frozen=True)
class Member:
    person_id: int
    full_name: str
    national_id: str
    organisation: str
    position: str
    has_account: bool


# ---------------------------------------------------------------------------------------------
# Asking
# ---------------------------------------------------------------------------------------------


def organisation_for_learners(actor: Any, code: str) -> Organisation:
    """The organisation an officer names to act on its members (a bulk creation, an
    assignment): unknown when it is not visible to them, refused when visible but outside
    their `learning.manage_learner` scope."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput({"organisation": _("Choose an organisation.")})
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None or not scope_for(actor, Perm.VIEW_ORGANISATIONS).covers_organisation(
        organisation.pk, organisation.unit_id
    ):
        raise InvalidInput(
            {"organisation": _("Unknown organisation code “%(code)s”.") % {"code": code}}
        )
    if not scope_for(actor, Perm.MANAGE_LEARNERS).covers_organisation(
        organisation.pk, organisation.unit_id
    ):
        raise PermissionDenied(_("You may not manage the learners of this organisation."))
    return organisation


def clean_position(position: str) -> str:
    """A position of `registry.Position`, or "" for every position."""
    value = (position or "").strip()
    if value and value not in Position.values:
        raise InvalidInput(
            {"position": _("Unknown position “%(position)s”.") % {"position": value}}
        )
    return value


@transaction.atomic
def account_batch_request(
    *,
    actor: Any,
    organisation_code: str,
    position: str = "",
    language: str = "",
    queue: bool = True,
) -> AccountBatch:
    """Ask for accounts for the current members of an organisation and those beneath it (of
    one `position`, or all). The task is queued once this transaction commits (`queue=False`:
    the caller runs `account_batch_run` itself, as the command line does)."""
    organisation = organisation_for_learners(actor, organisation_code)
    position = clean_position(position)
    busy = AccountBatch.objects.filter(
        organisation=organisation,
        position=position,
        status__in=IN_PROGRESS,
        updated_at__gte=timezone.now() - STALE_AFTER,
    ).exists()
    if busy:
        raise Conflict(
            _("Accounts are already being created for these members: wait until it finishes.")
        )
    batch = AccountBatch.objects.create(
        organisation=organisation,
        position=position,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        language=(language or "")[:10],
    )
    audit_record(
        actor=actor,
        action="account_batch.request",
        target=batch,
        changes={"organisation": organisation.code, "position": position},
        unit_id=organisation.unit_id,
        organisation_id=organisation.pk,
    )
    if queue:
        batch_id = batch.pk
        # by name: tasks sit above services in the layers, and the task calls the run below
        task = import_string("hoctap.learning.tasks.learners.account_batch_task")
        transaction.on_commit(lambda: task.enqueue(batch_id))
    return batch


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


def _members(batch: AccountBatch, actor: Any) -> tuple[list[Member], int]:
    """The members to give an account, by person id, and how many current members were left
    out (not living here, or outside the actor's scope). A member of several organisations of
    the subtree is listed once, with the first by code."""
    today = timezone.localdate()
    subtree = organisation_subtree_ids(organisation=batch.organisation)
    member_ids = current_member_ids(organisation_ids=subtree, position=batch.position, on=today)
    everyone = Person.objects.filter(pk__in=member_ids).count()
    persons = Person.objects.filter(
        person_scope_q(actor, Perm.MANAGE_LEARNERS, ""),
        pk__in=member_ids,
        status=PersonStatus.LIVING_HERE,
    )
    memberships = OrganisationMembership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        start_date__lte=today,
        organisation_id__in=subtree,
        person_id__in=persons.values("pk"),
    )
    if batch.position:
        memberships = memberships.filter(position=batch.position)
    rows = (
        memberships.annotate(
            has_account=Exists(LearnerAccount.objects.filter(person_id=OuterRef("person_id")))
        )
        .order_by("person_id", "organisation__code")
        .values_list(
            "person_id",
            "person__full_name",
            "person__national_id",
            "organisation__name",
            "position",
            "has_account",
        )
    )
    members: dict[int, Member] = {}
    for row in rows.iterator(chunk_size=5000):
        if row[0] not in members:
            members[row[0]] = Member(*row)
    return list(members.values()), everyone - len(members)


def _sheet_header() -> list[str]:
    return [
        _("Full name"),
        _("Personal ID number"),
        _("Organisation"),
        _("Position"),
        _("Sign in with"),
        _("Temporary password"),
        _("User name"),
    ]


def _sheet_row(member: Member, password: str, positions: dict[str, str]) -> list[str]:
    return [
        member.full_name,
        mask_national_id(member.national_id),
        member.organisation,
        positions.get(member.position, member.position),
        _("your personal ID number"),
        password,
        username_for(member.person_id),
    ]


def _sheet_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_sheet_header())
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel then reads UTF-8


def _sheet_read(batch: AccountBatch) -> list[list[str]]:
    if not batch.sheet:
        return []
    with batch.sheet.open("rb") as stream:
        text = stream.read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


def _sheet_store(batch: AccountBatch, rows: list[list[str]]) -> str:
    """Write the whole sheet as a new file and return its name (the caller's transaction
    points the batch to it)."""
    name = batch.sheet.field.generate_filename(batch, f"accounts-{batch.pk}.csv")
    return batch.sheet.storage.save(name, ContentFile(_sheet_bytes(rows)))


def _changes(batch: AccountBatch, **more: Any) -> dict[str, Any]:
    return {"organisation": batch.organisation.code, "position": batch.position, **more}


def _create_chunk(
    batch: AccountBatch, actor: Any, chunk: list[Member], sheet: list[list[str]]
) -> None:
    """Accounts for one chunk of members, in one transaction (see the module's docstring)."""
    positions = {value: str(label) for value, label in Position.choices}
    # hashing is the costly part: done before the transaction, which then holds its locks
    # for the writes only
    passwords = [temporary_password() for _member in chunk]
    hashes = [temporary_password_hash(password) for password in passwords]
    storage = batch.sheet.storage
    old_sheet, new_sheet = batch.sheet.name or "", ""
    try:
        with transaction.atomic():
            taken = set(
                LearnerAccount.objects.filter(
                    person_id__in=[m.person_id for m in chunk]
                ).values_list("person_id", flat=True)
            )
            fresh = [
                (member, password, encoded)
                for member, password, encoded in zip(chunk, passwords, hashes, strict=True)
                if member.person_id not in taken
            ]
            user_ids = sign_in_users_create_many(
                users=[
                    (username_for(member.person_id), member.full_name, encoded)
                    for member, _password, encoded in fresh
                ]
            )
            now = bulk.stored_now()
            bulk.bulk_insert(
                LearnerAccount,
                ["created_at", "updated_at", "user_id", "person_id", "phone", "origin",
                 "must_change_password", "created_by_id"],
                [(now, now, user_ids[username_for(member.person_id)], member.person_id, "",
                  AccountOrigin.BULK, True, batch.actor_id)
                 for member, _password, _encoded in fresh],
            )  # fmt: skip
            added = [_sheet_row(member, password, positions) for member, password, _e in fresh]
            if added:
                new_sheet = _sheet_store(batch, sheet + added)
            batch.done += len(chunk)
            batch.created_count += len(fresh)
            batch.existing_count += len(taken)
            AccountBatch.objects.filter(pk=batch.pk).update(
                sheet=new_sheet or old_sheet,
                done=batch.done,
                created_count=batch.created_count,
                existing_count=batch.existing_count,
                updated_at=timezone.now(),
            )
            # one entry per chunk, in the transaction that wrote it: each account is on
            # record (origin, officer and time on its own row) without an entry of its own
            audit_record(
                actor=actor,
                action="learner_account.create_bulk",
                target=batch,
                changes=_changes(batch, created=len(fresh), existing=len(taken)),
                unit_id=batch.organisation.unit_id,
                organisation_id=batch.organisation_id,
            )
    except BaseException:
        if new_sheet:  # the accounts of this sheet were never created
            storage.delete(new_sheet)
        raise
    sheet.extend(added)
    if new_sheet:
        batch.sheet.name = new_sheet
        if old_sheet:
            storage.delete(old_sheet)


def _run(batch: AccountBatch, on_progress: Progress | None) -> None:
    # the officer who asked, with their scope as it is now; the command line's is the system
    actor = batch.actor if batch.actor_id is not None else SYSTEM
    sheet = _sheet_read(batch)  # a run started again: the accounts already created
    members, left_out = _members(batch, actor)
    mine = set(
        LearnerAccount.objects.filter(
            user__username__in=[row[USERNAME_COLUMN] for row in sheet]
        ).values_list("person_id", flat=True)
    )
    todo = [m for m in members if not m.has_account]
    batch.total = len(members)
    batch.created_count = len(sheet)
    batch.existing_count = sum(1 for m in members if m.has_account and m.person_id not in mine)
    batch.done = batch.total - len(todo)
    batch.status = JobStatus.RUNNING
    batch.started_at = batch.started_at or timezone.now()
    notes = []
    if not members:
        notes.append(_("No current member of this organisation lives here and is in your scope."))
    if left_out:
        notes.append(
            _(
                "%(count)s current members were left out: they do not live here (any more), or "
                "live outside your scope."
            )
            % {"count": show_number(left_out)}
        )
    batch.message = " ".join(notes)
    batch.save(
        update_fields=[
            "total", "created_count", "existing_count", "done", "status", "started_at",
            "message", "updated_at",
        ]
    )  # fmt: skip
    if on_progress is not None:
        on_progress(batch)
    for start in range(0, len(todo), CHUNK):
        _create_chunk(batch, actor, todo[start : start + CHUNK], sheet)
        if on_progress is not None:
            on_progress(batch)
    with transaction.atomic():
        batch.status, batch.finished_at = JobStatus.DONE, timezone.now()
        batch.save(update_fields=["status", "finished_at", "updated_at"])
        audit_record(
            actor=actor,
            action="account_batch.finish",
            target=batch,
            changes=_changes(
                batch,
                members=batch.total,
                created=batch.created_count,
                existing=batch.existing_count,
                left_out=left_out,
            ),
            unit_id=batch.organisation.unit_id,
            organisation_id=batch.organisation_id,
        )


def _fail(batch_id: int, exc: BaseException) -> None:
    batch = AccountBatch.objects.select_related("organisation", "actor").get(pk=batch_id)
    reason = failure_message(exc)
    with transaction.atomic():
        batch.status, batch.finished_at = JobStatus.FAILED, timezone.now()
        batch.message = " ".join(p for p in (batch.message, reason) if p)
        batch.save(update_fields=["status", "finished_at", "message", "updated_at"])
        audit_record(
            actor=batch.actor if batch.actor_id is not None else SYSTEM,
            action="account_batch.fail",
            target=batch,
            changes=_changes(
                batch, created=batch.created_count, existing=batch.existing_count, error=reason
            ),
            unit_id=batch.organisation.unit_id,
            organisation_id=batch.organisation_id,
        )


def account_batch_run(*, batch_id: int, on_progress: Progress | None = None) -> AccountBatch:
    """Create the accounts of a requested batch (the task; the command line). Safe to run
    twice: a finished or failed batch is left as it is, and a batch whose worker died carries
    on where it stopped. An error marks the batch failed (and is raised again unless it is a
    domain error); the accounts committed before it stay, with their sheet.

    Not to be called inside a transaction: each chunk commits on its own, so that the
    batch's page sees the progress."""
    batch = AccountBatch.objects.select_related("organisation", "actor").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("Bulk account creation not found."))
    if batch.status not in IN_PROGRESS:
        return batch
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        try:
            _run(batch, on_progress)
        except Exception as exc:
            _fail(batch_id, exc)
            if not isinstance(exc, DomainError):
                raise
    return AccountBatch.objects.select_related("organisation").get(pk=batch_id)


# ---------------------------------------------------------------------------------------------
# The account sheet
# ---------------------------------------------------------------------------------------------


@dataclass
class SheetFile:
    file: IO[bytes]
    file_name: str
    content_type: str


def _require_owner(actor: Any, batch: AccountBatch) -> None:
    is_owner = batch.actor_id is not None and batch.actor_id == getattr(actor, "pk", None)
    if not (is_owner or getattr(actor, "is_system", False)):
        raise NotFound(_("Bulk account creation not found."))


def _xlsx(rows: list[list[str]]) -> IO[bytes]:
    """The stored sheet (its header first) as a workbook."""
    header, *body = rows or [[]]
    return xlsx_file(pgettext("spreadsheet sheet name", "Accounts"), header, body)


@transaction.atomic
def account_batch_sheet_open(*, actor: Any, batch: AccountBatch, fmt: str = "csv") -> SheetFile:
    """The account sheet (names, masked ID numbers, temporary passwords) as CSV or XLSX, for
    the officer who asked only; every download is audited, since it holds passwords."""
    _require_owner(actor, batch)
    if fmt not in SHEET_FORMATS:
        raise InvalidInput({"format": _("Choose CSV or XLSX.")})
    if batch.status in IN_PROGRESS:
        raise Conflict(_("The account sheet is ready when the creation has finished."))
    if not batch.sheet:
        raise NotFound(_("This bulk creation has no account sheet (any more)."))
    audit_record(
        actor=actor,
        action="account_batch.sheet_download",
        target=batch,
        changes=_changes(batch, format=fmt, accounts=batch.created_count),
        unit_id=batch.organisation.unit_id,
        organisation_id=batch.organisation_id,
    )
    file_name = f"accounts-{batch.organisation.code}-{batch.pk}.{fmt}"
    if fmt == "csv":
        return SheetFile(batch.sheet.open("rb"), file_name, SHEET_FORMATS[fmt])
    with batch.sheet.open("rb") as stream:
        rows = list(csv.reader(io.StringIO(stream.read().decode("utf-8-sig"))))
    return SheetFile(_xlsx(rows), file_name, SHEET_FORMATS[fmt])


@transaction.atomic
def account_batch_sheet_delete(*, actor: Any, batch: AccountBatch) -> AccountBatch:
    """ "I have handed out the passwords": the sheet's file is deleted (once this transaction
    commits). The accounts stay."""
    _require_owner(actor, batch)
    if batch.status in IN_PROGRESS:
        raise Conflict(_("The account sheet can be deleted when the creation has finished."))
    if not batch.sheet:
        raise Conflict(_("The account sheet has already been deleted."))
    name, storage = batch.sheet.name or "", batch.sheet.storage
    batch.sheet = ""
    batch.save(update_fields=["sheet", "updated_at"])
    audit_record(
        actor=actor,
        action="account_batch.sheet_delete",
        target=batch,
        changes=_changes(batch, accounts=batch.created_count),
        unit_id=batch.organisation.unit_id,
        organisation_id=batch.organisation_id,
    )
    transaction.on_commit(lambda: storage.delete(name))
    return batch
