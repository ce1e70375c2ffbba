"""Shared pieces of the benchmark scripts: a fresh database, percentiles, tables, the server.

Nothing here is imported by the application. Every script builds its own throw-away database
(a SQLite file in a temporary directory, or `hoctap_bench_<pid>` on the PostgreSQL server named
by DATABASE_URL) and removes it at the end, so a benchmark never touches real data.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/<name>.py` from anywhere
    sys.path.insert(0, str(ROOT))

SETTINGS_MODULE = "config.settings.production"


@dataclass(frozen=True)
class BenchEnv:
    """Where the fresh database lives and the environment that points Django at it."""

    data_dir: Path
    database_url: str | None  # None: SQLite in data_dir
    database_label: str
    env: dict[str, str]  # the variables to give the server (and that this process uses)


def _postgres_admin(url: str, statement: str, database: str) -> None:
    """Run `statement` (with `{}` for the database name) outside a transaction."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(database)))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _settings_env(data_dir: Path, secret_key: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "SECRET_KEY": secret_key,
        "HOCTAP_HTTPS": "0",  # plain http on 127.0.0.1: cookies must not be Secure-only
        "ALLOWED_HOSTS": "127.0.0.1",
        "HOCTAP_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        # the `hoctap` commands report in English here (Vietnamese by default): the
        # benchmarks read their figures from those reports
        "HOCTAP_LANGUAGE": "en",
    }


def _bench_env(
    data_dir: Path, database_url: str | None, secret_key: str, database_name: str, note: str = ""
) -> BenchEnv:
    """Point this process (and, through `env`, the server) at the database."""
    env = _settings_env(data_dir, secret_key)
    if database_url is not None:
        env["DATABASE_URL"] = database_url
        parts = urlsplit(database_url)
        label = f"PostgreSQL {database_name} on {parts.hostname}:{parts.port or 5432}{note}"
    else:
        os.environ.pop("DATABASE_URL", None)
        label = f"SQLite {data_dir / 'hoctap.sqlite3'}{note}"
    os.environ.update(env)
    return BenchEnv(data_dir=data_dir, database_url=database_url, database_label=label, env=env)


def _close_connections() -> None:
    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()


@contextlib.contextmanager
def fresh_environment(prefix: str, *, db_prefix: str = "hoctap_bench") -> Iterator[BenchEnv]:
    """A temporary data directory and an empty database, configured in `os.environ`.

    Must run before `django.setup()`: the settings read HOCTAP_DATA_DIR and DATABASE_URL when
    they are imported. On exit the database and the directory are removed.
    """
    # A plain SIGTERM would end the process without running the clean-up below.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    data_dir = Path(tempfile.mkdtemp(prefix=f"hoctap_{prefix}_"))
    server_url = os.environ.get("DATABASE_URL") or None
    database_url: str | None = None
    db_name = f"{db_prefix}_{os.getpid()}"
    if server_url is not None:
        scheme = urlsplit(server_url).scheme
        if not scheme.startswith("postgres"):
            raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL, not {scheme}://")
        _postgres_admin(server_url, "CREATE DATABASE {}", db_name)
        database_url = _with_database(server_url, db_name)
    bench = _bench_env(data_dir, database_url, secrets.token_urlsafe(50), db_name)
    try:
        yield bench
    finally:
        _close_connections()
        if server_url is not None:
            try:
                _postgres_admin(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", db_name)
            except Exception as exc:
                print(f"warning: could not drop database {db_name}: {exc}", file=sys.stderr)
        shutil.rmtree(data_dir, ignore_errors=True)


@contextlib.contextmanager
def kept_environment(data_dir: Path) -> Iterator[BenchEnv]:
    """Like `fresh_environment`, but on a database that is kept for the next run: SQLite in
    `data_dir`, or the PostgreSQL database named by DATABASE_URL itself. Nothing is removed."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or None
    secret = data_dir / "bench_secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
    if database_url is not None and not urlsplit(database_url).scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL")
    name = urlsplit(database_url).path.lstrip("/") if database_url else ""
    bench = _bench_env(data_dir, database_url, secret.read_text().strip(), name, " (kept)")
    try:
        yield bench
    finally:
        _close_connections()


def django_setup() -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    django.setup()


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"{connection.vendor} {cursor.fetchone()[0]}"


def machine_note() -> str:
    """CPUs and load: other work on the machine shows in every figure, so print it."""
    one, five, _fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} (1 min) {five:.2f} (5 min)"


# ---------------------------------------------------------------------------------------------
# Figures and tables
# ---------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, left: Sequence[int] = (0,)
) -> None:
    """A plain-text table; columns listed in `left` are left-aligned, the others right."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left or i - len(widths) in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    """`with timed() as t: ...` then `t[0]` is the elapsed seconds."""
    box: list[float] = []
    started = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def server_cpu_seconds(server: Server) -> float:
    """User + system CPU time used so far by the gunicorn master and its workers (Linux).

    Unlike latency this hardly moves when other work shares the machine, so it is the figure to
    compare between runs on a busy box. NaN where /proc is not available.
    """
    tick = os.sysconf("SC_CLK_TCK")
    master = server.process.pid
    total = 0
    try:
        proc_entries = list(Path("/proc").iterdir())
    except OSError:
        return math.nan
    for entry in proc_entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid, ppid = int(entry.name), int(fields[1])
        if pid == master or ppid == master:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def server_start(
    bench: BenchEnv, *, workers: int, threads: int, ready_timeout: float = 60.0
) -> Server:
    """gunicorn as in production (`hoctap serve`), on a free port of 127.0.0.1 only."""
    import httpx

    port = free_port()
    log_path = bench.data_dir / "gunicorn.log"
    env = {**os.environ, **bench.env}
    if bench.database_url is None:
        env.pop("DATABASE_URL", None)
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--graceful-timeout",
            "10",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so that stopping it stops the workers
    )
    log.close()
    server = Server(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server_stop(server)
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/ping", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server_stop(server)
    raise RuntimeError(
        f"gunicorn did not answer within {ready_timeout:.0f} s:\n{server.log_tail()}"
    )


def server_stop(server: Server, timeout: float = 15.0) -> None:
    """SIGTERM to the server's process group, SIGKILL if it has not gone after `timeout`."""
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
