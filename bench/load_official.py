"""Benchmark: load the official 34 provinces and 3,321 communes into a fresh database.

    .venv/bin/python bench/load_official.py                # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/load_official.py            # a fresh hoctap_bench_<pid> database

Migrations run first and are not held to a goal. Then `units_load_official` (what
`hoctap units load-official` calls) is timed on the empty tables (goal: under 10 s), and again
on the loaded tables, where it must change nothing; the re-run is also timed through the
`hoctap` command itself, Django start-up included.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import _common

EXPECTED_PROVINCES = 34
EXPECTED_COMMUNES = 3321


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="DATABASE_URL (PostgreSQL) selects the server; a fresh database is created "
        "on it and dropped afterwards. Without it, a temporary SQLite file is used.",
    )
    parser.add_argument(
        "--goal", type=float, default=10.0, help="seconds allowed for each load (default 10)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a goal is missed"
    )
    args = parser.parse_args(argv)

    with _common.fresh_environment("load_official") as bench:
        _common.django_setup()
        from django.core.management import call_command
        from django.db import connections

        from hoctap.accounts.permissions import SYSTEM
        from hoctap.audit.models import AuditEntry
        from hoctap.geo import services
        from hoctap.geo.models import AdminUnit, UnitClosure, UnitLevel

        print(f"Database: {bench.database_label} ({_common.database_version()})")
        print(f"Machine: {_common.machine_note()}")
        rows: list[list[object]] = []
        failed = False

        with _common.timed() as t_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        rows.append(["migrate (fresh database)", f"{t_migrate[0]:.2f}", "-", "info", "-"])

        with _common.timed() as t_load:
            first = services.units_load_official(actor=SYSTEM)
        provinces = AdminUnit.objects.filter(level=UnitLevel.PROVINCE).count()
        communes = AdminUnit.objects.filter(level=UnitLevel.COMMUNE).count()
        complete = (
            provinces == EXPECTED_PROVINCES
            and communes == EXPECTED_COMMUNES
            and first.created == EXPECTED_PROVINCES + EXPECTED_COMMUNES
        )
        ok = complete and t_load[0] < args.goal
        failed |= not ok
        rows.append(
            [
                "load-official (empty tables)",
                f"{t_load[0]:.2f}",
                f"< {args.goal:g} s",
                _verdict(ok),
                f"created {first.created}, updated {first.updated}, "
                f"unchanged {first.unchanged}; {provinces} provinces, {communes} communes",
            ]
        )

        audit_before = AuditEntry.objects.count()
        with _common.timed() as t_rerun:
            second = services.units_load_official(actor=SYSTEM)
        audit_after = AuditEntry.objects.count()
        unchanged = (
            second.created == 0
            and second.updated == 0
            and second.unchanged == EXPECTED_PROVINCES + EXPECTED_COMMUNES
            and audit_after == audit_before
        )
        ok = unchanged and t_rerun[0] < args.goal
        failed |= not ok
        rows.append(
            [
                "load-official again (service)",
                f"{t_rerun[0]:.2f}",
                f"< {args.goal:g} s, no change",
                _verdict(ok),
                f"created {second.created}, updated {second.updated}, "
                f"unchanged {second.unchanged}; audit rows +{audit_after - audit_before}",
            ]
        )
        closure_rows = UnitClosure.objects.count()
        connections.close_all()

        # The command an operator runs, as a separate process (Django start-up included).
        env = {**os.environ, **bench.env}
        with _common.timed() as t_cli:
            completed = subprocess.run(
                [sys.executable, "-m", "hoctap.cli", "units", "load-official"],
                cwd=_common.ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        output = (completed.stdout + completed.stderr).strip()
        match = re.search(r"created ([\d,]+), updated ([\d,]+), unchanged ([\d,]+)", output)
        ok = (
            completed.returncode == 0
            and match is not None
            and match.group(1) == "0"
            and match.group(2) == "0"
            and t_cli[0] < args.goal
        )
        failed |= not ok
        rows.append(
            [
                "hoctap units load-official again (CLI)",
                f"{t_cli[0]:.2f}",
                f"< {args.goal:g} s, no change",
                _verdict(ok),
                output.splitlines()[-1] if output else f"exit {completed.returncode}",
            ]
        )

        print()
        _common.print_table(["step", "seconds", "goal", "verdict", "result"], rows, left=(0, -1))
        print()
        print(
            f"closure rows after the load: {closure_rows:,}; machine now: {_common.machine_note()}"
        )
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
