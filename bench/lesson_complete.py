"""Benchmark: the lesson-completed endpoint under concurrent load, on the production server,
side by side with the trivial view `/ping` on the same server in the same run.

    .venv/bin/python bench/lesson_complete.py                   # SQLite, temporary
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/lesson_complete.py               # a fresh hoctap_bench_<pid>

The data: the small demo (`hoctap demo --scale small`: three communes, ~3,800 persons), one
published course of 12 lessons (open in any order: see `_learners`), and 2,000 adult
residents with a learner account, each enrolled and signed in (a session each, as a browser
has after signing in). The server is the production one (`gunicorn`, production settings,
2 workers x 4 threads unless told).

The load: `wrk` (Debian's package; a small C load generator, so the client takes little of the
CPUs the server needs) with 8 connections for 15 s against `/ping`, then the same against
`GET /api/v1/me` with the learners' sessions (for information: the cheapest request that
authenticates a user), then against
`POST /api/v1/learning/lessons/<id>/complete`, each request a learner's next lesson (their
session cookie and CSRF token; the learners rotate so that a learner's lessons come in order).
Every request completes a lesson for the first time: a write, an audit entry, and at a
learner's 12th lesson the completion of the course and its certificate. Without `wrk`, Python
threads with httpx make the load (their own CPU then weighs on the figures: install wrk).

Printed: requests/s, p50 and p95 latency and non-2xx answers of the three, the ratio of the
lesson's throughput to `/ping`'s (goal >= 0.5) and, for information, to the signed-in read's,
and a check that every answered request recorded its lesson.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

import _common

LESSONS = 12
GOAL_RATIO = 0.5


@dataclass
class Plan:
    lesson_ids: list[int]  # by number - 1
    learners: list[tuple[str, str]]  # (session key, csrf token)
    course_id: int


def build(bench: _common.BenchEnv, learners: int) -> Plan:
    env = {**os.environ, **bench.env}
    if bench.database_url is None:
        env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(_common.ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    subprocess.run(
        [*manage, "demo", "--province", "15", "--scale", "small"],
        env=env,
        check=True,
        capture_output=True,
    )
    _common.django_setup()
    return _learners(learners)


def _learners(count: int) -> Plan:
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.middleware.csrf import _get_new_csrf_string

    from hoctap.accounts.models import User
    from hoctap.accounts.permissions import SYSTEM
    from hoctap.core import bulk
    from hoctap.core.sessions import SessionStore
    from hoctap.learning.models import Enrolment, LearnerAccount
    from hoctap.learning.services import catalogue
    from hoctap.registry.models import Person, PersonStatus

    course = catalogue.course_create(
        actor=SYSTEM,
        code="BENCH-01",
        title="Khoá học đo tải",
        owner_code="SGDDT-15",
        target_groups=["citizens"],
        # Lessons in any order: wrk builds a connection's next request again when it
        # reconnects, so now and then a request is never sent, and in a course taken in order
        # that learner's next lesson would answer 409 (locked) for the load generator's fault.
        # The endpoint runs the same statement either way (it reads the previous lesson's
        # state and checks it when the course is in order).
        sequential=False,
    )
    module = catalogue.module_create(actor=SYSTEM, course=course, title="Học phần 1")
    for n in range(1, LESSONS + 1):
        catalogue.lesson_create(
            actor=SYSTEM, module=module, title=f"Bài {n}", body_html=f"<p>Bài học số {n}.</p>"
        )
    course.refresh_from_db()
    catalogue.course_set_status(actor=SYSTEM, course=course, status="published")
    lesson_ids = list(course.lessons.order_by("number").values_list("id", flat=True))

    adults = datetime.date.today().replace(year=datetime.date.today().year - 18)
    persons = list(
        Person.objects.filter(status=PersonStatus.LIVING_HERE, birth_date__lte=adults)
        .exclude(learner_account__isnull=False)
        .order_by("id")
        .values_list("id", "full_name")[:count]
    )
    if len(persons) < count:
        raise SystemExit(f"only {len(persons)} adults without an account in the demo")
    password = make_password("bench-password-2026")  # one hash for all: the bench signs no one in
    now = bulk.stored_now()
    with transaction.atomic():
        bulk.bulk_insert(
            User,
            ["password", "is_superuser", "username", "first_name", "last_name", "email",
             "is_staff", "is_active", "date_joined", "full_name", "phone"],
            [(password, False, f"hv{pid}", "", "", "", False, True, now, name, "")
             for pid, name in persons],
        )  # fmt: skip
        users = dict(
            User.objects.filter(username__in=[f"hv{pid}" for pid, _n in persons]).values_list(
                "username", "id"
            )
        )
        bulk.bulk_insert(
            LearnerAccount,
            ["created_at", "updated_at", "user_id", "person_id", "phone", "origin",
             "must_change_password"],
            [(now, now, users[f"hv{pid}"], pid, "", "officer", False) for pid, _n in persons],
        )  # fmt: skip
        bulk.bulk_insert(
            Enrolment,
            ["person_id", "course_id", "source", "enrolled_at", "status", "lessons_done",
             "quiz_passed"],
            [(pid, course.pk, "officer", now, "active", 0, False) for pid, _n in persons],
        )  # fmt: skip
    sessions = []
    for pid, _name in persons:
        user_id = users[f"hv{pid}"]
        store = SessionStore()
        store["_auth_user_id"] = str(user_id)
        store["_auth_user_backend"] = "hoctap.learning.auth.LearnerBackend"
        store["_auth_user_hash"] = User.objects.get(pk=user_id).get_session_auth_hash()
        store.create()
        sessions.append((str(store.session_key), _get_new_csrf_string()))
    return Plan(lesson_ids=lesson_ids, learners=sessions, course_id=course.pk)


# ---------------------------------------------------------------------------------------------
# The load: wrk with a Lua script, or Python threads
# ---------------------------------------------------------------------------------------------

WRK_LEARNERS = r"""
-- Each wrk thread takes every T-th learner of the file (a session key and a CSRF token a line).
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter - 1)
  table.insert(threads, thread)
