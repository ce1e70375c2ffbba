"""Benchmark: import 200,000 completions recorded on other platforms from CSV, then the same file
again (every row unchanged), through `hoctap import completions FILE` as a new process.

    .venv/bin/python bench/import_completions.py                 # SQLite in a temporary directory
    .venv/bin/python bench/import_completions.py --rows 20000    # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_completions.py    # a fresh hoctap_bench_completions_<pid>

Steps: a province with a commune and 200 villages, 200,000 persons of the register (valid ID
numbers, written with `hoctap.core.bulk`) and the demo's catalogue codes (8 courses) are made
(timed, for information). The completions file is written: each row a person of the register,
or (3% of the rows) a well-formed ID number that names nobody; a catalogue course code or (40%)
the title of an external course; one of the five platforms, in their codes or Vietnamese names;
a date, often a score and a certificate number. Then, each as a new process, exactly as an
operator runs it: `hoctap import completions FILE --skipped OUT.csv` (matched rows created,
unmatched skipped and written to OUT.csv), and again (every matched row unchanged). Rows/s is
rows over the command's whole wall time (start-up, reading, checking, writing, commit); peak
memory is that process's maximum resident set.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import _common

GOAL_ROWS_PER_S = 50_000
UNMATCHED_SHARE = 0.03
COURSES = (
    ("VNEID-01", "Tài khoản định danh điện tử VNeID"),
    ("SMART-01", "Sử dụng điện thoại thông minh"),
    ("INFO-01", "Tìm kiếm, đánh giá thông tin và nhận diện tin giả"),
    ("SAFE-01", "Mật khẩu, lừa đảo và an toàn trên mạng"),
    ("DVC-01", "Dịch vụ công trực tuyến"),
    ("PAY-01", "Thanh toán không dùng tiền mặt"),
    ("CHILD-01", "Bảo vệ trẻ em trên môi trường mạng"),
    ("AI-01", "Sử dụng công cụ trí tuệ nhân tạo"),
)
EXTERNAL_TITLES = tuple(
    f"{topic} ({level})"
    for topic in (
        "Kỹ năng số cơ bản cho cán bộ",
        "Chuyển đổi số trong doanh nghiệp",
        "An toàn thông tin cho học sinh",
        "Ứng dụng công nghệ trong nông nghiệp",
        "Bảo mật dữ liệu cá nhân",
        "Thương mại điện tử",
        "Kỹ năng số trong quân đội",
        "Chính phủ số",
    )
    for level in ("cơ bản", "nâng cao", "chuyên sâu", "thực hành", "ôn tập")
)
PLATFORMS = (
    ("national_portal", 45),
    ("Cổng quốc gia", 10),
    ("sector_system", 15),
    ("Hệ thống ngành", 5),
    ("ministry_platform", 15),
    ("provincial_portal", 5),
    ("other", 5),
)
HEADER = [
    "national_id", "course_code", "external_course_title", "platform", "completed_on", "score",
    "certificate_no",
]  # fmt: skip


def _national_ids(count: int, rng: random.Random) -> list[str]:
    """Valid, distinct ID numbers of persons born in Lào Cai (prefix 010), 1950–2010."""
    ids: list[str] = []
    serial: dict[tuple[int, int], int] = {}
    for _ in range(count):
        year = rng.randint(1950, 2010)
        digit = (0 if year < 2000 else 2) + rng.randint(0, 1)
        yy = year % 100
        n = serial[(digit, yy)] = serial.get((digit, yy), 0) + 1
        ids.append(f"010{digit}{yy:02d}{n:06d}")
    return ids


def _make_register(persons: int, villages: int, seed: int) -> list[str]:
    """A province, a commune, `villages` villages, `persons` persons (bulk) and the catalogue's
    courses; returns the persons' ID numbers."""
    from django.db import connection, transaction

    from hoctap.accounts.permissions import SYSTEM
    from hoctap.core import bulk
    from hoctap.core.text import fold
    from hoctap.geo import services as geo
    from hoctap.geo.models import AdminUnit, UnitKind, UnitLevel
    from hoctap.learning.services import catalogue
    from hoctap.registry import word_index
    from hoctap.registry.models import Person

    start = datetime.date(2025, 7, 1)
    province = AdminUnit.objects.create(
        code="15", name="Lào Cai", search_name="lao cai", kind=UnitKind.PROVINCE,
        level=UnitLevel.PROVINCE, valid_from=start,
    )  # fmt: skip
    commune = AdminUnit.objects.create(
        code="02647", name="Phường Lào Cai", search_name="phuong lao cai", kind=UnitKind.WARD,
        level=UnitLevel.COMMUNE, parent=province, valid_from=start,
    )  # fmt: skip
    AdminUnit.objects.bulk_create(
        AdminUnit(
            code=f"02647-{n:03d}",
            name=f"Thôn {n}",
            search_name=f"thon {n}",
            kind=UnitKind.VILLAGE,
            level=UnitLevel.VILLAGE,
            parent=commune,
            valid_from=start,
        )
        for n in range(1, villages + 1)
    )
    geo.unit_closure_rebuild()
    village_ids = list(
        AdminUnit.objects.filter(level=UnitLevel.VILLAGE).values_list("id", flat=True)
    )
    geo.organisation_create(
        actor=SYSTEM, code="SGDDT-15", name="Sở Giáo dục và Đào tạo",
        kind="provincial_department", unit_code="15",
    )  # fmt: skip
    for code, title in COURSES:
        catalogue.course_create(
            actor=SYSTEM, code=code, title=title, owner_code="SGDDT-15",
            summary=title, target_groups=["citizens"], level=1, estimated_hours=2,
        )  # fmt: skip

    rng = random.Random(seed)
    ids = _national_ids(persons, rng)
    fields = (
        "national_id", "full_name", "search_name", "birth_date", "sex", "ethnicity", "village",
        "household", "relation_to_head", "phone", "eid_level", "eid_linked_on", "legacy_id_card",
        "status", "status_since", "created_at", "updated_at",
    )  # fmt: skip
    now = bulk.stored_now()
    names = ("Nguyễn Văn An", "Lò Thị Mai", "Giàng A Páo", "Hoàng Thị Lan", "Vàng Seo Sử")
    folded = {name: fold(name) for name in names}

    def rows() -> Iterator[tuple[object, ...]]:
        for number in ids:
            digit, yy = int(number[3]), int(number[4:6])
            year = (1900 if digit < 2 else 2000) + yy
            name = names[rng.randrange(len(names))]
            yield (
                number, name, folded[name], f"{year}-06-15", "male" if digit % 2 == 0 else "female",
                "01", village_ids[rng.randrange(len(village_ids))], None, "", "", "none", None, "",
                "living_here", "2025-07-01", now, now,
            )  # fmt: skip

    with transaction.atomic():
        bulk.check_constraints_at_once()
        with word_index.bulk_insert(connection, from_id=1):
            bulk.bulk_insert(Person, fields, rows())
    bulk.vacuum_analyze(Person)
    return ids


