"""Benchmark: the scoped person search at province scale (1.7 million persons), through the
real server.

    .venv/bin/python bench/person_search.py                      # SQLite, temporary
    .venv/bin/python bench/person_search.py --keep var/bench     # SQLite kept in var/bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/person_search.py                  # a fresh hoctap_bench_<pid>
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_big \\
        .venv/bin/python bench/person_search.py --keep var/bench  # the database hoctap_big, kept

Builds the data set with `hoctap demo --province 15 --scale province` (timed, its own output
printed), unless `--keep` names a database that already holds it. gunicorn then serves the
production settings on a free port of 127.0.0.1, and a commune officer (`commune1`, one
commune: ~17,000 persons) and a provincial user (`secretariat`: the whole province) search
through `/api/v1/persons?q=...` and the page `/persons/?q=...` (reported as not available while
that page does not exist) with several terms: a common family name, a rarer one, a name with
diacritics, a given name (a later word of the name) and an ID-number prefix; and the list
without a search. Goal: p95 under 200 ms for page 1 of the results, shown beside the trivial
`/ping`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import _common
import httpx
from unit_pages import MAX_REQUESTS, Endpoint, measure_endpoints, print_results, session_login

DEMO_PASSWORD = "hoctap-demo-2026"  # the demo users' published password
TERMS = ["nguyen", "quach", "Hoàng Thị", "mai"]


def _api_count(response: httpx.Response) -> str:
    try:
        body = response.json()
        return f"count {body['count']}, {len(body['items'])} on page 1"
    except (ValueError, KeyError, TypeError):
        return f"{len(response.content) / 1024:.0f} KB"


def build(bench: _common.BenchEnv, province: str) -> tuple[float | None, str]:
    """Migrate, then load the demo at province scale unless the database has it already.
    Returns (seconds the demo took or None, its output)."""
    env = {**os.environ, **bench.env}
    if bench.database_url is None:
        env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(_common.ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    from hoctap.registry.models import Person

    if Person.objects.filter(village__parent__parent__code=province).count() > 1_000_000:
        return None, "(the kept database already holds the province: not built again)"
    started = time.perf_counter()
    done = subprocess.run(
        [*manage, "demo", "--province", province, "--scale", "province"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, done.stdout


def tokens() -> dict[str, str]:
    from hoctap.accounts import services as accounts
    from hoctap.accounts.models import User
    from hoctap.accounts.permissions import SYSTEM

    return {
        name: accounts.token_create(
            actor=SYSTEM, user=User.objects.get(username=name), name="bench"
        )[1]
        for name in ("commune1", "secretariat")
    }


def id_prefix() -> str:
    """Seven digits of an ID number born in the province, of someone of the first commune:
    the province, century and sex, year of birth and one more digit."""
    from hoctap.accounts.models import RoleGrant
    from hoctap.registry.models import Person

    commune = RoleGrant.objects.get(user__username="commune1").unit
    person = (
        Person.objects.filter(village__parent=commune, national_id__regex=r"^01[05]")
        .order_by("id")
        .first()
    )
    return person.national_id[:7] if person else "0101900"


def endpoints(prefix: str) -> list[Endpoint]:
    rows = [Endpoint("/ping", "/ping", "anonymous", "none", is_baseline=True)]
    for user in ("commune1", "secretariat"):
        rows.append(Endpoint("API (no search)", "/api/v1/persons", user, "bearer", _api_count))
        for term in [*TERMS, prefix]:
            q = quote(term)
            rows.append(
                Endpoint(f"API q={term}", f"/api/v1/persons?q={q}", user, "bearer", _api_count)
            )
            rows.append(Endpoint(f"page q={term}", f"/persons/?q={q}", user, "session"))
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Traffic goes to 127.0.0.1 only.",
    )
    parser.add_argument("--keep", type=Path, help="data directory to keep (and reuse) the data in")
    parser.add_argument("--requests", type=int, default=100, help="timed requests (default 100)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests (default 10)")
    parser.add_argument("--clients", type=int, default=1, help="concurrent clients (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--goal-ms", type=float, default=200.0, help="p95 goal (default 200)")
    parser.add_argument("--province", default="15", help="province code (default 15)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS or not 0 <= args.warmup <= MAX_REQUESTS:
        parser.error(f"--requests and --warmup: at most {MAX_REQUESTS}")
    if not 1 <= args.clients <= 32:
        parser.error("--clients: between 1 and 32")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    environment = (
        _common.kept_environment(args.keep.resolve())
        if args.keep
        else _common.fresh_environment("person_search")
    )
    failed = False
    with environment as bench:
        _common.django_setup()
        from django.db import connections

        print(f"Database: {bench.database_label} ({_common.database_version()})")
        print(f"Machine: {_common.machine_note()}")
        print("Building the data set (hoctap demo --scale province) ...", flush=True)
        seconds, output = build(bench, args.province)
        print(output.rstrip())
        if seconds is not None:
            print(f"hoctap demo --scale province: {seconds:.1f} s (Django start-up included)")
        keys = tokens()
        prefix = id_prefix()
        connections.close_all()  # the server has the database to itself from here

        server = _common.server_start(bench, workers=args.workers, threads=args.threads)
        try:
            print(
                f"gunicorn gthread, {args.workers} workers x {args.threads} threads at "
                f"{server.base_url}; {args.clients} client(s), {args.requests} timed requests "
                f"per row after {args.warmup} warm-up"
            )
            sessions = {user: session_login(server.base_url, user, DEMO_PASSWORD) for user in keys}
            rows, failed = measure_endpoints(
                server=server,
                endpoints=endpoints(prefix),
                clients=args.clients,
                keys=keys,
                sessions=sessions,
                args=args,
            )
            print()
            print_results(rows)
            if seconds is not None:
                print(f"\nDemo generation (hoctap demo --scale province): {seconds:.1f} s")
            print(f"Machine now: {_common.machine_note()}")
            if "Traceback" in server.log_tail(200):
                print("\nThe server logged errors; the end of its log:\n" + server.log_tail())
        finally:
            _common.server_stop(server)
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
