"""Opening the DuckDB file: migrations on write, and patience with DuckDB's file lock.

DuckDB lets one process write a file, and while it has the file open no other process
can open it at all. Reopening the file for every batch is costly, though (each close
checkpoints, each open reloads the indexes), so a loader keeps it open from batch to
batch, and lets go between two batches as soon as someone else is waiting for it.
Whoever finds the file locked (``giaouoc query``, another loader) says so with a
request file beside the database (`WaitRequest`) for as long as it waits, and the
loader looks for such requests between batches (`others_waiting`, at most every
50 ms: `WaitWatch`).
"""

from __future__ import annotations

import glob
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.migrations import migrate

DEFAULT_LOCK_TIMEOUT = 30.0  # seconds
_LOCK_POLL = 0.2
# How often, at most, a loader looks for waiting processes (`WaitWatch`).
WAIT_LOOK_SECONDS = 0.05
_WAIT_SUFFIX = ".wait-"
# What DuckDB may keep in memory while a writer holds the file. With its default (80% of
# RAM) the checkpoints that merge the small row groups batches leave behind build whole
# merged row groups in memory (for `articles`, with their texts, ~0.5 GB per 122,880
# rows, several tables at once), so the loader's peak grew with the database (3.3 GB at
# a million articles). Under this limit DuckDB spills them to a temporary folder beside
# the database instead, at no measurable cost in speed.
WRITER_MEMORY_LIMIT = "1GB"
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


class StoreError(RuntimeError):
    """A problem with the database file, worded for the person at the terminal."""


class DatabaseMissingError(StoreError):
    pass


class DatabaseLockedError(StoreError):
    pass


def _is_lock_error(error: Exception) -> bool:
    return "Could not set lock" in str(error) or "Conflicting lock" in str(error)


def lock_holder(error: Exception) -> str:
    """'PID 123 (python3)' from DuckDB's lock message, or 'another process'."""
    match = _LOCK_HOLDER.search(str(error))
    if not match:
        return "another process"
    return f"PID {match.group(2)} ({Path(match.group(1)).name})"


def connect(
    db: Path,
    *,
    read_only: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open `db`, retrying while another process holds its lock, up to `lock_timeout`.

    A writable open creates the file and applies pending migrations; a read-only open
    requires the file to exist. `on_wait` is told once who holds the lock.
    """
    if read_only and not db.exists():
        raise DatabaseMissingError(f"database {db} does not exist (run `giaouoc demo` first)")
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout
    told = False
    with WaitRequest(db) as request:
        while True:
            try:
                con = duckdb.connect(str(db), read_only=read_only)
                break
            except duckdb.IOException as error:
                if not _is_lock_error(error):
                    raise StoreError(f"database {db} cannot be opened: {error}") from error
                if time.monotonic() >= deadline:
                    raise DatabaseLockedError(
                        f"database {db} is locked by {lock_holder(error)} (a load in "
                        f"progress?); still locked after {lock_timeout:g} s"
                    ) from error
                request.post()
                if on_wait and not told:
                    on_wait(
                        f"database {db} is locked by {lock_holder(error)}; "
                        f"waiting up to {lock_timeout:g} s"
                    )
                    told = True
                time.sleep(_LOCK_POLL)
            except duckdb.Error as error:
                raise StoreError(f"database {db} cannot be opened: {error}") from error
    if not read_only:
        try:
            con.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
            migrate(con)
        except Exception:
            con.close()
            raise
    return con


class WaitRequest:
    """A file ``<db>.wait-<pid>`` that exists while this process waits for the database.

    Posted only once the file turned out to be locked, removed as soon as the wait
    ends (opened or given up); a request left by a killed process is recognised by
    its process id and ignored.
    """

    def __init__(self, db: Path) -> None:
        self.path = db.with_name(f"{db.name}{_WAIT_SUFFIX}{os.getpid()}")
        self.posted = False

    def post(self) -> None:
        if not self.posted:
            self.path.touch()
            self.posted = True

    def __enter__(self) -> WaitRequest:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.posted:
            self.path.unlink(missing_ok=True)


def others_waiting(db: Path) -> bool:
    """Whether another live process is waiting to open `db` (see `WaitRequest`)."""
    for request in db.parent.glob(f"{glob.escape(db.name)}{_WAIT_SUFFIX}*"):
        pid = request.name.rpartition(_WAIT_SUFFIX)[2]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            return True
    return False


class WaitWatch:
    """`others_waiting` for a loader that asks between every two staged batches: it
    lists the directory at most every `interval` seconds, so a waiting process is
    noticed within that long. Only "nobody" is remembered: once someone is waiting,
    every question looks again, so the loader lets go while they still wait."""

    def __init__(self, db: Path, interval: float = WAIT_LOOK_SECONDS) -> None:
        self.db = db
        self.interval = interval
        self._quiet_until = 0.0

    def __call__(self) -> bool:
        now = time.monotonic()
        if now < self._quiet_until:
            return False
        waiting = others_waiting(self.db)
        if not waiting:
            self._quiet_until = now + self.interval
        return waiting


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        pass
    return True


@contextmanager
def open_store(
    db: Path,
    *,
    read_only: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connect` as a context manager that always closes (releasing the file lock)."""
    con = connect(db, read_only=read_only, lock_timeout=lock_timeout, on_wait=on_wait)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def write_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit on success, roll back on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
