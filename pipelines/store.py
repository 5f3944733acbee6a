"""Opening the DuckDB file: migrations on write, and patience with DuckDB's file lock.

DuckDB lets one process write a file, and while it has the file open no other process
can open it at all. So every writer here holds the file only for one short transaction
(a batch) and closes it; readers (``giaouoc query``) open it read-only and, when they
find it locked, wait a bounded time for the writer's window to pass.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.migrations import migrate

DEFAULT_LOCK_TIMEOUT = 30.0  # seconds
_LOCK_POLL = 0.2
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
    while True:
        try:
            con = duckdb.connect(str(db), read_only=read_only)
            break
        except duckdb.IOException as error:
            if not _is_lock_error(error):
                raise StoreError(f"database {db} cannot be opened: {error}") from error
            if time.monotonic() >= deadline:
                raise DatabaseLockedError(
                    f"database {db} is locked by {lock_holder(error)} (a load in progress?); "
                    f"still locked after {lock_timeout:g} s"
                ) from error
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
            migrate(con)
        except Exception:
            con.close()
            raise
    return con


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
