"""The single writer: merges article batches and their extracted events into the store.

A write transaction takes in one batch or several (`Loader.load_batches`): the
batches' articles and event parts replace whatever those articles contributed
before, and every event they touch is recomputed from all its sources. A process
killed mid-transaction leaves the previous state (DuckDB rolls the open transaction
back), a staged batch file is deleted only after the commit that made it durable, so
rerunning loads it again; and since an unchanged article (same URL, same content,
same extractor version) is skipped, loading anything twice changes nothing.

DuckDB admits one process per file. Within `Loader.holding_file()` (every multi-batch
load) the loader keeps the file open from transaction to transaction, since each
reopening costs a checkpoint and a reload of the indexes, and lets go after the
current batch, as soon as an analyst's query (or anyone) is waiting for it
(`store.WaitWatch`); outside it, the file is opened for each read and write.
"""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Protocol, TypeVar

import duckdb

from extract.models import Article, EventRecord
from pipelines import staging
from pipelines.batch_write import BatchWriter, RowQueue
from pipelines.crawl_runs import run_row
from pipelines.heap import older_objects_frozen
from pipelines.lookahead import Lookahead, UniqueBatch
from pipelines.migrations import utc_now
from pipelines.overlap import Overlapped
from pipelines.rows import reports_event
from pipelines.store import (
    DEFAULT_LOCK_TIMEOUT,
    WaitWatch,
    connect,
    open_store,
    write_transaction,
)
from pipelines.store_view import StoreView

RUN_SUMMARY_GLOB = "run-*.json"
# DuckDB's row group size: small row groups are merged once this many articles are in
# them, or once there are this many (each commit adds one to each table).
ROW_GROUP_ARTICLES = 122_880
MAX_SMALL_ROW_GROUPS = 32
# articles in each row group of `articles`, as stored
_ROW_GROUP_SIZES = """
SELECT sum(count) FROM pragma_storage_info('articles') WHERE column_path = '[0]'
GROUP BY row_group_id
"""
# Group commit (see `Loader.load_batches`): a write transaction takes in batches until
# it has written this many articles or this much data (DuckDB holds a transaction's
# rows in memory until the commit), or been open this long.
GROUP_ARTICLES = 50_000
GROUP_BYTES = 128 * 2**20  # of Arrow rows
GROUP_SECONDS = 10.0
# Jobs waiting for the writer thread (inserts of up to `batch_write.INSERT_ARTICLES`
# articles or `INSERT_BYTES` each): the next insert is built while one waits and one is
# inserted or committed.
WRITER_JOBS = 1
Key = TypeVar("Key")


class EventExtractor(Protocol):
    def extract_many(self, articles: Iterable[Article]) -> Iterator[EventRecord]: ...


def default_extractor() -> tuple[EventExtractor, str]:
    """The project's extraction engine and its version (imported late: it loads models)."""
    from extract.pipeline import EXTRACTOR_VERSION, Extractor

    return Extractor(), EXTRACTOR_VERSION