def _write_file(path: Path, ids: list[str], rows: int, seed: int) -> int:
    """The completions file; returns the number of rows with an unknown ID number."""
    rng = random.Random(seed + 1)
    platforms = [p for p, _w in PLATFORMS]
    weights = [w for _p, w in PLATFORMS]
    first = datetime.date(2025, 3, 26)  # the movement began
    days = (datetime.date(2026, 10, 31) - first).days
    seen: set[tuple[str, str, str]] = set()
    unknown = 0
    serial = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        written = 0
        while written < rows:
            if rng.random() < UNMATCHED_SHARE:
                serial += 1
                national_id = f"001{rng.randint(0, 3)}{rng.randint(50, 99)}{serial:06d}"
            else:
                national_id = ids[rng.randrange(len(ids))]
            platform = rng.choices(platforms, weights)[0]
            if rng.random() < 0.6:
                code, title = COURSES[rng.randrange(len(COURSES))][0], ""
            else:
                code, title = "", EXTERNAL_TITLES[rng.randrange(len(EXTERNAL_TITLES))]
            key = (national_id, code or title, platform.replace("Cổng quốc gia", "national_portal"))
            key = (key[0], key[1], key[2].replace("Hệ thống ngành", "sector_system"))
            if key in seen:
                continue
            seen.add(key)
            unknown += national_id.startswith("001")
            day = first + datetime.timedelta(days=rng.randrange(days))
            date_text = day.isoformat() if rng.random() < 0.8 else day.strftime("%d/%m/%Y")
            score = f"{rng.randint(50, 100)}" if rng.random() < 0.5 else ""
            certificate = f"CC-{rng.randrange(10**8):08d}" if rng.random() < 0.4 else ""
            writer.writerow([national_id, code, title, platform, date_text, score, certificate])
            written += 1
    return unknown


