"""The SQLite backend queues writing transactions on a lock file (hoctap/core/sqlite): a writer
waits for the one before it to commit or roll back, and gives up after its timeout with
SQLite's own error, having written nothing. The database here is a file of its own, so these
run the same whatever database the rest of the suite uses."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection

from hoctap.core.sqlite.base import DatabaseWrapper


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Iterator[Callable[..., DatabaseWrapper]]:
    """A maker of connections (one per thread) to a new SQLite file with a table `note`."""
    name = str(tmp_path / "queue.sqlite3")
    opened: list[DatabaseWrapper] = []

    def connect(timeout: float = 5.0) -> DatabaseWrapper:
        settings = {
            **connection.settings_dict,
            "ENGINE": "hoctap.core.sqlite",
            "NAME": name,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": timeout,
            },
        }
        wrapper = DatabaseWrapper(settings, alias=f"queue_{len(opened)}")
        wrapper.inc_thread_sharing()  # closed by the fixture from the test's thread
        opened.append(wrapper)
        return wrapper

    with django_db_blocker.unblock():
        first = connect()
        first.cursor().execute("CREATE TABLE note (text TEXT NOT NULL)")
        yield connect
        for wrapper in opened:
            wrapper.close()


def _write(db: DatabaseWrapper, text: str, *, hold: float = 0.0) -> None:
    """One writing transaction, as `transaction.atomic()` runs it on this backend."""
    db.ensure_connection()
    db._start_transaction_under_autocommit()
    try:
        db.cursor().execute("INSERT INTO note (text) VALUES (%s)", [text])
        time.sleep(hold)
    except BaseException:
        db.rollback()
        raise
    db.commit()


def _notes(db: DatabaseWrapper) -> list[str]:
    with db.cursor() as cursor:
        cursor.execute("SELECT text FROM note ORDER BY rowid")
        return [row[0] for row in cursor.fetchall()]


def test_a_writer_waits_for_the_one_before_it_to_commit(database):
    first, second = database(), database()
    first.ensure_connection()
    first._start_transaction_under_autocommit()
    first.cursor().execute("INSERT INTO note (text) VALUES ('first')")
    started = threading.Event()
    began_at: list[float] = []

    def later_writer() -> None:
        started.set()
        _write(second, "second")
        began_at.append(time.monotonic())

    thread = threading.Thread(target=later_writer)
    thread.start()
    started.wait()
    time.sleep(0.2)
    assert not began_at  # still waiting: the first has not committed
    committed_at = time.monotonic()
    first.commit()
    thread.join(5)
    assert began_at
    assert began_at[0] >= committed_at
    assert _notes(first) == ["first", "second"]


def test_a_writer_gives_up_after_its_timeout_and_writes_nothing(database):
    first, second = database(), database(timeout=0.3)
    first.ensure_connection()
    first._start_transaction_under_autocommit()
    first.cursor().execute("INSERT INTO note (text) VALUES ('first')")
    errors: list[Exception] = []

    def impatient_writer() -> None:
        try:
            _write(second, "second")
        except OperationalError as exc:
            errors.append(exc)

    thread = threading.Thread(target=impatient_writer)
    started = time.monotonic()
    thread.start()
    thread.join(5)
    waited = time.monotonic() - started
    first.commit()
    assert [str(e) for e in errors] == ["database is locked"]
    assert 0.25 <= waited < 3
    assert _notes(first) == ["first"]
    _write(second, "again")  # the queue is free once the first has committed
    assert _notes(second) == ["first", "again"]


def test_another_process_holding_the_lock_file_is_waited_for(database, tmp_path):
    db = database(timeout=0.3)
    # another process's writer: an exclusive lock on the file through its own descriptor
    other = os.open(str(tmp_path / "queue.sqlite3-writer.lock"), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(OperationalError, match="database is locked"):
            _write(db, "blocked")
        fcntl.flock(other, fcntl.LOCK_UN)
        _write(db, "free")
    finally:
        os.close(other)
    assert _notes(db) == ["free"]


def _lock_file_is_free(tmp_path: Path) -> bool:
    other = os.open(str(tmp_path / "queue.sqlite3-writer.lock"), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(other)  # closing the descriptor drops a lock it took
    return True


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_the_lock_file_is_held_from_begin_to_the_end_of_the_transaction(database, tmp_path, end):
    db = database()
    db.ensure_connection()
    assert _lock_file_is_free(tmp_path)
    db._start_transaction_under_autocommit()
    db.cursor().execute("INSERT INTO note (text) VALUES ('kept or undone')")
    assert not _lock_file_is_free(tmp_path)
    getattr(db, end)()
    assert _lock_file_is_free(tmp_path)
    assert _notes(db) == (["kept or undone"] if end == "commit" else [])
    _write(database(timeout=0.3), "next")  # and the next writer gets in at once
    assert _notes(db)[-1] == "next"


def test_closing_a_connection_inside_a_transaction_frees_the_lock_file(database, tmp_path):
    db = database()
    db.ensure_connection()
    db._start_transaction_under_autocommit()
    assert not _lock_file_is_free(tmp_path)
    db.close()
    assert _lock_file_is_free(tmp_path)


def test_a_forked_child_neither_frees_the_parents_lock_nor_inherits_its_queue(database, tmp_path):
    from hoctap.core.sqlite import base

    db = database()
    db.ensure_connection()
    db._start_transaction_under_autocommit()  # the parent holds both locks
    pid = os.fork()
    if pid == 0:  # the child: closes what it inherited, as a worker would, and reports
        code = 0
        try:
            db.close()
            if not base._process_lock(db.settings_dict["NAME"]).acquire(blocking=False):
                code = 3  # the child would wait forever for a thread it does not have
        except BaseException:
            code = 2
        os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not _lock_file_is_free(tmp_path)  # still the parent's
    db.rollback()
    assert _lock_file_is_free(tmp_path)
