"""A hand-off to a worker thread: produce the next item while the last is consumed.

Loading is two kinds of work of about the same size: Python checking, extracting and
turning records into Arrow columns, which holds the GIL, and DuckDB inserting those
columns, which releases it. Done one after the other, one core idles half the time;
handed over as they come (the loader hands over jobs: insert these rows, delete those
articles' rows, commit), the next rows are built while DuckDB inserts or commits
the last ones.

The worker needs the GIL for a moment between DuckDB's steps, and at Python's default
switch interval (5 ms) it would wait behind the producer each time; within the block
the interval is shortened so that it gets the GIL at once.

The hand-off holds `slots` items (one by default), so at most `slots` + 2 are alive
(being made, waiting, being consumed). Whatever happens, the worker has finished with
the consumer before the `with` block ends (so the caller may roll back a transaction
the consumer was writing in), and its error, if any, is raised in the caller's thread."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

Item = TypeVar("Item")
_STOP = object()
_SWITCH_INTERVAL = 0.0005  # seconds


class Overlapped(Generic[Item]):
    """``with Overlapped(consume) as put: put(item) …`` runs `consume` on a worker thread."""

    def __init__(
        self, consume: Callable[[Item], object], *, name: str = "overlapped", slots: int = 1
    ) -> None:
        self._consume = consume
        self._slot: queue.Queue[object] = queue.Queue(maxsize=slots)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Callable[[Item], None]:
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, _SWITCH_INTERVAL))
        self._thread.start()
        return self.put

    def put(self, item: Item) -> None:
        """Hand `item` over (waiting while the slots are full); raise the worker's error."""
        if self._error is not None:
            raise self._error
        self._slot.put(item)

    def _run(self) -> None:
        while (item := self._slot.get()) is not _STOP:
            if self._error is None:  # after an error, drain without consuming
                try:
                    self._consume(item)  # type: ignore[arg-type]
                except BaseException as error:  # re-raised in the caller's thread
                    self._error = error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._slot.put(_STOP)
        self._thread.join()
        sys.setswitchinterval(self._interval)
        if exc_type is None and self._error is not None:
            raise self._error