def _run_cli(args: list[str], env: dict[str, str], log: Path) -> tuple[float, float, float, str]:
    """Run `hoctap ARGS` as a new process: wall seconds, CPU seconds (user + system), its peak
    RSS in MB, its stdout (its stderr, which lists the first skipped rows, goes to `log`)."""
    hoctap = Path(sys.executable).parent / "hoctap"
    started = time.perf_counter()
    with (
        log.open("wb") as err,
        subprocess.Popen(
            [str(hoctap), *args], env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=err
        ) as process,
    ):
        assert process.stdout is not None
        output = process.stdout.read().decode()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"hoctap {' '.join(args)} failed:\n{output}{log.read_text()}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, output.strip()


def _plain_insert(path: Path) -> float:
    """Seconds to read the file with `csv` and insert its matched rows, with no check at all,
    into an empty copy of the completions table (same columns, same indexes and foreign keys),
    in one transaction: `executemany` on SQLite, `COPY` on PostgreSQL (the foreign keys checked
    at the commit, as Django declares them). ID numbers and codes are
    mapped to ids by dicts read beforehand (not timed)."""
    from django.db import connection, transaction

    from hoctap.core import bulk
    from hoctap.learning.models import Completion, Course
    from hoctap.registry.models import Person

    table = Completion._meta.db_table
    persons = dict(Person.objects.values_list("national_id", "id"))
    courses = {
        code: (pk, title) for code, pk, title in Course.objects.values_list("code", "id", "title")
    }
    platforms = {p: p for p, _w in PLATFORMS}
    platforms.update({"Cổng quốc gia": "national_portal", "Hệ thống ngành": "sector_system"})
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table]
            )
            for (statement,) in cursor.fetchall():
                cursor.execute(statement.replace(table, "plain_completion"))
        else:
            # LIKE copies the indexes but not the foreign keys, which the import pays for too
            cursor.execute(f"CREATE TABLE plain_completion (LIKE {table} INCLUDING ALL)")
            for column, parent in (
                ("person_id", Person._meta.db_table),
                ("course_id", Course._meta.db_table),
                ("recorded_by_id", "accounts_user"),
            ):
                cursor.execute(
                    f"ALTER TABLE plain_completion ADD FOREIGN KEY ({column}) "
                    f"REFERENCES {parent} (id) DEFERRABLE INITIALLY DEFERRED"
                )
    columns = (
        "person_id, course_id, course_key, title, platform, channel, completed_on, score, "
        "certificate_no, recorded_at, recorded_by_id"
    )
    now = bulk.stored_now()
    started = time.perf_counter()
    with transaction.atomic(), path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        rows = []
        for nid, code, title, platform, day, score, certificate in reader:
            pid = persons.get(nid)
            if pid is None:
                continue
            course_id, key = None, "~" + title.lower()
            if code:
                course_id, title = courses[code]
                key = code
            if "/" in day:
                day = f"{day[6:]}-{day[3:5]}-{day[:2]}"
            rows.append(
                (pid, course_id, key, title, platforms[platform], "imported", day,
                 score or None, certificate, now, None)
            )  # fmt: skip
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                marks = ", ".join(["?"] * 11)
                sql = f"INSERT INTO plain_completion ({columns}) VALUES ({marks})"
                sqlite3.Cursor.executemany(cursor.cursor, sql, rows)
            else:
                with cursor.cursor.copy(f"COPY plain_completion ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=200_000, help="completions in the file")
    parser.add_argument("--persons", type=int, default=200_000, help="persons of the register")
    parser.add_argument("--villages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)

    with _common.fresh_environment(
        "import_completions", db_prefix="hoctap_bench_completions"
    ) as bench:
        _common.django_setup()
        from django.core.management import call_command
        from django.db import connections

        print(f"Database: {bench.database_label} ({_common.database_version()})")
        print(f"Machine: {_common.machine_note()}")
        call_command("migrate", verbosity=0)
        with _common.timed() as t:
            ids = _make_register(args.persons, args.villages, args.seed)
        print(
            f"Register: {len(ids):,} persons in {args.villages} villages, 8 courses ({t[0]:.1f} s)"
        )
        path = bench.data_dir / "completions.csv"
        with _common.timed() as t:
            unknown = _write_file(path, ids, args.rows, args.seed)
        size_mb = path.stat().st_size / 1e6
        print(
            f"File written in {t[0]:.1f} s: {args.rows:,} rows ({size_mb:.1f} MB), "
            f"{unknown:,} with an ID number nobody has"
        )
        connections.close_all()  # the imports below run as other processes

        skipped_path = bench.data_dir / "skipped.csv"
        table: list[list[object]] = []
        figures: dict[str, tuple[float, float, str]] = {}
        for label in ("first import", "re-import"):
            command = ["import", "completions", str(path), "--skipped", str(skipped_path)]
            elapsed, cpu, peak, output = _run_cli(command, bench.env, bench.data_dir / "err.txt")
            figures[label] = (args.rows / elapsed, peak, output)
            table.append(
                [
                    label,
                    f"{elapsed:.2f}",
                    f"{args.rows / elapsed:,.0f}",
                    f"{cpu:.2f}",
                    f"{args.rows / cpu:,.0f}",
                    f"{peak:.0f}",
                    output,
                ]
            )
        plain_s = _plain_insert(path)
        plain_label = "plain executemany" if bench.database_url is None else "plain COPY"
        table.append(
            [plain_label, f"{plain_s:.2f}", f"{args.rows / plain_s:,.0f}", "", "", "", "no checks"]
        )
        headers = ["run", "s", "rows/s", "CPU s", "rows/CPU s", "peak MB", "hoctap's report"]
        _common.print_table(headers, table, left=(0, 6))

        def count(output: str, word: str) -> int:
            found = re.search(rf"{word} ([\d,]+)", output)  # 193,838
            return int(found.group(1).replace(",", "")) if found else -1

        first_rate, _peak, first_out = figures["first import"]
        again_rate, _peak, again_out = figures["re-import"]
        reported = len(skipped_path.read_text(encoding="utf-8-sig").splitlines()) - 1
        matched = args.rows - unknown
        plain_rate = args.rows / plain_s
        verdicts = [
            (
                f"first import ≥ {GOAL_ROWS_PER_S:,} rows/s "
                f"({first_rate / plain_rate:.2f} × the plain insert)",
                first_rate >= GOAL_ROWS_PER_S,
            ),
            (
                f"every matched row created ({count(first_out, 'created'):,} of {matched:,})",
                count(first_out, "created") == matched,
            ),
            (
                f"every unmatched row skipped and reported ({reported:,} of {unknown:,})",
                count(first_out, "skipped") == unknown == reported,
            ),
            (
                f"re-import: every matched row unchanged ({count(again_out, 'unchanged'):,})",
                count(again_out, "unchanged") == matched and count(again_out, "created") == 0,
            ),
            (f"re-import ≥ {GOAL_ROWS_PER_S:,} rows/s", again_rate >= GOAL_ROWS_PER_S),
        ]
        for text, ok in verdicts:
            print(f"{'PASS' if ok else 'MISS'}  {text}")
        missed = not all(ok for _text, ok in verdicts)
        return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
