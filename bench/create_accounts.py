"""Benchmark: learner accounts for the 12,394 teachers of a Department of Education and its
schools, through the service the background task runs (`account_batch_run`); then the
assignment of a course to the same teachers.

    .venv/bin/python bench/create_accounts.py                  # SQLite in a temporary directory
    .venv/bin/python bench/create_accounts.py --teachers 2000  # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/create_accounts.py   # a fresh hoctap_bench_accounts_<pid>

Steps: a province with communes and villages, the Department of Education with schools under
it (one per commune and level), and the teachers (persons living in the villages, with valid ID
numbers, each a current `teacher` member of a school) plus some staff of the Department (other
position, so the position filter has work to do) are written with `hoctap.core.bulk` (timed, for
information). Then, timed: `account_batch_request` (as the system actor, not queued) and
`account_batch_run`: every teacher gets a user, a learner account and a temporary password on
the account sheet, in chunks of `CHUNK` members, each its own transaction with its progress and
audit entry. Production settings, so the password hasher is Django's default PBKDF2: the
temporary passwords are hashed at 1,000 iterations (ADR 0013).

Checks: a sample row of the sheet signs in through Django's `authenticate` with the ID number
and its temporary password, and that sign-in re-hashes the password at the full work factor
(timed: the one slow hash each learner pays once). "CPU s" is this process's CPU time for the
run (with SQLite, the database's work included; PostgreSQL's is in its own processes): unlike
the wall time, it hardly changes when other work shares the machine. Last,
`course_assign_organisation`: a published course assigned to the same teachers (one bulk insert
of enrolments), timed.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import random
import sys
import time

import _common

GOAL_SECONDS = 60.0
FAMILY = tuple("Nguyễn Trần Lê Phạm Hoàng Vàng Giàng Lý Sùng Hà Lò Đặng Triệu Bàn Lục".split())  # noqa: SIM905
MIDDLE = ("Văn", "Thị", "Đức", "Thị Thu", "Minh", "Thị Hồng", "Quang", "Thị Mai")
GIVEN = tuple("An Bình Cường Dũng Hoa Lan Mai Hằng Hùng Linh Thảo Sơn Tùng Hương Nhung".split())  # noqa: SIM905


def _build(teachers: int, staff: int, communes: int, villages_per_commune: int, seed: int) -> str:
    """The units, the Department of Education and its schools, the teachers and staff. Returns
    the Department's code."""
    from django.db import transaction

    from hoctap.core import bulk
    from hoctap.core.text import fold
    from hoctap.demo.bulk import next_id, reset_sequences
    from hoctap.geo import services as geo
    from hoctap.geo.models import AdminUnit, Organisation, OrganisationKind, UnitKind, UnitLevel
    from hoctap.registry.models import OrganisationMembership, Person

    start = datetime.date(2025, 7, 1)
    rng = random.Random(seed)
    with transaction.atomic():
        province = AdminUnit.objects.create(
            code="15", name="Lào Cai", search_name="lao cai", kind=UnitKind.PROVINCE,
            level=UnitLevel.PROVINCE, valid_from=start,
        )  # fmt: skip
        commune_units = AdminUnit.objects.bulk_create(
            AdminUnit(
                code=f"{10000 + n:05d}", name=f"Xã {n}", search_name=f"xa {n}",
                kind=UnitKind.COMMUNE, level=UnitLevel.COMMUNE, parent=province,
                valid_from=start,
            )
            for n in range(1, communes + 1)
        )  # fmt: skip
        village_units = AdminUnit.objects.bulk_create(
            AdminUnit(
                code=f"{c.code}-{n:03d}", name=f"Thôn {n}", search_name=f"thon {n}",
                kind=UnitKind.VILLAGE, level=UnitLevel.VILLAGE, parent=c, valid_from=start,
            )
            for c in commune_units
            for n in range(1, villages_per_commune + 1)
        )  # fmt: skip
        geo.unit_closure_rebuild()
        department = Organisation.objects.create(
            code="SGDDT-15", name="Sở Giáo dục và Đào tạo", search_name="so giao duc va dao tao",
            kind=OrganisationKind.PROVINCIAL_DEPARTMENT, unit=province,
        )  # fmt: skip
        schools = Organisation.objects.bulk_create(
            Organisation(
                code=f"{level}-{c.code}", name=f"Trường {name} {c.name}",
                search_name=fold(f"Trường {name} {c.name}"), kind=OrganisationKind.SCHOOL,
                unit=c, parent=department,
            )
            for c in commune_units
            for level, name in (("MN", "Mầm non"), ("TH", "Tiểu học"), ("THCS", "THCS"))
        )  # fmt: skip
        geo.organisation_closure_rebuild()
        serial: dict[tuple[int, int], int] = {}
        first_id = next_id(Person)
        now = bulk.stored_now()
        persons, memberships = [], []
        for n in range(teachers + staff):
            male = rng.random() < 0.3
            born = datetime.date(rng.randint(1966, 2002), rng.randint(1, 12), rng.randint(1, 28))
            digit = (0 if born.year < 2000 else 2) + (0 if male else 1)
            yy = born.year % 100
            number = serial[(digit, yy)] = serial.get((digit, yy), 0) + 1
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            village = rng.choice(village_units)
            persons.append(
                (first_id + n, f"010{digit}{yy:02d}{number:06d}", "", name, fold(name),
                 born.isoformat(), "male" if male else "female", "01", village.pk, None, "",
                 "", "none", None, "living_here", start.isoformat(), now, now)
            )  # fmt: skip
            teacher = n < teachers
            organisation = rng.choice(schools) if teacher else department
            memberships.append(
                (first_id + n, organisation.pk, "teacher" if teacher else "staff",
                 start.isoformat(), None, now, now)
            )  # fmt: skip
        bulk.bulk_insert(
            Person,
            ["id", "national_id", "legacy_id_card", "full_name", "search_name", "birth_date",
             "sex", "ethnicity", "village", "household", "relation_to_head", "phone",
             "eid_level", "eid_linked_on", "status", "status_since", "created_at", "updated_at"],
            persons,
        )  # fmt: skip
        bulk.bulk_insert(
            OrganisationMembership,
            ["person", "organisation", "position", "start_date", "end_date", "created_at",
             "updated_at"],
            memberships,
        )  # fmt: skip
        reset_sequences([Person])
    return department.code