@dataclass
class LoadCounts:
    """What a load did, for the progress display and the final summary."""

    batches: int = 0
    articles: int = 0  # articles read from batches / the store
    stored: int = 0  # new or changed articles written
    unchanged: int = 0  # already stored with the same content and extractor version
    duplicates: int = 0  # same content as another stored page
    relevant: int = 0
    events_touched: int = 0

    def add(self, other: LoadCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Loader:
    """Loads articles into one database file, extracting their events on the way."""

    def __init__(
        self,
        db: Path,
        extractor: EventExtractor | None = None,
        extractor_version: str | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        group_articles: int = GROUP_ARTICLES,
    ) -> None:
        self.db = db
        self.group_articles = group_articles  # see `load_batches`
        self._extractor = extractor
        self._version = extractor_version
        self.lock_timeout = lock_timeout
        self._holding = False
        self._con: duckdb.DuckDBPyConnection | None = None
        self._others_waiting = WaitWatch(db)

    @property
    def extractor(self) -> EventExtractor:
        if self._extractor is None:
            self._extractor, version = default_extractor()
            self._version = self._version or version
        return self._extractor

    @property
    def extractor_version(self) -> str:
        if self._version is None:
            _ = self.extractor
        return self._version or ""

    @contextmanager
    def holding_file(self) -> Iterator[Loader]:
        """Keep the database open across the batches loaded in the block (see above)."""
        was_holding, self._holding = self._holding, True
        try:
            yield self
        finally:
            self._holding = was_holding
            if not was_holding:
                self._let_go()

    @contextmanager
    def _open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self._holding:
            with open_store(self.db, lock_timeout=self.lock_timeout) as con:
                yield con
            return
        if self._con is None:
            self._con = connect(self.db, lock_timeout=self.lock_timeout)
        yield self._con

    def _let_go(self) -> None:
        """Close the held file (DuckDB checkpoints it on close)."""
        if self._con is not None:
            con, self._con = self._con, None
            con.close()

    def _make_way(self) -> None:
        """Let go of the held file if someone else is waiting for it."""
        if self._con is not None and self._others_waiting():
            self._let_go()

    # -- loading articles ------------------------------------------------------------

    def load_articles(self, articles: Iterable[Article]) -> LoadCounts:
        """Store new or changed articles with their events, in one transaction."""
        return self.load_batches([(None, articles)])

    def load_batches(
        self,
        batches: Iterable[tuple[Key, Iterable[Article]]],
        *,
        on_batch: Callable[[Key, LoadCounts], None] | None = None,
        on_commit: Callable[[list[Key]], None] | None = None,
        force: bool = False,
    ) -> LoadCounts:
        """Store batches of (key, articles), several batches per write transaction.

        Each commit checkpoints, at a fixed cost of a few hundred milliseconds besides
        the data, so a transaction takes in batch after batch (group commit) until it
        has written `group_articles` articles (`GROUP_ARTICLES` by default) or
        `GROUP_BYTES` of rows, or been open `GROUP_SECONDS`, or someone
        is waiting for the file. Within it each batch is checked against the store
        (as the transaction sees it, its own earlier batches included: `StoreView`),
        extracted and queued for writing; the events touched are recomputed once,
        before the commit. `on_batch(key, counts)` follows each batch, `on_commit(keys)`
        each commit, with the keys of the batches it made durable: a killed load keeps
        whole transactions, and a rerun takes in the batches of the lost one again.

        Staged batches are small (50 articles), and per-batch work of fixed cost
        would dominate a load: so the store is asked about many thousand upcoming
        articles at once (`Lookahead`), rows are built a few thousand articles at a
        time and inserted up to 25,000 at a time whatever the batches (`RowQueue`), and
        the cycle collector leaves the heap that was there before the load alone
        (``heap.older_objects_frozen``). All SQL of a transaction, its commit
        included, runs on a writer thread, in order, while the next batches are
        checked, extracted and built into rows here: DuckDB inserts and commits on one
        core while Python builds on the other.

        Row groups: each commit checkpoints its rows into new row groups, and DuckDB
        merges small row groups pairwise, checkpoint after checkpoint, so every row
        would be recompressed once per doubling. Instead they accumulate and are
        merged once they hold a row group's worth of articles (122,880), or once there
        are `MAX_SMALL_ROW_GROUPS` of them (`_merge_row_groups`). Row order within a
        table carries no meaning here, so DuckDB may also insert with both cores.

        `force` re-extracts and rewrites every article, changed or not (`reextract`).
        """
        total = LoadCounts()
        ahead = Lookahead(batches)
        with self.holding_file():
            while ahead.more():
                self._write_until_asked(ahead, total, on_batch, on_commit, force=force)
                self._make_way()
        return total

    def _write_until_asked(
        self,
        ahead: Lookahead[Key],
        total: LoadCounts,
        on_batch: Callable[[Key, LoadCounts], None] | None,
        on_commit: Callable[[list[Key]], None] | None,
        *,
        force: bool,
    ) -> None:
        """Write transactions, one after the other, until the batches run out or
        someone is waiting for the file; everything handed over is committed on return."""
        version = self.extractor_version  # loads the extractor: not the transactions' time
        committed: queue.SimpleQueue[tuple[list[Key], int]] = queue.SimpleQueue()

        def report() -> None:
            """Pass on the commits the writer thread has made so far."""
            if committed.empty():
                return
            while not committed.empty():
                keys, touched = committed.get()
                store.committed()
                total.events_touched += touched
                if on_commit:
                    on_commit(keys)
            store.forget(ahead.pages())

        # the models loaded, the articles read ahead: what the collector need not walk
        with (
            older_objects_frozen(),
            self._open() as con,
            StoreView(con.cursor(), version) as store,
        ):
            try:
                with Overlapped(_run, name="giaouoc-writer", slots=WRITER_JOBS) as put:
                    while ahead.more():
                        self._transaction(
                            con, put, store, ahead, total, on_batch, committed, force=force
                        )
                        report()
                        if self._others_waiting():
                            break
            except BaseException:
                # the writer thread has stopped: roll back what it left open, if anything
                with suppress(duckdb.TransactionException):
                    con.execute("ROLLBACK")
                raise
            finally:
                report()  # the commits made, even if a later transaction failed

    def _transaction(
        self,
        con: duckdb.DuckDBPyConnection,
        put: Callable[[Callable[[], object]], None],
        store: StoreView,
        ahead: Lookahead[Key],
        total: LoadCounts,
        on_batch: Callable[[Key, LoadCounts], None] | None,
        committed: queue.SimpleQueue[tuple[list[Key], int]],
        *,
        force: bool,
    ) -> None:
        """Hand one write transaction over to the writer thread, from its beginning to
        its commit, which puts (its batches' keys, events touched) on `committed`."""
        keys: list[Key] = []
        written = 0
        opened = time.monotonic()
        writer = BatchWriter(con, now=utc_now())
        store.begin()
        rows = RowQueue(writer, put, store.version)
        while (batch := ahead.next(store)) is not None:
            key, unique = batch
            counts = self._take(rows, store, unique, force=force)
            keys.append(key)
            written += counts.stored
            total.add(counts)
            if on_batch:
                on_batch(key, counts)
            if (
                written >= self.group_articles
                or rows.bytes >= GROUP_BYTES
                or time.monotonic() - opened >= GROUP_SECONDS
                or self._others_waiting()
            ):
                break
        rows.flush()
        ahead.fill(store)  # the store cannot be read while the commit checkpoints

        def commit() -> None:
            merge = _merge_row_groups(con, written)
            committed.put((keys, writer.commit(merge_row_groups=merge)))

        put(commit)

    def _take(
        self, queue: RowQueue, store: StoreView, batch: UniqueBatch, *, force: bool
    ) -> LoadCounts:
        """Check one batch against the store, extract what is new or changed and queue
        it for writing; return its counts."""
        counts = LoadCounts(batches=1, articles=len(batch.articles), duplicates=batch.duplicates)
        if not batch.articles:
            return counts
        stored, same_content = store.lookup(batch.hashes)
        todo: list[str] = []
        for article_id in batch.articles:
            if force:
                todo.append(article_id)
            elif stored.get(article_id):
                counts.unchanged += 1
            elif article_id in same_content and article_id not in stored:
                counts.duplicates += 1
            else:
                todo.append(article_id)
        if not todo:
            return counts
        replaced = [i for i in todo if i in stored]
        if replaced:
            queue.replace(replaced)
        articles = [batch.articles[i] for i in todo]
        hashes = [batch.hashes[i] for i in todo]
        records = self._extract(articles)
        queue.add(articles, todo, hashes, records)
        store.wrote(dict(zip(todo, hashes, strict=True)))
        counts.stored = len(todo)
        counts.relevant = sum(reports_event(records.get(a.id)) for a in articles)
        return counts

    def _extract(self, articles: list[Article]) -> dict[str, EventRecord]:
        """Records by article id; articles the crawler's pre-filter rejected are skipped."""
        wanted = [a for a in articles if a.relevant_hint is not False]
        if not wanted:
            return {}
        return {record.id: record for record in self.extractor.extract_many(wanted)}

    # -- staged batches ----------------------------------------------------------------

    def load_staged(
        self,
        staging_dir: Path,
        on_batch: Callable[[Path, LoadCounts, int], None] | None = None,
    ) -> LoadCounts:
        """Merge every complete staged batch (oldest first), deleting each once stored.

        Crawl summaries (``run-*.json``) staged beside the batches go to `crawl_runs`.
        `on_batch(path, counts, pending)` is called after each batch.
        """
        pending = staging.pending_batches(staging_dir)
        left = dict(zip(pending, range(len(pending) - 1, -1, -1), strict=True))

        def stored(paths: list[Path]) -> None:
            for path in paths:
                path.unlink()

        with self.holding_file():
            total = self.load_batches(
                ((path, staging.read_batch(path)) for path in pending),
                on_batch=(lambda path, counts: on_batch(path, counts, left[path]))
                if on_batch
                else None,
                on_commit=stored,
            )
            self.load_run_summaries(staging_dir)
        return total

    def load_run_summaries(self, staging_dir: Path) -> int:
        paths = sorted(staging_dir.glob(RUN_SUMMARY_GLOB)) if staging_dir.is_dir() else []
        for path in paths:
            summary = json.loads(path.read_text(encoding="utf-8"))
            self.record_run(path.stem, "crawl", summary)
            path.unlink()
        return len(paths)

    def record_run(self, run_id: str, kind: str, summary: dict[str, Any]) -> None:
        """One row of `crawl_runs` from a summary dict (unknown keys kept in `details`)."""
        row = run_row(run_id, kind, summary)
        with self._open() as con, write_transaction(con):
            con.execute("DELETE FROM crawl_runs WHERE run_id = ?", [run_id])
            con.execute(
                f"INSERT INTO crawl_runs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )

    # -- re-extraction -----------------------------------------------------------------

    def reextract(
        self,
        *,
        everything: bool = False,
        chunk_size: int = 200,
        on_chunk: Callable[[LoadCounts, int], None] | None = None,
    ) -> LoadCounts:
        """Re-run extraction on stored articles whose extractor version is not current.

        Works from the stored text (or the stored HTML), never recrawls; the events of
        each chunk of `chunk_size` articles are replaced within `load_batches`'s
        transactions. `everything` re-extracts every article.
        """
        outdated = "" if everything else " AND extractor_version IS DISTINCT FROM ?"
        version = [] if everything else [self.extractor_version]

        def chunks() -> Iterator[tuple[int, list[Article]]]:
            after = ""
            while True:
                # the committed store, on a connection of its own: an open
                # transaction's connection belongs to its insert thread
                with self._open() as con, closing(con.cursor()) as reader:
                    remaining = reader.execute(
                        f"SELECT count(*) FROM articles WHERE article_id > ?{outdated}",
                        [after, *version],
                    ).fetchall()[0][0]
                    if not remaining:
                        return
                    cursor = reader.execute(
                        f"SELECT * FROM articles WHERE article_id > ?{outdated}"
                        " ORDER BY article_id LIMIT ?",
                        [after, *version, chunk_size],
                    )
                    names = [d[0] for d in cursor.description]
                    stored_rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
                after = stored_rows[-1]["article_id"]
                yield remaining - len(stored_rows), [_article_from_row(r) for r in stored_rows]

        return self.load_batches(
            chunks(),
            on_batch=(lambda left, counts: on_chunk(counts, left)) if on_chunk else None,
            force=True,
        )


def _run(job: Callable[[], object]) -> None:
    job()


def _merge_row_groups(con: duckdb.DuckDBPyConnection, written: int) -> bool:
    """Whether the commit of a transaction that wrote `written` articles should merge
    the small row groups (see `Loader.load_batches`): once they would hold a row
    group's worth of articles, or be `MAX_SMALL_ROW_GROUPS` in number."""
    sizes = con.execute(_ROW_GROUP_SIZES).fetchall()
    small = [rows for (rows,) in sizes if rows < ROW_GROUP_ARTICLES]
    return sum(small) + written >= ROW_GROUP_ARTICLES or len(small) + 1 >= MAX_SMALL_ROW_GROUPS


def _article_from_row(row: dict[str, Any]) -> Article:
    return Article(
        id=row["source_id"] or row["article_id"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        site=row["site"],
        source_province=row["source_province"],
        title=row["title"],
        author=row["author"],
        published=row["published"],
        fetched_at=row["fetched_at"],
        http_status=row["http_status"],
        content_hash=row["content_hash"],
        text=row["text"],
        html=row["html"],
        relevant_hint=row["relevant_hint"],
    )
