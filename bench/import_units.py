"""Benchmark: import ~100,000 villages from one CSV file, then import the same file again.

    .venv/bin/python bench/import_units.py                 # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_units.py             # a fresh hoctap_bench_imports_<pid>

The official provinces and communes are loaded first (not timed as part of the import). The
file spreads the villages over every commune of every province. The first import creates them
all (with closure rows and one audit entry each); the second must report every row unchanged.
Rows/s counts the whole pipeline: reading, the validation pass and the write pass. Peak memory
is the process's maximum resident set (ru_maxrss) before and after each import: if it does not
grow with the file, the import streams (tracemalloc is left out: it slows Python several times).
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
from pathlib import Path

import _common


def _write_file(path: Path, communes: list[str], rows: int) -> int:
    per_commune = max(1, -(-rows // len(communes)))
    written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name", "kind", "parent_code", "valid_from"])
        for commune in communes:
            for n in range(1, per_commune + 1):
                if written == rows:
                    return written
                writer.writerow([f"{commune}-{n:03d}", f"Thôn Số {n}", "village", commune, ""])
                written += 1
    return written


def _max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / (1024 if sys.platform == "darwin" else 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000, help="villages in the file")
    args = parser.parse_args(argv)

    with _common.fresh_environment("import_units", db_prefix="hoctap_bench_imports") as bench:
        _common.django_setup()
        from django.core.management import call_command

        from hoctap.accounts.permissions import SYSTEM
        from hoctap.geo import services as geo
        from hoctap.geo.imports.units import units
        from hoctap.geo.models import AdminUnit, UnitLevel
        from hoctap.imports import services

        print(f"Database: {bench.database_label} ({_common.database_version()})")
        print(f"Machine: {_common.machine_note()}")
        call_command("migrate", verbosity=0)
        geo.units_load_official(actor=SYSTEM)
        communes = list(
            AdminUnit.objects.filter(level=UnitLevel.COMMUNE)
            .order_by("code")
            .values_list("code", flat=True)
        )
        path = bench.data_dir / "villages.csv"
        rows = _write_file(path, communes, args.rows)
        print(
            f"File: {rows:,} villages over {len(communes):,} communes, "
            f"{path.stat().st_size:,} bytes"
        )

        table: list[list[object]] = []
        for label in ("first import", "re-import"):
            rss_before = _max_rss_mb()
            with _common.timed() as t, path.open("rb") as stream:
                result = services.import_file(actor=SYSTEM, kind=units, stream=stream)
            if result.errors:
                print(f"rejected: {result.errors[:3]}")
                return 1
            table.append(
                [
                    label,
                    result.created,
                    result.updated,
                    result.unchanged,
                    f"{t[0]:.1f}",
                    f"{result.rows / t[0]:,.0f}",
                    f"{rss_before:.0f}",
                    f"{_max_rss_mb():.0f}",
                ]
            )
        _common.print_table(
            [
                "run",
                "created",
                "updated",
                "unchanged",
                "s",
                "rows/s",
                "max RSS before MB",
                "max RSS after MB",
            ],
            table,
        )
        ok = table[0][1] == rows and table[1][3] == rows
        print("re-import all unchanged:", "PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
