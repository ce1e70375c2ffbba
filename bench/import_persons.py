"""Benchmark: import a register of 1,000,000 persons from CSV, then the same file again, and
compare with inserting the same rows by hand with plain `executemany` (SQLite) or `COPY`
(PostgreSQL).

    .venv/bin/python bench/import_persons.py                  # SQLite in a temporary directory
    .venv/bin/python bench/import_persons.py --rows 100000    # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_persons.py              # a fresh hoctap_bench_persons_<pid>

Steps: the official units of the country, then 2,900 villages over the communes of province 15
(Lào Cai) and one household per four persons are loaded (timed, for information); the persons
file is written (valid ID numbers agreeing with birth date and sex, Vietnamese names, most of
them in a household with one head, e-ID levels). Then, each as a new process, exactly as a user
runs it: `hoctap import persons FILE` (every row created), and again (every row unchanged).
Rows/s is rows over the whole command's wall time (start-up, reading, checking, writing, commit);
peak memory is that process's maximum resident set. Last, the plain insert: the same file read
with the `csv` module, village and household codes mapped to ids with two dicts, and the rows
inserted into an empty copy of the persons table (same columns, same B-tree indexes; on SQLite
without the triggers of the name-search word index, which the import fills in one statement
instead) in one transaction, with no check at all.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import _common

GOAL_ROWS_PER_S = 100_000
GOAL_SHARE_OF_PLAIN = 0.3
GOAL_PEAK_MB = 500

FAMILY = tuple(
    "Nguyễn Trần Lê Phạm Hoàng Vàng Giàng Lý Sùng Hà Lò Đặng Triệu Bàn Lục Nông Hầu Thào Vũ".split()  # noqa: SIM905
)
MIDDLE_MALE = ("Văn", "Seo", "A", "Đức", "Minh", "Quang", "Mí", "Chẩn")
MIDDLE_FEMALE = ("Thị", "Thị Thu", "Thị Hồng", "Mỷ", "Thị Mai", "Thị Ngọc")
GIVEN_MALE = tuple("An Bình Cường Dũng Hùng Páo Sử Tủa Chứ Dính Phong Quân Sơn Tùng Lử".split())  # noqa: SIM905
GIVEN_FEMALE = tuple("Hoa Lan Mai Hằng Dua Say Pằng Chi Dung Hương Linh Thảo Nhung Sua".split())  # noqa: SIM905
ETHNICITIES = ("Kinh", "Tày", "Thái", "H'Mông", "Dao", "Giáy", "Nùng", "Mường", "Phù Lá")
ETHNIC_WEIGHTS = (33, 15, 10, 24, 14, 2, 1, 0.5, 0.5)
HEADER = [
    "national_id", "full_name", "birth_date", "sex", "ethnicity", "village_code",
    "household_code", "relation_to_head", "phone", "eid_level", "eid_linked_on",
]  # fmt: skip


def _villages(communes: list[str], count: int) -> list[tuple[str, str]]:
    """(village code, commune code), spread over the communes."""
    per = -(-count // len(communes))
    return [(f"{c}-{n:03d}", c) for c in communes for n in range(1, per + 1)][:count]


def _write_files(
    directory: Path, villages: list[tuple[str, str]], persons: int, seed: int
) -> tuple[Path, Path, Path, int]:
    """villages.csv, households.csv and persons.csv; returns the paths and the household count."""
    rng = random.Random(seed)
    village_path = directory / "villages.csv"
    with village_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name", "kind", "parent_code", "valid_from"])
        for n, (code, commune) in enumerate(villages, start=1):
            writer.writerow([code, f"Thôn {n}", "village", commune, ""])
    serial: dict[tuple[int, int], int] = {}
    today = datetime.date(2026, 11, 1)
    household_path, person_path = directory / "households.csv", directory / "persons.csv"
    households = 0
    with (
        household_path.open("w", encoding="utf-8", newline="") as hf,
        person_path.open("w", encoding="utf-8", newline="") as pf,
    ):
        hw, pw = csv.writer(hf), csv.writer(pf)
        hw.writerow(["household_code", "village_code", "address", "poverty_status", "poverty_year"])
        pw.writerow(HEADER)
        written = 0
        while written < persons:
            village = villages[rng.randrange(len(villages))][0]
            in_household = rng.random() < 0.92
            size = min(persons - written, rng.choice((1, 2, 3, 4, 4, 5, 6)) if in_household else 1)
            code = ""
            if in_household:
                households += 1
                code = f"HH{households:07d}"
                poverty = rng.choices(("none", "near_poor", "poor"), (80, 9, 11))[0]
                year = "2025" if poverty != "none" else ""
                hw.writerow([code, village, f"Thôn {village}", poverty, year])
            family = rng.choice(FAMILY)
            for member in range(size):
                male = rng.random() < 0.5
                age = rng.randint(25, 80) if member < 2 else rng.randint(0, 40)
                born = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
                digit = (0 if born.year < 2000 else 2) + (0 if male else 1)
                yy = born.year % 100
                n = serial[(digit, yy)] = serial.get((digit, yy), 0) + 1
                national_id = f"010{digit}{yy:02d}{n:06d}"
                middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
                given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
                relation = ""
                if code:
                    relation = "head" if member == 0 else ("spouse" if member == 1 else "child")
                adult = age >= 14
                eid = rng.choices(("none", "1", "2"), (30, 15, 55))[0] if adult else "none"
                linked = ""
                if eid != "none" and rng.random() < 0.6:
                    linked = (today - datetime.timedelta(days=rng.randint(1, 600))).isoformat()
                pw.writerow(
                    [
                        national_id,
                        f"{family} {middle} {given}",
                        born.isoformat(),
                        "male" if male else "female",
                        rng.choices(ETHNICITIES, ETHNIC_WEIGHTS)[0],
                        village,
                        code,
                        relation,
                        f"09{rng.randrange(10**8):08d}" if adult and rng.random() < 0.7 else "",
                        eid,
                        linked,
                    ]
                )
                written += 1
    return village_path, household_path, person_path, households


def _run_cli(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run `hoctap ARGS` as a new process: wall seconds, its peak RSS in MB, its output."""
    hoctap = Path(sys.executable).parent / "hoctap"
    started = time.perf_counter()
    with subprocess.Popen(
        [str(hoctap), *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    ) as process:
        assert process.stdout is not None
        output = process.stdout.read().decode()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"hoctap {' '.join(args)} failed:\n{output}")
    return elapsed, usage.ru_maxrss / 1024, output.strip()


