"""The hand-off between Arrow building and DuckDB inserts (`pipelines.overlap`)."""

from __future__ import annotations

import sys
import threading

import pytest

from pipelines.overlap import Overlapped


def test_items_are_consumed_in_order_on_another_thread() -> None:
    seen: list[tuple[int, str]] = []
    interval = sys.getswitchinterval()
    with Overlapped(lambda item: seen.append((item, threading.current_thread().name))) as put:
        for item in range(50):
            put(item)
    assert [item for item, _ in seen] == list(range(50))
    assert {name for _, name in seen} == {"overlapped"}
    assert sys.getswitchinterval() == interval  # restored


def test_a_consumer_error_reaches_the_caller_and_stops_consumption() -> None:
    consumed: list[int] = []

    def consume(item: int) -> None:
        if item == 3:
            raise ValueError("bad chunk 3")
        consumed.append(item)

    with pytest.raises(ValueError, match="bad chunk 3"), Overlapped(consume) as put:  # noqa: PT012
        for item in range(20):
            put(item)
    assert consumed == [0, 1, 2]


def test_the_consumer_is_done_before_a_caller_error_propagates() -> None:
    finished = threading.Event()
    release = threading.Event()

    def consume(item: int) -> None:
        release.wait(5)
        finished.set()

    with pytest.raises(RuntimeError, match="producer failed"), Overlapped(consume) as put:  # noqa: PT012
        put(1)
        release.set()
        raise RuntimeError("producer failed")
    assert finished.is_set()  # e.g. a rollback after this point finds no insert running
