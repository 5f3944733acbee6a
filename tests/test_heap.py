"""A load keeps the cycle collector's full passes off the heap that was there before it.

Without it, a full pass over a large heap (the extractor's models, 100,000 records held
in memory) came due at random during a load and cost as much as the load's own Python
work. The heap must be put back afterwards, and a heap someone else froze left alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from pathlib import Path

from extract.models import Article, EventRecord
from pipelines.heap import collector_paused, older_objects_frozen
from pipelines.loader import Loader
from pipelines.synthetic import RecordedExtractor, synthetic_pairs

PAIRS = list(synthetic_pairs(30, seed=11))
RECORDS = {r.id: r for _, r in PAIRS}
BATCHES = [(start, [a for a, _ in PAIRS[start : start + 10]]) for start in range(0, 30, 10)]


class FreezeWatcher(RecordedExtractor):
    """The recorded extractor, noting how many objects are frozen while it runs."""

    def __init__(self, records: dict[str, EventRecord]) -> None:
        super().__init__(records)
        self.frozen: list[int] = []

    def extract_many(self, articles: Iterable[Article]) -> Iterator[EventRecord]:
        self.frozen.append(gc.get_freeze_count())
        return super().extract_many(articles)


def test_a_load_freezes_the_older_heap_and_puts_it_back(tmp_path: Path) -> None:
    assert gc.get_freeze_count() == 0
    extractor = FreezeWatcher(RECORDS)
    Loader(tmp_path / "store.duckdb", extractor, "v1").load_batches(BATCHES)
    # the records existed before the load: frozen for all of it
    assert len(extractor.frozen) == len(BATCHES)
    assert min(extractor.frozen) > len(RECORDS)
    assert gc.get_freeze_count() == 0


def test_a_heap_frozen_by_someone_else_stays_frozen(tmp_path: Path) -> None:
    gc.freeze()
    try:
        theirs = gc.get_freeze_count()
        extractor = FreezeWatcher(RECORDS)
        Loader(tmp_path / "store.duckdb", extractor, "v1").load_batches(BATCHES)
        assert extractor.frozen == [theirs] * len(BATCHES)
        assert gc.get_freeze_count() == theirs
    finally:
        gc.unfreeze()


def test_the_collector_is_paused_only_within_the_block() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # was off before: stays off
    finally:
        gc.enable()


def test_freezing_is_undone_when_the_block_fails() -> None:
    try:
        with older_objects_frozen():
            assert gc.get_freeze_count() > 0
            raise RuntimeError("the load failed")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0