def _plain_insert(person_path: Path) -> float:
    """Insert the file's rows into an empty copy of the persons table, with no checks."""
    from django.db import connection, transaction

    from hoctap.geo.models import AdminUnit
    from hoctap.registry.models import Household, Person

    table = Person._meta.db_table
    villages = dict(AdminUnit.objects.filter(level=3).values_list("code", "id"))
    households = dict(Household.objects.values_list("code", "id"))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table]
            )
            # the table and its B-tree indexes; not the word index's triggers (a separate table,
            # which the import fills in one statement): the plain insert does strictly less
            statements = [
                row[0].replace(table, "plain_person")
                for row in cursor.fetchall()
                if not row[0].startswith("CREATE TRIGGER")
            ]
            statements = [s.replace('INDEX "registry_', 'INDEX "plain_') for s in statements]
            for statement in statements:
                cursor.execute(statement)
        else:
            cursor.execute(f"CREATE TABLE plain_person (LIKE {table} INCLUDING ALL)")
    columns = [
        "created_at", "updated_at", "national_id", "legacy_id_card", "full_name", "search_name",
        "birth_date", "sex", "ethnicity", "village_id", "household_id", "relation_to_head",
        "phone", "eid_level", "eid_linked_on", "status", "status_since",
    ]  # fmt: skip
    now = datetime.datetime.now(datetime.UTC).isoformat(sep=" ")
    today = datetime.date.today().isoformat()
    started = time.perf_counter()
    with transaction.atomic(), person_path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        rows = (
            (
                now,
                now,
                r[0],
                "",
                r[1],
                r[1].lower(),
                r[2],
                r[3],
                "01",
                villages[r[5]],
                households.get(r[6]),
                r[7],
                r[8],
                r[9],
                r[10] or None,
                "living_here",
                today,
            )
            for r in reader
        )
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                marks = ", ".join(["?"] * len(columns))
                sql = f"INSERT INTO plain_person ({', '.join(columns)}) VALUES ({marks})"
                # the sqlite3 cursor's own method: nothing between the rows and SQLite
                sqlite3.Cursor.executemany(cursor.cursor, sql, rows)
            else:
                with cursor.cursor.copy(
                    f"COPY plain_person ({', '.join(columns)}) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="persons in the file")
    parser.add_argument("--villages", type=int, default=2_900)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)

    with _common.fresh_environment("import_persons", db_prefix="hoctap_bench_persons") as bench:
        _common.django_setup()
        from django.core.management import call_command

        from hoctap.accounts.permissions import SYSTEM
        from hoctap.geo import services as geo
        from hoctap.geo.models import AdminUnit, UnitLevel

        print(f"Database: {bench.database_label} ({_common.database_version()})")
        print(f"Machine: {_common.machine_note()}")
        call_command("migrate", verbosity=0)
        geo.units_load_official(actor=SYSTEM)
        communes = list(
            AdminUnit.objects.filter(level=UnitLevel.COMMUNE, parent__code="15")
            .order_by("code")
            .values_list("code", flat=True)
        )
        villages = _villages(communes, args.villages)
        with _common.timed() as t:
            village_path, household_path, person_path, household_count = _write_files(
                bench.data_dir, villages, args.rows, args.seed
            )
        size_mb = person_path.stat().st_size / 1e6
        print(
            f"Files written in {t[0]:.1f} s: {len(villages):,} villages, "
            f"{household_count:,} households, {args.rows:,} persons ({size_mb:.0f} MB)"
        )
        from django.db import connections

        connections.close_all()  # the imports below run as other processes
        env = bench.env
        for label, path in (("villages", village_path), ("households", household_path)):
            kind = "units" if label == "villages" else "households"
            elapsed, peak, output = _run_cli(["import", kind, str(path)], env)
            print(f"Import of the {label}: {elapsed:.1f} s, peak {peak:.0f} MB ({output})")

        table: list[list[object]] = []
        figures: dict[str, tuple[float, float]] = {}
        for label in ("first import", "re-import"):
            elapsed, peak, output = _run_cli(["import", "persons", str(person_path)], env)
            figures[label] = (args.rows / elapsed, peak)
            rate = f"{args.rows / elapsed:,.0f}"
            table.append([label, f"{elapsed:.1f}", rate, f"{peak:.0f}", output])

        plain_s = _plain_insert(person_path)
        plain_rate = args.rows / plain_s
        plain_label = "plain executemany" if bench.database_url is None else "plain COPY"
        table.append([plain_label, f"{plain_s:.1f}", f"{plain_rate:,.0f}", "", "no checks"])
        headers = ["run", "s", "rows/s", "peak MB", "hoctap's report"]
        _common.print_table(headers, table, left=(0, 4))

        first_rate, first_peak = figures["first import"]
        again_rate, again_peak = figures["re-import"]
        verdicts = [
            (f"first import ≥ {GOAL_ROWS_PER_S:,} rows/s", first_rate >= GOAL_ROWS_PER_S),
            (
                f"first import ≥ {GOAL_SHARE_OF_PLAIN} × plain insert "
                f"({first_rate / plain_rate:.2f} ×)",
                first_rate >= GOAL_SHARE_OF_PLAIN * plain_rate,
            ),
            (f"peak memory < {GOAL_PEAK_MB} MB", max(first_peak, again_peak) < GOAL_PEAK_MB),
            ("re-import at least as fast as the first import", again_rate >= first_rate),
        ]
        for text, ok in verdicts:
            print(f"{'PASS' if ok else 'MISS'}  {text}")
        missed = not all(ok for _text, ok in verdicts)
        return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
