"""Django's SQLite backend, with writing transactions that queue for SQLite's one writer.

SQLite lets one connection write at a time. With `transaction_mode = "IMMEDIATE"` every
`transaction.atomic()` takes the write lock at its BEGIN; a connection that finds it taken
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10 … up to 100 ms between tries. A
write transaction of the web server lasts well under a millisecond, so under concurrent
writes the waiting connections oversleep: the lock stands free while they sleep, the requests'
latency grows to tens or hundreds of milliseconds (the lesson-completed benchmark measured a
p95 of 85–196 ms at 8 connections), and the CPUs idle.

Here a writing transaction first takes its process's lock for the database (threads hand
it over at once), then an exclusive `flock` on a lock file beside the database
(`<name>-writer.lock`), shared by every process of this deployment (web workers, task worker,
CLI), and holds both until its COMMIT or ROLLBACK. The thread at the head of its process's
queue polls the file lock at fine intervals (50 µs growing to 1 ms) instead of SQLite's coarse
ones; after the connection's `timeout` (the same as SQLite's busy timeout) it gives up with the
error SQLite itself would raise, "database is locked". SQLite's own locking is unchanged
underneath, so a process that does not use this backend (the `sqlite3` shell, a backup) is
still safe: it is only not queued. The kernel drops the lock of a process that dies.

See docs/adr/0016-sqlite-writer-queue.md.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

DEFAULT_TIMEOUT = 5.0  # seconds: Python's sqlite3 default busy timeout
FIRST_PAUSE = 0.00005
LONGEST_PAUSE = 0.001


_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(name: str) -> threading.Lock:
    """This process's lock for the writers of database `name`."""
    with _process_locks_guard:
        return _process_locks.setdefault(name, threading.Lock())


def _forget_process_locks() -> None:
    """In a forked child: the parent's locks may have been held by threads the child does not
    have, so the child starts with its own (a connection must not cross a fork anyway)."""
    global _process_locks_guard
    _process_locks.clear()
    _process_locks_guard = threading.Lock()


os.register_at_fork(after_in_child=_forget_process_locks)


class DatabaseWrapper(base.DatabaseWrapper):
    # (django-stubs do not declare the private hooks overridden here: hence the ignores)
    _writer_lock_fd: int | None = None
    _writer_lock_pid = 0
    _holds_writer_lock = False
    _process_lock: threading.Lock

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        self._writer_lock_close()
        # only a BEGIN that takes SQLite's write lock (IMMEDIATE, EXCLUSIVE) queues
        mode = str(self.settings_dict["OPTIONS"].get("transaction_mode")).upper()
        if mode in ("IMMEDIATE", "EXCLUSIVE") and not self.is_in_memory_db():
            path = f"{self.settings_dict['NAME']}-writer.lock"
            self._writer_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._writer_lock_pid = os.getpid()
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        self._writer_lock_take()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._writer_lock_release()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._writer_lock_release()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._writer_lock_release()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._writer_lock_close()

    # the lock file

    def _writer_lock_take(self) -> None:
        fd = self._writer_lock_fd
        if fd is None or self._holds_writer_lock:
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        deadline = time.monotonic() + timeout
        # the threads of this process queue on a lock of their own, which hands over at
        # once; only the thread at its head polls the file lock against the other processes
        in_process = _process_lock(str(self.settings_dict["NAME"]))
        if not in_process.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    in_process.release()
                    raise OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
            else:
                self._holds_writer_lock = True
                self._process_lock = in_process
                return

    def _writer_lock_release(self) -> None:
        # a forked child shares the parent's open lock file: unlocking it there would free
        # the parent's lock, so only the process that took it lets it go
        if (
            self._holds_writer_lock
            and self._writer_lock_fd is not None
            and self._writer_lock_pid == os.getpid()
        ):
            fcntl.flock(self._writer_lock_fd, fcntl.LOCK_UN)
            self._process_lock.release()
        self._holds_writer_lock = False

    def _writer_lock_close(self) -> None:
        self._writer_lock_release()
        if self._writer_lock_fd is not None:
            os.close(self._writer_lock_fd)
            self._writer_lock_fd = None