end
function read_share(nthreads, path)
  local mine = {}
  local index = 0
  for line in io.lines(path) do
    if index % nthreads == id then
      local key, token = line:match("(%S+) (%S+)")
      table.insert(mine, {key, token})
    end
    index = index + 1
  end
  return mine
end
"""

WRK_SCRIPT = (
    WRK_LEARNERS
    + r"""
-- Request i of a thread is the next lesson of the learner (i mod n) of its share, so a
-- learner's lessons come in order.
function init(args)
  lessons = {}
  for id in string.gmatch(args[2], "%d+") do table.insert(lessons, id) end
  share = read_share(tonumber(args[1]), args[3])
  i = 0
  wrk.method = "POST"
  wrk.body = '{"seconds_spent": 60}'
end
function request()
  local n = #share
  local learner = share[(i % n) + 1]
  local lesson = lessons[math.floor(i / n) + 1] or lessons[#lessons]
  i = i + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Cookie"] = "sessionid=" .. learner[1] .. "; csrftoken=" .. learner[2]
  headers["X-CSRFToken"] = learner[2]
  return wrk.format(nil, "/api/v1/learning/lessons/" .. lesson .. "/complete", headers)
end
"""
)

WRK_ME_SCRIPT = (
    WRK_LEARNERS
    + r"""
-- A signed-in read that does nothing else: GET /api/v1/me with the learners' sessions in turn.
function init(args)
  share = read_share(tonumber(args[1]), args[2])
  i = 0
end
function request()
  local learner = share[(i % #share) + 1]
  i = i + 1
  return wrk.format("GET", "/api/v1/me", {["Cookie"] = "sessionid=" .. learner[1]})
end
"""
)

WRK_REPORT = r"""
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %.3f, \"p50_ms\": %.2f, " ..
    "\"p95_ms\": %.2f, \"max_ms\": %.2f, \"errors\": %d, \"non2xx\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency.max / 1e3, errors, summary.errors.status))
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_run(url: str, *, connections: int, seconds: int, script: str, args: list[str]) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + WRK_REPORT)
        path = handle.name
    try:
        done = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", path, url, "--", *args],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(path)
    line = next(x for x in done.stdout.splitlines() if x.startswith("JSON "))
    data = json.loads(line[5:])
    return Load(
        requests=data["requests"],
        seconds=data["seconds"],
        p50_ms=data["p50_ms"],
        p95_ms=data["p95_ms"],
        max_ms=data["max_ms"],
        errors=data["errors"],
    )


def python_run(
    base: str, plan: Plan | None, *, connections: int, seconds: int, read_only: bool = False
) -> Load:
    """The fallback without wrk: one thread per connection, each with its own learners
    (`/ping` without a plan; `GET /api/v1/me` as them with `read_only`)."""
    import httpx

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        share = plan.learners[index::connections] if plan else []
        with httpx.Client(base_url=base, timeout=30) as client:
            i = 0
            while time.monotonic() < deadline:
                started = time.perf_counter()
                if plan is None:
                    response = client.get("/ping")
                elif read_only:
                    key, _token = share[i % len(share)]
                    response = client.get("/api/v1/me", cookies={"sessionid": key})
                else:
                    key, token = share[i % len(share)]
                    lesson = plan.lesson_ids[min(i // len(share), LESSONS - 1)]
                    response = client.post(
                        f"/api/v1/learning/lessons/{lesson}/complete",
                        json={"seconds_spent": 60},
                        headers={"X-CSRFToken": token},
                        cookies={"sessionid": key, "csrftoken": token},
                    )
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code >= 300:
                        errors[0] += 1
                i += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = time.perf_counter() - started
    return Load(
        requests=len(latencies),
        seconds=total,
        p50_ms=_common.percentile(latencies, 50) * 1000,
        p95_ms=_common.percentile(latencies, 95) * 1000,
        max_ms=max(latencies) * 1000,
        errors=errors[0],
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with _common.fresh_environment("lesson") as bench:
        print(f"Database: {bench.database_label}")
        started = time.perf_counter()
        plan = build(bench, args.learners)
        print(
            f"Data: small demo, 1 course of {LESSONS} lessons, {len(plan.learners):,} learners "
            f"enrolled and signed in ({time.perf_counter() - started:.0f} s)"
        )
        print(f"Machine: {_common.machine_note()}")
        from django.db import connections

        connections.close_all()
        server = _common.server_start(bench, workers=args.workers, threads=args.threads)
        use_wrk = shutil.which("wrk") is not None
        print(
            f"Server: gunicorn {args.workers} workers x {args.threads} threads; load: "
            f"{'wrk' if use_wrk else 'Python threads (install wrk for a lighter client)'}, "
            f"{args.connections} connections, {args.seconds} s each\n"
        )
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
                handle.writelines(f"{key} {token}\n" for key, token in plan.learners)
                learners_file = handle.name
            if use_wrk:
                # warm-up of both, then the timed runs
                wrk_run(f"{server.base_url}/ping", connections=2, seconds=2, script="", args=[])
                ping = wrk_run(
                    f"{server.base_url}/ping",
                    connections=args.connections,
                    seconds=args.seconds,
                    script="",
                    args=[],
                )
                me = wrk_run(
                    server.base_url,
                    connections=args.connections,
                    seconds=args.seconds,
                    script=WRK_ME_SCRIPT,
                    args=["2", learners_file],
                )
                lesson = wrk_run(
                    server.base_url,
                    connections=args.connections,
                    seconds=args.seconds,
                    script=WRK_SCRIPT,
                    args=["2", ",".join(map(str, plan.lesson_ids)), learners_file],
                )
            else:
                python_run(server.base_url, None, connections=2, seconds=2)
                ping = python_run(
                    server.base_url, None, connections=args.connections, seconds=args.seconds
                )
                me = python_run(
                    server.base_url,
                    plan,
                    connections=args.connections,
                    seconds=args.seconds,
                    read_only=True,
                )
                lesson = python_run(
                    server.base_url, plan, connections=args.connections, seconds=args.seconds
                )
            os.unlink(learners_file)
        finally:
            _common.server_stop(server)
        rows = [
            ["GET /ping (trivial view)", f"{ping.rate:,.0f}", f"{ping.p50_ms:.1f}",
             f"{ping.p95_ms:.1f}", f"{ping.max_ms:.0f}", ping.errors],
            ["GET /api/v1/me (signed in)", f"{me.rate:,.0f}", f"{me.p50_ms:.1f}",
             f"{me.p95_ms:.1f}", f"{me.max_ms:.0f}", me.errors],
            ["POST .../lessons/<id>/complete", f"{lesson.rate:,.0f}", f"{lesson.p50_ms:.1f}",
             f"{lesson.p95_ms:.1f}", f"{lesson.max_ms:.0f}", lesson.errors],
        ]  # fmt: skip
        _common.print_table(["endpoint", "req/s", "p50 ms", "p95 ms", "max ms", "non-2xx"], rows)
        ratio = lesson.rate / ping.rate if ping.rate else 0.0
        from hoctap.learning.models import Certificate, LessonProgress

        recorded = LessonProgress.objects.filter(
            enrolment__course_id=plan.course_id, completed_at__isnull=False
        ).count()
        certificates = Certificate.objects.filter(completion__course_id=plan.course_id).count()
        print(
            f"\nLessons recorded as completed: {recorded:,} (answered 2xx: "
            f"{lesson.requests - lesson.errors:,}); courses completed with a certificate: "
            f"{certificates:,}"
        )
        verdict = "met" if ratio >= GOAL_RATIO and lesson.errors == 0 else "MISSED"
        print(
            f"Throughput of lesson-completed / trivial view: {ratio:.2f} "
            f"(goal >= {GOAL_RATIO}): {verdict}"
        )
        print(
            f"For information, lesson-completed / the signed-in read: "
            f"{lesson.rate / me.rate if me.rate else 0.0:.2f} (what the write itself costs "
            "beyond authenticating a request)"
        )
        return 1 if args.strict and verdict != "met" else 0


if __name__ == "__main__":
    sys.exit(main())
