"""One run at a time per database: an advisory lock file beside it (``<db>.run.lock``).

Scheduled runs can overlap (a slow crawl, a timer that fires again, a person typing
`giaouoc run` by hand). Two loaders working on one staging folder would each read the
same batch and race to delete it, and DuckDB's own lock only serialises single
transactions, so a run takes this lock for its whole crawl-and-load and a second run
stops at once with a one-line message instead of waiting behind the first.

``fcntl.flock`` is used because the kernel drops it when its holder dies, even under
SIGKILL: a crashed run never leaves a stale lock behind. The file itself is never
deleted (deleting a lock file races with the next process opening it); it only carries
the holder's PID, start time and command, for the message the next run prints.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.store import DatabaseLockedError

_POLL = 0.2  # seconds between tries while waiting for the lock


class RunLockedError(DatabaseLockedError):
    """Another process holds the run lock of this database."""


def run_lock_path(db: Path) -> Path:
    """The lock file of `db`: beside it, so every process using `db` finds the same one."""
    return db.parent / f"{db.name}.run.lock"


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it (best effort: it may be mid-write)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 4096).decode("utf-8", "replace").strip()
    except OSError:
        return "another process"
    return text or "another process"


@contextmanager
def run_lock(db: Path, *, wait: float = 0.0, what: str = "run") -> Iterator[Path]:
    """Hold the run lock of `db` for the body; raise `RunLockedError` if someone else does.

    `wait` is how many seconds to keep trying before giving up (0: fail at once, which
    is what a scheduled run wants: the next tick will come).
    """
    db = Path(db)
    path = run_lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLockedError(
                        f"database {db} is busy: another giaouoc run holds {path.name} "
                        f"({_holder(fd)}); this {what} stopped without touching it"
                    ) from None
                time.sleep(_POLL)
        os.ftruncate(fd, 0)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200]
        os.pwrite(fd, f"PID {os.getpid()}, {what} since {stamp}: {command}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