def _course(owner_code: str) -> object:
    from hoctap.accounts.permissions import SYSTEM
    from hoctap.learning.services import catalogue

    course = catalogue.course_create(
        actor=SYSTEM, code="KNS-GV", title="Kỹ năng số cho giáo viên", owner_code=owner_code,
        target_groups=["civil_servants"], level=1, estimated_hours=4,
    )  # fmt: skip
    module = catalogue.module_create(actor=SYSTEM, course=course, title="Bắt đầu")
    for n in (1, 2, 3):
        catalogue.lesson_create(
            actor=SYSTEM, module=module, title=f"Bài {n}", body_html=f"<p>Bài {n}</p>"
        )
    course.refresh_from_db()
    return catalogue.course_set_status(actor=SYSTEM, course=course, status="published")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--teachers", type=int, default=12_394)
    parser.add_argument("--staff", type=int, default=600, help="other members (not teachers)")
    parser.add_argument("--communes", type=int, default=99)
    parser.add_argument("--villages", type=int, default=10, help="villages per commune")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)

    with _common.fresh_environment("create_accounts", db_prefix="hoctap_bench_accounts") as env:
        _common.django_setup()
        from django.contrib.auth import authenticate
        from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
        from django.core.management import call_command

        from hoctap.accounts.models import User
        from hoctap.accounts.permissions import SYSTEM
        from hoctap.core import request_context
        from hoctap.learning.models import LearnerAccount
        from hoctap.learning.services import account_batches, assignments

        print(f"Database: {env.database_label} ({_common.database_version()})")
        print(f"Machine: {_common.machine_note()}")
        hasher = get_hasher("default")
        print(f"Password hasher: {hasher.algorithm}, full work factor "
              f"{getattr(hasher, 'iterations', '?'):,} iterations")  # fmt: skip
        call_command("migrate", verbosity=0)
        with _common.timed() as t:
            department = _build(args.teachers, args.staff, args.communes, args.villages, args.seed)
        print(
            f"Data: {args.teachers:,} teachers in {args.communes * 3:,} schools and "
            f"{args.staff:,} staff of {department}, over {args.communes * args.villages:,} "
            f"villages ({t[0]:.1f} s)"
        )

        last = [0.0]

        def progress(batch: object) -> None:
            now = time.perf_counter()
            if now - last[0] > 2 or getattr(batch, "done", 0) == getattr(batch, "total", 0):
                last[0] = now
                print(f"  … {batch.done:,} / {batch.total:,}", file=sys.stderr)  # type: ignore[attr-defined]

        with request_context.bound(channel="cli"):
            cpu = time.process_time()
            with _common.timed() as t:
                batch = account_batches.account_batch_request(
                    actor=SYSTEM, organisation_code=department, position="teacher", queue=False
                )
                batch = account_batches.account_batch_run(batch_id=batch.pk, on_progress=progress)
            seconds, cpu = t[0], time.process_time() - cpu
            print()
            print(f"Bulk creation (account_batch_run, chunks of {account_batches.CHUNK}):")
            _common.print_table(
                ["status", "members", "created", "existing", "seconds", "CPU s", "accounts/s",
                 "goal"],
                [[
                    batch.status, f"{batch.total:,}", f"{batch.created_count:,}",
                    f"{batch.existing_count:,}", f"{seconds:.1f}", f"{cpu:.1f}",
                    f"{batch.created_count / seconds:,.0f}",
                    f"< {GOAL_SECONDS:.0f} s: {'met' if seconds < GOAL_SECONDS else 'MISSED'}",
                ]],
            )  # fmt: skip
            ok = batch.status == "done" and batch.created_count == args.teachers
            ok = ok and LearnerAccount.objects.count() == args.teachers

            sheet = account_batches.account_batch_sheet_open(actor=SYSTEM, batch=batch)
            rows = list(csv.reader(io.StringIO(sheet.file.read().decode("utf-8-sig"))))[1:]
            sample = rows[len(rows) // 2]
            user = User.objects.get(username=sample[6])
            national_id = LearnerAccount.objects.get(user=user).person.national_id
            stored = user.password.split("$")
            with _common.timed() as t:
                signed_in = authenticate(None, username=national_id, password=sample[5])
            user.refresh_from_db()
            after = user.password.split("$")
            upgraded = stored[1] == "1000" and not PBKDF2PasswordHasher().must_update(user.password)
            print()
            print(f"Sample sign-in ({sample[1]}, from the sheet): "
                  f"{'OK' if signed_in == user else 'FAILED'} in {t[0]:.2f} s; stored hash "
                  f"{stored[0]} {int(stored[1]):,} iterations → {after[0]} {int(after[1]):,} "
                  f"({'upgraded' if upgraded else 'NOT upgraded'})")  # fmt: skip
            ok = ok and signed_in == user and upgraded
            rest = [r for r in rows if r is not sample][:20]
            works = sum(User.objects.get(username=r[6]).check_password(r[5]) for r in rest)
            print(f"20 more rows of the sheet: {works} passwords check")
            ok = ok and works == len(rest)

            course = _course(department)
            with _common.timed() as t:
                result = assignments.course_assign_organisation(
                    actor=SYSTEM, course=course, organisation_code=department,  # type: ignore[arg-type]
                    position="teacher",
                )  # fmt: skip
            print(f"Course assigned to the teachers (course_assign_organisation): "
                  f"{result.created:,} enrolments in {t[0]:.2f} s")  # fmt: skip
            ok = ok and result.created == args.teachers
        missed = seconds >= GOAL_SECONDS
        print("\nAll checks passed." if ok else "\nA CHECK FAILED.")
    return 1 if not ok or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
