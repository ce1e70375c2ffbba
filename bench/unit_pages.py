"""Benchmark: unit-tree pages and the units API at province scale, through the real server.

    .venv/bin/python bench/unit_pages.py                   # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/unit_pages.py               # a fresh hoctap_bench_<pid> database

Builds a fresh database with the 34 provinces and 3,321 communes, 100 villages under one
commune of the province (through `village_create`) and about 2,900 more spread over the
province's other communes (bulk rows, then the closure table rebuilt), so the province holds
~3,100 units. A province user and a unit officer are created. gunicorn then serves the
production settings on a free port of 127.0.0.1, and each endpoint gets a bounded number of
requests (after a warm-up) from 1 and from 4 concurrent keep-alive clients. Goal: p95 under
100 ms for every page and API call, shown beside the trivial `/ping` view measured in the same
run. A page that is not there yet (404) is reported as such.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import _common
import httpx

MAX_REQUESTS = 5000  # per endpoint and client count: every loop here is bounded


@dataclass(frozen=True)
class Fixture:
    province_code: str
    commune_code: str  # the commune with the 100 villages
    commune_villages: list[str]
    province_communes: list[str]
    province_units: int  # the province, its communes and villages
    province_user: str
    officer_user: str
    password: str
    province_key: str  # API bearer keys
    officer_key: str
    timings: list[tuple[str, float, str]]


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str
    user: str  # "anonymous", or the username
    auth: str  # "none", "session" or "bearer"
    describe: Callable[[httpx.Response], str] = lambda r: f"{len(r.content) / 1024:.0f} KB"
    is_baseline: bool = False


@dataclass
class Measurement:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: int = 0
    error_sample: str = ""
    warmup_sent: int = 0
    wall: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall > 0 else 0.0

    def ms(self, p: float) -> float:
        return _common.percentile(self.latencies, p) * 1000


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def build_fixture(*, province_code: str, commune_villages: int, other_villages: int) -> Fixture:
    from django.core.management import call_command
    from django.db import transaction

    from hoctap.accounts import services as accounts
    from hoctap.accounts.models import User
    from hoctap.accounts.permissions import SYSTEM
    from hoctap.accounts.roles import Role
    from hoctap.core.text import fold
    from hoctap.demo.services import VILLAGE_KIND_BY_COMMUNE_KIND, VILLAGE_NAMES
    from hoctap.geo import services as geo
    from hoctap.geo.models import AdminUnit, UnitClosure, UnitKind, UnitLevel

    timings: list[tuple[str, float, str]] = []
    with _common.timed() as t:
        call_command("migrate", interactive=False, verbosity=0)
    timings.append(("migrate", t[0], ""))
    with _common.timed() as t:
        loaded = geo.units_load_official(actor=SYSTEM)
    timings.append(("units_load_official (all provinces)", t[0], f"{loaded.created} units"))

    province = AdminUnit.objects.get(code=province_code)
    communes = list(
        AdminUnit.objects.filter(parent=province, level=UnitLevel.COMMUNE).order_by("code")
    )
    if len(communes) < 2:
        raise SystemExit(f"province {province_code} has {len(communes)} communes")
    busy, others = communes[0], communes[1:]

    kind, prefix = VILLAGE_KIND_BY_COMMUNE_KIND[UnitKind(busy.kind)]
    with _common.timed() as t:
        for number in range(commune_villages):
            name = VILLAGE_NAMES[number % len(VILLAGE_NAMES)]
            geo.village_create(
                actor=SYSTEM,
                parent_code=busy.code,
                name=f"{prefix} {name} {number + 1}",
                kind=kind,
                valid_from=geo.OFFICIAL_VALID_FROM,
            )
    timings.append(
        (
            f"village_create x{commune_villages} under {busy.code}",
            t[0],
            f"{t[0] / max(commune_villages, 1) * 1000:.1f} ms each",
        )
    )

    # The rest of the province in bulk: rows first, then the derived closure rebuilt.
    with _common.timed() as t, transaction.atomic():
        rows: list[AdminUnit] = []
        for index in range(other_villages):
            commune = others[index % len(others)]
            number = index // len(others) + 1
            kind, prefix = VILLAGE_KIND_BY_COMMUNE_KIND[UnitKind(commune.kind)]
            name = f"{prefix} {VILLAGE_NAMES[index % len(VILLAGE_NAMES)]} {number}"
            rows.append(
                AdminUnit(
                    code=f"{commune.code}-{number:03d}",
                    name=name,
                    search_name=fold(name),
                    kind=kind,
                    level=UnitLevel.VILLAGE,
                    parent=commune,
                    valid_from=geo.OFFICIAL_VALID_FROM,
                )
            )
        AdminUnit.objects.bulk_create(rows, batch_size=1000)
        closure_rows = geo.unit_closure_rebuild()
    timings.append(
        (
            f"bulk {other_villages} villages + unit_closure_rebuild",
            t[0],
            f"{closure_rows:,} closure rows",
        )
    )

    password = secrets.token_urlsafe(18)
    with _common.timed() as t:
        province_user = accounts.user_create(
            actor=SYSTEM,
            username="bench_province",
            role=Role.PROVINCE_SECRETARIAT,
            unit_code=province.code,
            password=password,
            full_name="Bench Province",
        )
        officer = accounts.user_create(
            actor=SYSTEM,
            username="bench_officer",
            role=Role.UNIT_OFFICER,
            unit_code=busy.code,
            password=password,
            full_name="Bench Officer",
        )
        _token, province_key = accounts.token_create(actor=SYSTEM, user=province_user, name="bench")
        _token, officer_key = accounts.token_create(actor=SYSTEM, user=officer, name="bench")
    timings.append(("2 users + 2 API tokens", t[0], ""))
    assert User.objects.filter(username__startswith="bench_").count() == 2

    with _common.timed() as t:
        call_command("collectstatic", interactive=False, verbosity=0)
    timings.append(("collectstatic", t[0], ""))

    return Fixture(
        province_code=province.code,
        commune_code=busy.code,
        commune_villages=list(
            AdminUnit.objects.filter(parent=busy).order_by("code").values_list("code", flat=True)
        ),
        province_communes=[c.code for c in communes],
        province_units=UnitClosure.objects.filter(ancestor=province).count(),
        province_user=province_user.username,
        officer_user=officer.username,
        password=password,
        province_key=province_key,
        officer_key=officer_key,
        timings=timings,
    )


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------


def session_login(base_url: str, username: str, password: str) -> tuple[dict[str, str], str]:
    """Sign in through `/login/`; the session cookies, or ({}, why not)."""
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=False) as client:
        page = client.get("/login/")
        if page.status_code != 200:
            return {}, f"login page not available (HTTP {page.status_code})"
        csrf = client.cookies.get("csrftoken")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        token = match.group(1) if match else csrf
        if not token:
            return {}, "login page sets no CSRF token"
        answer = client.post(
            "/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base_url}/login/"},
        )
        if answer.status_code != 302 or "sessionid" not in client.cookies:
            return {}, f"login refused (HTTP {answer.status_code})"
        return dict(client.cookies.items()), ""


def measure(
    *,
    base_url: str,
    path: str,
    headers: dict[str, str],
    cookies: dict[str, str],
    requests: int,
    warmup: int,
    clients: int,
) -> Measurement:
    """`requests` timed GETs shared by `clients` threads, each with its own keep-alive
    connection, after `warmup` untimed ones."""
    result = Measurement()
    lock = threading.Lock()
    shares = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    warm = [max(1, warmup // clients)] * clients
    result.warmup_sent = sum(warm)
    start = threading.Barrier(clients + 1)

    def run(share: int, warm_count: int) -> None:
        latencies: list[float] = []
        errors, sample = 0, ""
        try:
            with httpx.Client(
                base_url=base_url, headers=headers, cookies=cookies, timeout=30
            ) as client:
                for _ in range(warm_count):
                    with contextlib.suppress(httpx.HTTPError):
                        client.get(path)
                start.wait(timeout=300)
                for _ in range(share):
                    began = time.perf_counter()
                    try:
                        response = client.get(path)
                    except httpx.HTTPError as exc:
                        errors, sample = errors + 1, f"{type(exc).__name__}: {exc}"
                        continue
                    elapsed = time.perf_counter() - began
                    if response.status_code == 200:
                        latencies.append(elapsed)
                    else:
                        errors, sample = errors + 1, f"HTTP {response.status_code}"
        except Exception as exc:  # a client that cannot run must not leave the others waiting
            start.abort()
            errors, sample = errors + 1, f"{type(exc).__name__}: {exc}"
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            result.error_sample = result.error_sample or sample

    threads = [
        threading.Thread(target=run, args=(share, warm_count), daemon=True)
        for share, warm_count in zip(shares, warm, strict=True)
    ]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait(timeout=300)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    result.wall = time.perf_counter() - began
    return result


def _codes_shown(codes: list[str]) -> Callable[[httpx.Response], str]:
    def describe(response: httpx.Response) -> str:
        text = response.text
        shown = sum(1 for code in codes if code in text)
        return f"{len(response.content) / 1024:.0f} KB, {shown}/{len(codes)} child codes"

    return describe


def _api_count(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
        return f"count {body['count']}, {len(body['items'])} on page 1"
    except (ValueError, KeyError, TypeError):
        return f"{len(response.content) / 1024:.0f} KB, not the paginated shape"


def endpoints(fixture: Fixture) -> list[Endpoint]:
    commune, province = fixture.commune_code, fixture.province_code
    return [
        Endpoint("/ping", "/ping", "anonymous", "none", is_baseline=True),
        Endpoint(
            f"page /units/{commune}/ ({len(fixture.commune_villages)} villages)",
            f"/units/{commune}/",
            fixture.officer_user,
            "session",
            _codes_shown(fixture.commune_villages),
        ),
        Endpoint(
            f"page /units/{province}/ ({len(fixture.province_communes)} communes)",
            f"/units/{province}/",
            fixture.province_user,
            "session",
            _codes_shown(fixture.province_communes),
        ),
        Endpoint(
            f"API ?parent={commune}",
            f"/api/v1/units?parent={commune}",
            fixture.province_user,
            "bearer",
            _api_count,
        ),
        Endpoint(
            f"API ?parent={province}",
            f"/api/v1/units?parent={province}",
            fixture.province_user,
            "bearer",
            _api_count,
        ),
        Endpoint(
            "API ?q=lao cai",
            "/api/v1/units?q=lao%20cai",
            fixture.province_user,
            "bearer",
            _api_count,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="DATABASE_URL (PostgreSQL) selects the server; a fresh database is created "
        "on it and dropped afterwards. Without it, a temporary SQLite file is used. "
        "Traffic goes to 127.0.0.1 only.",
    )
    parser.add_argument("--requests", type=int, default=300, help="timed requests (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests (default 20)")
    parser.add_argument(
        "--clients", default="1,4", help="concurrent client counts, comma-separated (default 1,4)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--goal-ms", type=float, default=100.0, help="p95 goal (default 100)")
    parser.add_argument("--province", default="15", help="province code (default 15, Lào Cai)")
    parser.add_argument(
        "--commune-villages", type=int, default=100, help="villages in the busy commune (100)"
    )
    parser.add_argument(
        "--villages", type=int, default=2900, help="villages over the other communes (2900)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a goal is missed"
    )
    args = parser.parse_args(argv)
    try:
        args.client_counts = sorted({int(c) for c in args.clients.split(",") if c.strip()})
    except ValueError:
        parser.error("--clients takes numbers such as 1,4")
    if not args.client_counts or not all(1 <= c <= 32 for c in args.client_counts):
        parser.error("--clients: between 1 and 32 each")
    if not 1 <= args.requests <= MAX_REQUESTS or not 0 <= args.warmup <= MAX_REQUESTS:
        parser.error(f"--requests and --warmup: at most {MAX_REQUESTS}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    failed = False
    with _common.fresh_environment("unit_pages") as bench:
        _common.django_setup()
        from django.db import connections

        print(f"Database: {bench.database_label} ({_common.database_version()})")
        print(f"Machine: {_common.machine_note()}")
        print("Building the data set ...", flush=True)
        fixture = build_fixture(
            province_code=args.province,
            commune_villages=args.commune_villages,
            other_villages=args.villages,
        )
        connections.close_all()  # the server has the database to itself from here
        _common.print_table(
            ["setup step", "seconds", "note"],
            [[name, f"{sec:.2f}", note] for name, sec, note in fixture.timings],
            left=(0, -1),
        )
        print(
            f"province {fixture.province_code}: {fixture.province_units:,} units in its subtree; "
            f"commune {fixture.commune_code}: {len(fixture.commune_villages)} villages"
        )

        server = _common.server_start(bench, workers=args.workers, threads=args.threads)
        try:
            print(
                f"gunicorn gthread, {args.workers} workers x {args.threads} threads at "
                f"{server.base_url} (the clients run on the same CPUs); "
                f"{args.requests} timed requests per row after {args.warmup} warm-up"
            )
            sessions: dict[str, tuple[dict[str, str], str]] = {
                user: session_login(server.base_url, user, fixture.password)
                for user in (fixture.province_user, fixture.officer_user)
            }
            keys = {fixture.province_user: fixture.province_key}
            keys[fixture.officer_user] = fixture.officer_key
            rows: list[list[object]] = []
            for clients in args.client_counts:
                found, missed = measure_endpoints(
                    server=server,
                    endpoints=endpoints(fixture),
                    clients=clients,
                    keys=keys,
                    sessions=sessions,
                    args=args,
                )
                rows += found
                failed |= missed
            print()
            print_results(rows)
            print(f"\nMachine now: {_common.machine_note()}")
            if "Traceback" in server.log_tail(200):
                print("\nThe server logged errors; the end of its log:\n" + server.log_tail())
        finally:
            _common.server_stop(server)
    return 1 if failed and args.strict else 0


RESULT_HEADERS = [
    "endpoint",
    "as",
    "clients",
    "ok",
    "p50 ms",
    "p95 ms",
    "max ms",
    "req/s",
    "srv CPU ms",
    "p95-ping",
    "goal p95",
    "verdict",
    "response",
]


def print_results(rows: list[list[object]]) -> None:
    _common.print_table(RESULT_HEADERS, rows, left=(0, 1, -1))


def measure_endpoints(
    *,
    server: _common.Server,
    endpoints: list[Endpoint],
    clients: int,
    keys: dict[str, str],
    sessions: dict[str, tuple[dict[str, str], str]],
    args: argparse.Namespace,
) -> tuple[list[list[object]], bool]:
    """One row per endpoint, the baseline (`/ping`) first; and whether a goal was missed.
    `keys`: API bearer keys by username; `sessions`: (cookies, why not) by username."""
    rows: list[list[object]] = []
    failed = False
    baseline_p95: float | None = None
    for endpoint in endpoints:
        print(f"  {endpoint.label} as {endpoint.user}, {clients} client(s) ...", file=sys.stderr)
        headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        problem = ""
        if endpoint.auth == "bearer":
            headers["Authorization"] = f"Bearer {keys[endpoint.user]}"
        elif endpoint.auth == "session":
            cookies, problem = sessions[endpoint.user]
        row, p95, ok = measure_row(
            server=server,
            endpoint=endpoint,
            clients=clients,
            headers=headers,
            cookies=cookies,
            problem=problem,
            baseline_p95=baseline_p95,
            args=args,
        )
        rows.append(row)
        failed |= not ok
        if endpoint.is_baseline:
            baseline_p95 = p95
    return rows, failed


def measure_row(
    *,
    server: _common.Server,
    endpoint: Endpoint,
    clients: int,
    headers: dict[str, str],
    cookies: dict[str, str],
    problem: str,
    baseline_p95: float | None,
    args: argparse.Namespace,
) -> tuple[list[object], float | None, bool]:
    """One line of the table: (row, p95 in ms or None, whether the goal is met)."""
    if problem:  # no session: a login page not written yet is reported, other causes fail
        return _unavailable(endpoint, clients, problem), None, "(HTTP 404)" in problem
    with httpx.Client(
        base_url=server.base_url, headers=headers, cookies=cookies, timeout=30
    ) as probe_client:
        probe = probe_client.get(endpoint.path)
    if probe.status_code != 200:
        location = probe.headers.get("location", "")
        why = f"{_why_not(probe.status_code)} (HTTP {probe.status_code}"
        why += f" -> {location})" if location else ")"
        # A page not written yet is reported, not failed; anything else is a failure.
        return _unavailable(endpoint, clients, why), None, probe.status_code == 404
    cpu_before = _common.server_cpu_seconds(server)
    found = measure(
        base_url=server.base_url,
        path=endpoint.path,
        headers=headers,
        cookies=cookies,
        requests=args.requests,
        warmup=args.warmup,
        clients=clients,
    )
    # The warm-up requests ran in the same window as the timed ones.
    served = len(found.latencies) + found.errors + found.warmup_sent
    cpu_ms = (_common.server_cpu_seconds(server) - cpu_before) / served * 1000
    p95 = found.ms(95)
    if endpoint.is_baseline:
        ok, verdict = found.errors == 0, "baseline"
    else:
        ok = found.errors == 0 and p95 < args.goal_ms
        verdict = "PASS" if ok else "FAIL"
    note = endpoint.describe(probe)
    if found.errors:
        note += f"; {found.errors} errors ({found.error_sample})"
    row: list[object] = [
        endpoint.label,
        endpoint.user,
        clients,
        len(found.latencies),
        f"{found.ms(50):.1f}",
        f"{p95:.1f}",
        f"{found.ms(100):.1f}",
        f"{found.rate:.0f}",
        f"{cpu_ms:.1f}",
        "-" if endpoint.is_baseline or baseline_p95 is None else f"{p95 - baseline_p95:+.1f}",
        "-" if endpoint.is_baseline else f"< {args.goal_ms:g}",
        verdict,
        note,
    ]
    return row, p95, ok


def _why_not(status: int) -> str:
    if status == 404:
        return "page not available"
    if status >= 500:
        return "server error"
    if 300 <= status < 400:
        return "redirected"
    return "refused"


def _unavailable(endpoint: Endpoint, clients: int, why: str) -> list[object]:
    return [endpoint.label, endpoint.user, clients, 0, *(["-"] * 7), "n/a", why]


if __name__ == "__main__":
    sys.exit(main())
